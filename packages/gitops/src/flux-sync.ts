import {
  Component,
  FLUX_CONTROLLERS,
  FLUX_PLATFORM_APPLIER,
  GitRepository,
  Kustomization,
  PLATFORM_NAMESPACES,
  type Pods,
  SOPS_AGE_SECRET,
} from '@ck8s/core';
import type { Construct } from 'constructs';
import { FLUX_DASHBOARD } from './flux-dashboard.js';
import { FLUX_READINESS_ALERTS } from './flux-readiness-alerts.js';

/** Namespace and name of Flux's own objects, as `flux bootstrap` creates them. */
export const FLUX_NAMESPACE = PLATFORM_NAMESPACES.flux;

/** Flux's controllers, as its installation labels them; each serves its metrics on 8080. */
export const FLUX_CONTROLLER_PODS: Pods = {
  name: 'flux',
  namespace: FLUX_NAMESPACE,
  expressions: [{ key: 'app', operator: 'In', values: [...FLUX_CONTROLLERS].sort() }],
};

export interface FluxSyncProps {
  /** The cluster's name: Flux syncs only its folder, `clusters/<name>/`. */
  readonly clusterName: string;
  /** URL of the git repository holding the fleet (`ssh://` or `https://`). */
  readonly repository: string;
  /** Branch the cluster follows. @default 'main' */
  readonly branch?: string;
  /** How often Flux fetches the repository and reapplies the cluster's folder. @default '10m' */
  readonly interval?: string;
  /**
   * Secret in flux-system holding the repository's credentials.
   * @default 'flux-system' for an `ssh://` repository (the deploy key `flux bootstrap` creates), none otherwise
   */
  readonly secretName?: string;
}

/** Repository path of a cluster's folder, as Flux sees it (`./clusters/<name>`). */
export function clusterPath(clusterName: string): string {
  return `./clusters/${clusterName}`;
}

/** The decryption block every Kustomization of the platform carries. */
export function sopsDecryption(): { provider: 'sops'; secretRef: { name: string } } {
  return { provider: 'sops', secretRef: { name: SOPS_AGE_SECRET } };
}

/**
 * The Flux bootstrap sync (`flux-system/gotk-sync.yaml`): the `GitRepository` that follows
 * the cluster's branch, packaging only this cluster's folder, and the root `Kustomization`
 * that applies `flux-system/` and so, through it, Flux's own installation and the layer
 * Kustomizations, as kustomize-controller's ServiceAccount (cluster-admin).
 */
export class FluxSync extends Component {
  constructor(scope: Construct, id: string, props: FluxSyncProps) {
    super(scope, id, { layer: 'flux-system' });
    const { clusterName, repository } = props;
    const interval = props.interval ?? '10m';
    const secretName = props.secretName ?? (repository.startsWith('ssh://') ? 'flux-system' : undefined);

    new GitRepository(this, 'source', {
      metadata: { name: FLUX_NAMESPACE, namespace: FLUX_NAMESPACE },
      spec: {
        url: repository,
        interval,
        ref: { branch: props.branch ?? 'main' },
        ...(secretName ? { secretRef: { name: secretName } } : {}),
        // only this cluster's folder reaches the cluster: other clusters' files never leave git
        ignore: ['/*', '!/clusters/', '/clusters/*', `!/clusters/${clusterName}/`, `/clusters/${clusterName}/cluster.yaml`, ''].join('\n'),
      },
    });

    new Kustomization(this, 'root', {
      metadata: { name: FLUX_NAMESPACE, namespace: FLUX_NAMESPACE },
      spec: {
        interval,
        path: `${clusterPath(clusterName)}/flux-system`,
        prune: true,
        // the lockdown's default account may do nothing: the platform's sync names Flux's own
        serviceAccountName: FLUX_PLATFORM_APPLIER,
        sourceRef: { kind: 'GitRepository', name: FLUX_NAMESPACE },
        decryption: sopsDecryption(),
      },
    });

    // Flux's own installation admits Prometheus (its allow-scraping policy); the platform adds the PodMonitor and the egress
    this.addMetrics({ name: 'flux', pods: FLUX_CONTROLLER_PODS, port: 8080 });
    this.addAlerts(FLUX_READINESS_ALERTS);
    this.addDashboard(FLUX_DASHBOARD);
  }
}
