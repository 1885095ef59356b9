import { PLATFORM_NAMESPACES, type Pods } from '@ck8s/core';

/** Namespace of Prometheus, Alertmanager, Grafana and the blackbox exporter. */
export const MONITORING_NAMESPACE = PLATFORM_NAMESPACES.monitoring;

/** Namespace of node-exporter, kept apart because it is the one part that needs host access. */
export const NODE_EXPORTER_NAMESPACE = PLATFORM_NAMESPACES.nodeExporter;

/** Release name of kube-prometheus-stack (the catalog key); the chart derives every object name from it. */
export const METRICS_RELEASE = 'kube-prometheus-stack';

/** Release name of the blackbox exporter (the catalog key). */
export const BLACKBOX_RELEASE = 'prometheus-blackbox-exporter';

/** Label that makes Grafana's sidecar load a ConfigMap as a dashboard, and its value. */
export const DASHBOARD_LABEL = { key: 'grafana_dashboard', value: '1' } as const;

function monitoring(name: string, labels: Record<string, string>): Pods {
  return { name, namespace: MONITORING_NAMESPACE, labels };
}

/** The pods of the metrics stack, labelled as the charts and the Prometheus operator label them. */
export const MONITORING_PODS = {
  prometheus: monitoring('prometheus', { 'app.kubernetes.io/name': 'prometheus' }),
  alertmanager: monitoring('alertmanager', { 'app.kubernetes.io/name': 'alertmanager' }),
  grafana: monitoring('grafana', { 'app.kubernetes.io/name': 'grafana' }),
  operator: monitoring('operator', { app: `${METRICS_RELEASE}-operator` }),
  admissionCreate: monitoring('admission-create', { app: `${METRICS_RELEASE}-admission-create` }),
  admissionPatch: monitoring('admission-patch', { app: `${METRICS_RELEASE}-admission-patch` }),
  kubeStateMetrics: monitoring('kube-state-metrics', { 'app.kubernetes.io/name': 'kube-state-metrics' }),
  blackboxExporter: monitoring('blackbox-exporter', { 'app.kubernetes.io/name': 'prometheus-blackbox-exporter' }),
  /** Every pod of the namespace: what the chart's own ServiceMonitors scrape. */
  all: { name: 'monitoring', namespace: MONITORING_NAMESPACE },
  nodeExporter: { name: 'node-exporter', namespace: NODE_EXPORTER_NAMESPACE, labels: { 'app.kubernetes.io/name': 'prometheus-node-exporter' } },
} as const satisfies Record<string, Pods>;

/** Services the chart creates (release name + suffix) and their ports, for the endpoints the stack serves. */
export const MONITORING_SERVICES = {
  prometheus: { name: `${METRICS_RELEASE}-prometheus`, port: 9090 },
  alertmanager: { name: `${METRICS_RELEASE}-alertmanager`, port: 9093 },
  grafana: { name: `${METRICS_RELEASE}-grafana`, port: 80 },
  blackboxExporter: { name: BLACKBOX_RELEASE, port: 9115 },
} as const;
