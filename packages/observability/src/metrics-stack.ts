import {
  type ChartCatalog,
  type ClusterConfig,
  Component,
  type Fleet,
  HardenedNamespace,
  HelmChart,
  NetworkAllow,
  type RequiredSecret,
  serviceClusterOf,
  serviceEndpoints,
} from '@ck8s/core';
import type { Construct } from 'constructs';
import { alertmanagerSetup } from './alertmanager-config.js';
import { FLUX_RESOURCE_INFO, fluxResourceStateConfig, fluxResourceStateRules } from './flux-resource-metrics.js';
import { grafanaSetup } from './grafana-sso.js';
import type { ContainerSecurityContextValues, KubePrometheusStackValues, PodSecurityContextValues, PrometheusSpecValues } from './kube-prometheus-stack-values.js';
import { MonitoringNetworkPolicies } from './monitoring-network-policies.js';
import { METRICS_RELEASE, MONITORING_NAMESPACE, MONITORING_PODS, MONITORING_SERVICES, NODE_EXPORTER_NAMESPACE } from './monitoring-names.js';
import { prometheusRetention, prometheusRetentionSize, prometheusVolumeSize } from './retention.js';

export interface MetricsStackProps {
  readonly cluster: ClusterConfig;
  /** Every cluster of the repository; a workload cluster's service cluster is looked up here. */
  readonly fleet: Fleet;
  readonly catalog: ChartCatalog;
  /** Pod Security Standards version of the namespaces, e.g. `v1.33`. @default 'latest' */
  readonly podSecurityVersion?: string;
}

/**
 * An endpoint the metrics stack serves, for the caller to expose through the ingress controller
 * (the component creates no Ingress). Prometheus and Alertmanager have no login of their own:
 * their Ingress must authenticate (the workload clusters' remote-write credentials, falcosidekick).
 */
export interface MonitoringEndpoint {
  /** Short name, also the first label of the host. */
  readonly name: 'grafana' | 'prometheus' | 'alertmanager';
  /** Public host, e.g. `grafana.demo-sc.example.com` (the same host `serviceEndpoints` derives). */
  readonly host: string;
  /** Namespace of the Service. */
  readonly namespace: string;
  /** Name of the Service in {@link namespace}. */
  readonly service: string;
  readonly port: number;
}

/** sops Secret a workload cluster's Prometheus agent authenticates to the service cluster with. */
export const REMOTE_WRITE_SECRET = { name: 'prometheus-remote-write', usernameKey: 'username', passwordKey: 'password' } as const;

/** The external label (and scrape label) that names the cluster a series comes from. */
export const CLUSTER_LABEL = 'cluster';

/**
 * The one documented exception to the restricted profile in the metrics stack: node-exporter reads
 * the node's own metrics, so it runs in the host's network and PID namespaces and mounts /proc,
 * /sys and / read-only from the host (the root mount is what the filesystem metrics, and the
 * disk-filling alert, read). Its container stays unprivileged, non-root, without capabilities.
 */
export const NODE_EXPORTER_POD_SECURITY_EXCEPTION =
  'node-exporter reads node metrics: host network and host PID, read-only host paths /proc, /sys and / (filesystem metrics); non-root, no capabilities, no privilege escalation';

const POD: PodSecurityContextValues = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
const CONTAINER: ContainerSecurityContextValues = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };

/**
 * Metrics and alerting (`controllers/kube-prometheus-stack.yaml`, usually id `kube-prometheus-stack`):
 * kube-prometheus-stack with kube-state-metrics, kubelet/cAdvisor and node-exporter, by profile.
 *
 * - service cluster: Prometheus keeps `observability.retentionTime` or `retentionSize` of metrics,
 *   whichever is reached first, and receives the workload clusters' remote writes; Alertmanager
 *   sends every alert to the first of `observability.receivers`; Grafana logs people in through
 *   the identity provider.
 * - workload cluster: Prometheus in agent mode writes everything to the service cluster with the
 *   credentials of the sops Secret `monitoring/prometheus-remote-write`; no Alertmanager, no Grafana.
 *
 * Every series carries `cluster: <name>` (a scrape label, and the external label on what leaves the
 * cluster). Tenants may add ServiceMonitors and PodMonitors in their namespaces. node-exporter runs
 * in its own privileged namespace; everything else meets the restricted profile.
 */
export class MetricsStack extends Component {
  /** Endpoints to expose (service cluster only; empty in a workload cluster). */
  public readonly endpoints: readonly MonitoringEndpoint[];

  constructor(scope: Construct, id: string, props: MetricsStackProps) {
    super(scope, id, { layer: 'controllers' });
    const { cluster } = props;
    const service = cluster.profile === 'service';
    const psv = props.podSecurityVersion ? { podSecurityVersion: props.podSecurityVersion } : {};

    new HardenedNamespace(this, 'namespace', { name: MONITORING_NAMESPACE, ...psv });
    new HardenedNamespace(this, 'node-exporter-namespace', {
      name: NODE_EXPORTER_NAMESPACE,
      podSecurity: 'privileged',
      podSecurityException: NODE_EXPORTER_POD_SECURITY_EXCEPTION,
      ...psv,
    });

    const secrets: RequiredSecret[] = [];
    const { prometheusSpec: commonSpec, ...common } = commonValues(cluster);
    let values: KubePrometheusStackValues;
    if (service) {
      const alertmanager = alertmanagerSetup(cluster);
      const grafana = grafanaSetup(cluster);
      secrets.push(...alertmanager.requiredSecrets, ...grafana.requiredSecrets);
      values = {
        ...common,
        defaultRules: { create: true, additionalAggregationLabels: [CLUSTER_LABEL] },
        prometheus: {
          enabled: true,
          agentMode: false,
          prometheusSpec: {
            ...commonSpec,
            enableRemoteWriteReceiver: true,
            retention: prometheusRetention(cluster.observability.retentionTime),
            retentionSize: prometheusRetentionSize(cluster.observability.retentionSize),
            storageSpec: {
              volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: prometheusVolumeSize(cluster.observability.retentionSize) } } } },
            },
            // rules in any namespace: the platform's alerts live in the platform layer
            ruleSelectorNilUsesHelmValues: false,
            ruleSelector: {},
            ruleNamespaceSelector: {},
            resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { memory: '6Gi' } },
          },
        },
        alertmanager: {
          enabled: true,
          config: alertmanager.config,
          alertmanagerSpec: {
            secrets: alertmanager.secrets,
            securityContext: { ...POD, runAsUser: 1000, runAsGroup: 2000, fsGroup: 2000 },
            resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } },
          },
        },
        grafana: grafana.values,
      };
    } else {
      const remoteWrite = serviceEndpoints(serviceClusterOf(cluster, props.fleet).domain).metricsRemoteWrite;
      secrets.push({
        namespace: MONITORING_NAMESPACE,
        name: REMOTE_WRITE_SECRET.name,
        keys: [REMOTE_WRITE_SECRET.usernameKey, REMOTE_WRITE_SECRET.passwordKey],
        purpose: `the Prometheus agent's basic-auth account at the service cluster's remote-write endpoint (${remoteWrite})`,
      });
      values = {
        ...common,
        // an agent evaluates no rules: the service cluster does, on everything it receives
        defaultRules: { create: false },
        prometheus: {
          enabled: true,
          agentMode: true,
          prometheusSpec: {
            ...commonSpec,
            remoteWrite: [
              {
                url: remoteWrite,
                basicAuth: {
                  username: { name: REMOTE_WRITE_SECRET.name, key: REMOTE_WRITE_SECRET.usernameKey },
                  password: { name: REMOTE_WRITE_SECRET.name, key: REMOTE_WRITE_SECRET.passwordKey },
                },
              },
            ],
            resources: { requests: { cpu: '200m', memory: '512Mi' }, limits: { memory: '2Gi' } },
          },
        },
        alertmanager: { enabled: false },
        grafana: { enabled: false },
      };
    }
    for (const secret of secrets) this.requireSecret(secret);

    new HelmChart<KubePrometheusStackValues>(this, 'chart', { catalog: props.catalog, chart: METRICS_RELEASE, namespace: MONITORING_NAMESPACE, values });

    new MonitoringNetworkPolicies(this, 'network', { cluster });
    // node-exporter is on the host network, which most CNIs do not police; for those that do
    new NetworkAllow(this, 'node-exporter-scrape', {
      namespace: NODE_EXPORTER_NAMESPACE,
      name: 'allow-metrics-from-prometheus',
      direction: 'ingress',
      podLabels: MONITORING_PODS.nodeExporter,
      peers: [{ namespace: MONITORING_NAMESPACE, podLabels: service ? MONITORING_PODS.prometheus : MONITORING_PODS.prometheusAgent }],
      ports: [{ port: 9100 }],
    });

    this.endpoints = service ? monitoringEndpoints(cluster) : [];
  }
}

/** The hosts of Grafana, Prometheus and Alertmanager, as `serviceEndpoints` derives them. */
function monitoringEndpoints(cluster: ClusterConfig): MonitoringEndpoint[] {
  const urls = serviceEndpoints(cluster.domain);
  const host = (url: string): string => new URL(url).host;
  return [
    { name: 'grafana', host: host(urls.grafana), namespace: MONITORING_NAMESPACE, service: MONITORING_SERVICES.grafana.name, port: MONITORING_SERVICES.grafana.port },
    { name: 'prometheus', host: host(urls.metricsRemoteWrite), namespace: MONITORING_NAMESPACE, service: MONITORING_SERVICES.prometheus.name, port: MONITORING_SERVICES.prometheus.port },
    { name: 'alertmanager', host: host(urls.alertmanager), namespace: MONITORING_NAMESPACE, service: MONITORING_SERVICES.alertmanager.name, port: MONITORING_SERVICES.alertmanager.port },
  ];
}

type CommonValues = Omit<KubePrometheusStackValues, 'defaultRules' | 'prometheus' | 'alertmanager' | 'grafana'> & {
  readonly prometheusSpec: Omit<PrometheusSpecValues, 'resources'>;
};

/** The values both profiles share. */
function commonValues(cluster: ClusterConfig): CommonValues {
  const everything = {} as Record<string, never>;
  return {
    crds: { enabled: true },
    kubeApiServer: { enabled: true },
    // kubelet metrics and cAdvisor: CPU, memory, disk and network I/O of every container and pod
    kubelet: { enabled: true, serviceMonitor: { kubelet: true, cAdvisor: true, probes: true } },
    // kubeadm binds these to 127.0.0.1 and managed clusters hide them; the API server's metrics
    // and the kubelet cover the control plane's health instead of targets that are always down
    kubeControllerManager: { enabled: false },
    kubeScheduler: { enabled: false },
    kubeEtcd: { enabled: false },
    kubeProxy: { enabled: false },
    coreDns: { enabled: true },
    kubeStateMetrics: { enabled: true },
    'kube-state-metrics': {
      securityContext: { enabled: true, ...POD, runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534 },
      containerSecurityContext: CONTAINER,
      // readiness of Flux's objects as FLUX_RESOURCE_INFO, for the alerts
      rbac: { extraRules: fluxResourceStateRules() },
      customResourceState: { enabled: true, config: fluxResourceStateConfig() },
    },
    // node metrics: CPU, memory, disk and network I/O and filesystems of every node
    nodeExporter: { enabled: true },
    'prometheus-node-exporter': {
      namespaceOverride: NODE_EXPORTER_NAMESPACE,
      hostNetwork: true,
      hostPID: true,
      hostRootFsMount: { enabled: true, mountPropagation: 'HostToContainer' },
      securityContext: { ...POD, runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534 },
      containerSecurityContext: CONTAINER,
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
    },
    prometheusOperator: {
      admissionWebhooks: { enabled: true, failurePolicy: 'Fail' },
      securityContext: { ...POD, runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534 },
      containerSecurityContext: CONTAINER,
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
    },
    prometheusSpec: {
      externalLabels: { [CLUSTER_LABEL]: cluster.name },
      // the same label on every scraped series, so local series and received ones look alike
      scrapeClasses: [{ name: 'cluster', default: true, relabelings: [{ action: 'replace', targetLabel: CLUSTER_LABEL, replacement: cluster.name }] }],
      // every ServiceMonitor, PodMonitor and Probe in any namespace, including the tenants' own
      serviceMonitorSelectorNilUsesHelmValues: false,
      serviceMonitorSelector: everything,
      serviceMonitorNamespaceSelector: everything,
      podMonitorSelectorNilUsesHelmValues: false,
      podMonitorSelector: everything,
      podMonitorNamespaceSelector: everything,
      probeSelectorNilUsesHelmValues: false,
      probeSelector: everything,
      probeNamespaceSelector: everything,
      securityContext: { ...POD, runAsUser: 1000, runAsGroup: 2000, fsGroup: 2000 },
    },
  };
}

/** Names of the metrics this stack collects that the platform's alerts and dashboards rely on. */
export const COLLECTED_METRICS = {
  /** cAdvisor (kubelet): per container, summed per pod and namespace. */
  podCpu: 'container_cpu_usage_seconds_total',
  podMemory: 'container_memory_working_set_bytes',
  podDiskRead: 'container_fs_reads_bytes_total',
  podDiskWrite: 'container_fs_writes_bytes_total',
  podNetworkReceive: 'container_network_receive_bytes_total',
  podNetworkTransmit: 'container_network_transmit_bytes_total',
  /** node-exporter. */
  nodeCpu: 'node_cpu_seconds_total',
  nodeMemory: 'node_memory_MemAvailable_bytes',
  nodeDiskRead: 'node_disk_read_bytes_total',
  nodeDiskWrite: 'node_disk_written_bytes_total',
  nodeNetworkReceive: 'node_network_receive_bytes_total',
  nodeNetworkTransmit: 'node_network_transmit_bytes_total',
  nodeFilesystemAvailable: 'node_filesystem_avail_bytes',
  /** kube-state-metrics. */
  fluxResourceInfo: FLUX_RESOURCE_INFO,
  resourceQuota: 'kube_resourcequota',
} as const;
