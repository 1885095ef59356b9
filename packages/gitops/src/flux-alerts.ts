import { Component, NotificationAlert, NotificationProvider } from '@ck8s/core';
import type { Construct } from 'constructs';
import { FLUX_NAMESPACE } from './flux-sync.js';

/** Secret in flux-system with the notification-controller's Alertmanager account (keys `username`, `password`). */
export const FLUX_ALERTMANAGER_SECRET = 'alertmanager-credentials';

/** The account name of a cluster's notification-controller at its service cluster's Alertmanager. */
export function fluxAlertsUser(cluster: string): string {
  return `flux-${cluster}`;
}

/**
 * Messages of kustomize-controller's errors about sops: "decryption failed for 'Secret/x'",
 * "error decrypting sources", "cannot get sops age decryption Secret", "... is SOPS encrypted,
 * configuring decryption is required" (Go regular expression).
 */
export const DECRYPTION_ERROR_MESSAGE = '(?i)(decrypt|sops)';

export interface FluxAlertsProps {
  /** Name of the cluster, added to every alert as the label `cluster` (as the platform's Prometheus alerts carry it). */
  readonly clusterName: string;
  /** Base URL of the Alertmanager the alerts go to, e.g. `https://alertmanager.<service cluster domain>`. */
  readonly alertmanagerUrl: string;
  /** Secret in flux-system with the basic auth account at that Alertmanager. @default 'alertmanager-credentials' */
  readonly credentialsSecret?: string;
}

/**
 * Tells the service cluster's Alertmanager when Flux cannot decrypt a Secret
 * (`flux-system/flux-alerts.yaml`): a notification-controller `Provider` of type `alertmanager`
 * with its credentials in a sops Secret, and an `Alert` on the error events of every Kustomization
 * of flux-system (the platform's layers) whose message is about decryption. A decryption failure
 * stops a layer (the Kustomization's build fails), so it is an error event of that Kustomization.
 * The Secret lives in the bootstrap layer: once applied, it stays while a later change fails to decrypt.
 */
export class FluxAlerts extends Component {
  constructor(scope: Construct, id: string, props: FluxAlertsProps) {
    super(scope, id, { layer: 'flux-system' });
    const secret = props.credentialsSecret ?? FLUX_ALERTMANAGER_SECRET;
    this.requireSecret({
      namespace: FLUX_NAMESPACE,
      name: secret,
      keys: ['username', 'password'],
      purpose: "notification-controller's account at the service cluster's Alertmanager, for alerts when decryption fails",
      // an alert-sender account: onboarding adds it to the service cluster's Alertmanager endpoint (its htpasswd)
      generate: (context) => {
        const user = fluxAlertsUser(context.cluster);
        return { username: user, password: context.account('alert-sender', user) };
      },
    });
    new NotificationProvider(this, 'alertmanager', {
      metadata: { name: 'alertmanager', namespace: FLUX_NAMESPACE },
      spec: { type: 'alertmanager', address: `${props.alertmanagerUrl.replace(/\/+$/, '')}/api/v2/alerts/`, secretRef: { name: secret } },
    });
    new NotificationAlert(this, 'decryption-failed', {
      metadata: { name: 'sops-decryption-failed', namespace: FLUX_NAMESPACE },
      spec: {
        providerRef: { name: 'alertmanager' },
        eventSeverity: 'error',
        eventSources: [{ kind: 'Kustomization', name: '*' }],
        inclusionList: [DECRYPTION_ERROR_MESSAGE],
        eventMetadata: { cluster: props.clusterName },
      },
    });
  }
}
