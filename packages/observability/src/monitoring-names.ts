import { PLATFORM_NAMESPACES } from '@ck8s/core';

/** Namespace of Prometheus, Alertmanager, Grafana and the blackbox exporter. */
export const MONITORING_NAMESPACE = PLATFORM_NAMESPACES.monitoring;

/** Namespace of node-exporter, kept apart because it is the one part that needs host access. */
export const NODE_EXPORTER_NAMESPACE = 'node-exporter';

/** Release name of kube-prometheus-stack (the catalog key); the chart derives every object name from it. */
export const METRICS_RELEASE = 'kube-prometheus-stack';

/** Release name of the blackbox exporter (the catalog key). */
export const BLACKBOX_RELEASE = 'prometheus-blackbox-exporter';

/** Label that makes Grafana's sidecar load a ConfigMap as a dashboard, and its value. */
export const DASHBOARD_LABEL = { key: 'grafana_dashboard', value: '1' } as const;

/**
 * Labels of the pods as the charts and the Prometheus operator set them; allow rules select them.
 * In agent mode the operator labels the Prometheus pods `prometheus-agent` (a selector label that
 * podMetadata cannot override).
 */
export const MONITORING_PODS = {
  prometheus: { 'app.kubernetes.io/name': 'prometheus' },
  prometheusAgent: { 'app.kubernetes.io/name': 'prometheus-agent' },
  alertmanager: { 'app.kubernetes.io/name': 'alertmanager' },
  grafana: { 'app.kubernetes.io/name': 'grafana' },
  operator: { app: `${METRICS_RELEASE}-operator` },
  admissionCreate: { app: `${METRICS_RELEASE}-admission-create` },
  admissionPatch: { app: `${METRICS_RELEASE}-admission-patch` },
  kubeStateMetrics: { 'app.kubernetes.io/name': 'kube-state-metrics' },
  nodeExporter: { 'app.kubernetes.io/name': 'prometheus-node-exporter' },
  blackboxExporter: { 'app.kubernetes.io/name': 'prometheus-blackbox-exporter' },
} as const satisfies Record<string, Record<string, string>>;

/** Pods of the ingress-nginx controller, the only way in from outside the cluster. */
export const INGRESS_CONTROLLER_PODS = { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' } as const;

/** Services the chart creates (release name + suffix) and their ports, for the endpoints a caller exposes. */
export const MONITORING_SERVICES = {
  prometheus: { name: `${METRICS_RELEASE}-prometheus`, port: 9090 },
  alertmanager: { name: `${METRICS_RELEASE}-alertmanager`, port: 9093 },
  grafana: { name: `${METRICS_RELEASE}-grafana`, port: 80 },
  blackboxExporter: { name: BLACKBOX_RELEASE, port: 9115 },
} as const;
