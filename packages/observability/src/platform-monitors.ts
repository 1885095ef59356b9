import { type ClusterConfig, Component, PLATFORM_NAMESPACES } from '@ck8s/core';
import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { INGRESS_CONTROLLER_PODS, MONITORING_NAMESPACE } from './monitoring-names.js';

/** A platform component Prometheus scrapes, selected by its pods' labels. */
export interface ScrapeTarget {
  /** Names the PodMonitor, and thereby the `job` label (`monitoring/<name>`). */
  readonly name: string;
  readonly namespace: string;
  /** Pods to scrape: matchLabels, or matchExpressions for several apps. */
  readonly selector: { readonly matchLabels: Readonly<Record<string, string>> } | { readonly matchExpressions: readonly { readonly key: string; readonly operator: 'In'; readonly values: readonly string[] }[] };
  /** Container port with the metrics; the pods declare it, and the monitoring namespace may reach it. */
  readonly port: number;
  /** @default '/metrics' */
  readonly path?: string;
}

/**
 * The platform components' metrics endpoints. Their charts' own ServiceMonitors stay off, because
 * those would be applied with the chart in the controllers layer, before the Prometheus operator's
 * CRDs exist; these PodMonitors come one layer later.
 */
export const PLATFORM_SCRAPE_TARGETS: readonly ScrapeTarget[] = [
  { name: 'ingress-nginx', namespace: PLATFORM_NAMESPACES.ingress, selector: { matchLabels: INGRESS_CONTROLLER_PODS }, port: 10254 },
  { name: 'cert-manager', namespace: PLATFORM_NAMESPACES.certManager, selector: { matchLabels: { 'app.kubernetes.io/name': 'cert-manager', 'app.kubernetes.io/component': 'controller' } }, port: 9402 },
  { name: 'falco', namespace: PLATFORM_NAMESPACES.ids, selector: { matchLabels: { 'app.kubernetes.io/name': 'falco' } }, port: 8765 },
  { name: 'fluent-bit', namespace: PLATFORM_NAMESPACES.logging, selector: { matchLabels: { 'app.kubernetes.io/name': 'fluent-bit' } }, port: 2020, path: '/api/v2/metrics/prometheus' },
  { name: 'velero', namespace: PLATFORM_NAMESPACES.backup, selector: { matchLabels: { 'app.kubernetes.io/name': 'velero' } }, port: 8085 },
  {
    name: 'flux',
    namespace: 'flux-system',
    selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['helm-controller', 'kustomize-controller', 'notification-controller', 'source-controller'] }] },
    port: 8080,
  },
];

export interface PlatformMonitorsProps {
  readonly cluster: ClusterConfig;
}

/**
 * PodMonitors for the platform's components (`platform/platform-monitors.yaml`, usually id
 * `platform-monitors`), in every cluster: without them the platform's alerts would watch nothing.
 * A component a cluster does not run simply has no targets.
 */
export class PlatformMonitors extends Component {
  constructor(scope: Construct, id: string, _props: PlatformMonitorsProps) {
    super(scope, id, { layer: 'platform' });
    for (const target of PLATFORM_SCRAPE_TARGETS) {
      new ApiObject(this, target.name, {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PodMonitor',
        metadata: { name: target.name, namespace: MONITORING_NAMESPACE },
        spec: {
          namespaceSelector: { matchNames: [target.namespace] },
          selector: target.selector,
          // by number: the charts name their metrics ports differently
          podMetricsEndpoints: [{ targetPort: target.port, path: target.path ?? '/metrics' }],
        },
      });
    }
  }
}
