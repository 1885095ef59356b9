import { ChartCatalog, type MetricsEndpoint, serviceEndpoints } from '@ck8s/core';
import type { MetricsWorkloadProps, MetricsServerProps, ReceiverConfig } from '../src/index.js';

/** The two charts this package deploys, pinned as in charts/catalog.yaml. */
export const catalog = new ChartCatalog([
  { name: 'kube-prometheus-stack', repository: 'oci://ghcr.io/prometheus-community/charts', chart: 'kube-prometheus-stack', version: '88.5.3' },
  {
    name: 'prometheus-blackbox-exporter',
    repository: 'oci://ghcr.io/prometheus-community/charts',
    chart: 'prometheus-blackbox-exporter',
    version: '11.17.2',
  },
]);

/** One receiver of each type; the first gets every alert. */
export const receivers: readonly ReceiverConfig[] = [
  { name: 'ops-slack', type: 'slack', secret: 'alert-slack', channel: '#platform-alerts' },
  {
    name: 'ops-mail',
    type: 'email',
    secret: 'alert-mail',
    to: 'oncall@example.com',
    from: 'alertmanager@example.com',
    smarthost: 'smtp.example.com:587',
    username: 'alerts',
  },
  { name: 'ops-pager', type: 'pagerduty', secret: 'alert-pagerduty' },
  { name: 'ops-hook', type: 'webhook', secret: 'alert-webhook' },
];

/** The endpoints of the test service cluster `sc` (domain sc.example.com), as its profile derives them. */
export const service = serviceEndpoints('sc.example.com');

/** A service cluster's metrics stack, mapped from its endpoints the way the service profile maps cluster.yaml. */
export function serverProps(extra: Partial<Omit<MetricsServerProps, 'mode'>> = {}): MetricsServerProps {
  const host = (url: string): string => new URL(url).hostname;
  return {
    mode: 'server',
    catalog,
    clusterName: 'sc',
    receivers,
    grafana: { url: service.grafana, issuer: service.identity, operatorGroups: ['platform-operators', 'sre'] },
    hosts: { grafana: host(service.grafana), prometheus: host(service.metricsRemoteWrite), alertmanager: host(service.alertmanager) },
    ...extra,
  };
}

/** A workload cluster `wc`'s metrics stack, writing to the service cluster `sc`. */
export const workloadProps: MetricsWorkloadProps = { mode: 'workload', catalog, clusterName: 'wc', remoteWriteUrl: service.metricsRemoteWrite };

/** Metrics endpoints as components declare them: by labels, with a path of its own, and by label expressions. */
export const scrapeTargets: readonly MetricsEndpoint[] = [
  {
    name: 'cert-manager',
    pods: {
      name: 'cert-manager',
      namespace: 'cert-manager',
      labels: { 'app.kubernetes.io/name': 'cert-manager', 'app.kubernetes.io/component': 'controller' },
    },
    port: 9402,
  },
  {
    name: 'fluent-bit',
    pods: { name: 'fluent-bit', namespace: 'logging', labels: { 'app.kubernetes.io/name': 'fluent-bit' } },
    port: 2020,
    path: '/api/v2/metrics/prometheus',
  },
  {
    name: 'flux',
    pods: {
      name: 'flux',
      namespace: 'flux-system',
      expressions: [
        { key: 'app', operator: 'In', values: ['helm-controller', 'kustomize-controller', 'notification-controller', 'source-controller'] },
      ],
    },
    port: 8080,
  },
];
