import {
  type ChartCatalog,
  Component,
  HelmChart,
  type Pods,
  type RequiredSecret,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from '@ck8s/core';
import type { Construct } from 'constructs';
import { alertmanagerSetup, type ReceiverConfig, receiverPorts } from './alertmanager-config.js';
import { FLUX_RESOURCE_INFO, fluxResourceStateConfig, fluxResourceStateRules } from './flux-resource-metrics.js';
import { GRAFANA_OIDC_CLIENT_ID, GRAFANA_OIDC_REDIRECT_PATH, grafanaSetup, type GrafanaSetupProps } from './grafana-sso.js';
import type {
  ContainerSecurityContextValues,
  KubePrometheusStackValues,
  PodSecurityContextValues,
  PrometheusSpecValues,
} from './kube-prometheus-stack-values.js';
import { METRICS_RELEASE, MONITORING_NAMESPACE, MONITORING_PODS, MONITORING_SERVICES, NODE_EXPORTER_NAMESPACE } from './monitoring-names.js';
import { prometheusRetention, prometheusRetentionSize, prometheusVolumeSize } from './retention.js';

interface MetricsStackCommonProps {
  readonly catalog: ChartCatalog;
  /** The cluster's name: the `cluster` label on every series. */
  readonly clusterName: string;
}

/**
 * A service cluster's stack: Prometheus keeps the metrics of every cluster reporting to it and
 * evaluates the alerts, Alertmanager notifies, Grafana shows them.
 */
export interface MetricsServerProps extends MetricsStackCommonProps {
  readonly mode: 'server';
  /** How long metrics are kept ... @default '30d' */
  readonly retentionTime?: string;
  /** ... or until they take this much space, whichever comes first. @default '50GB' */
  readonly retentionSize?: string;
  /** Alertmanager's receivers; the first gets every alert. */
  readonly receivers: readonly ReceiverConfig[];
  /** Grafana's single sign-on. */
  readonly grafana: GrafanaSetupProps;
  /** Public hosts of the endpoints the stack serves through the ingress controller. */
  readonly hosts: { readonly grafana: string; readonly prometheus: string; readonly alertmanager: string };
}

/** A workload cluster's stack: Prometheus in agent mode writes everything to the service cluster. */
export interface MetricsAgentProps extends MetricsStackCommonProps {
  readonly mode: 'agent';
  /** The service cluster's remote-write URL. */
  readonly remoteWriteUrl: string;
}

export type MetricsStackProps = MetricsServerProps | MetricsAgentProps;

/** sops Secret a workload cluster's Prometheus agent authenticates to the service cluster with. */
export const REMOTE_WRITE_SECRET = { name: 'prometheus-remote-write', usernameKey: 'username', passwordKey: 'password' } as const;

/** htpasswd Secrets of the server's endpoints that have no login of their own, and what their clients are. */
export const ENDPOINT_CLIENTS_SECRETS = {
  prometheus: { name: 'prometheus-basic-auth', key: 'auth', kind: 'metrics-writer' },
  alertmanager: { name: 'alertmanager-basic-auth', key: 'auth', kind: 'alert-sender' },
} as const;

/** htpasswd text without users: nginx reads '#' lines as comments, and refuses every request until a client is added. */
export const NO_CLIENTS_YET = '# no clients yet: ck8s init adds a line for each cluster it onboards\n';

/** The external label (and scrape label) that names the cluster a series comes from. */
export const CLUSTER_LABEL = 'cluster';

/** The account name of a cluster's Prometheus agent at its service cluster's remote-write endpoint. */
export function remoteWriteUser(cluster: string): string {
  return `prometheus-${cluster}`;
}

/**
 * The one documented exception to the restricted profile in the metrics stack: node-exporter reads
 * the node's own metrics, so it runs in the host's network and PID namespaces and mounts /proc,
 * /sys and / read-only from the host (the root mount is what the filesystem metrics, and the
 * disk-filling alert, read). Its container stays unprivileged, non-root, without capabilities.
 */
export const NODE_EXPORTER_POD_SECURITY_EXCEPTION =
  'node-exporter reads node metrics: host network and host PID, read-only host paths /proc, /sys and / (filesystem metrics); non-root, no capabilities, no privilege escalation';

/**
 * Ports Prometheus scrapes inside the monitoring namespace, through the chart's own ServiceMonitors:
 * Grafana 3000, kube-state-metrics and the config reloaders 8080, Prometheus 9090, Alertmanager 9093
 * (also where alerts go), and the operator's HTTPS port 10250. An agent runs neither Grafana nor
 * Alertmanager, so nothing listens on their ports there and they stay closed.
 */
export const MONITORING_SCRAPE_PORTS: Readonly<Record<MetricsStackProps['mode'], readonly number[]>> = {
  server: [3000, 8080, 9090, 9093, 10250],
  agent: [8080, 9090, 10250],
};

/**
 * Ports Prometheus reaches on the nodes themselves: node-exporter (host network) 9100 and the
 * kubelet with cAdvisor 10250. Node addresses are not part of cluster.yaml, and pods on the host
 * network cannot be selected by namespace or pod labels, so this flow admits any address on exactly
 * these two ports. The trade-off: Prometheus could also open them elsewhere, which gains nothing
 * (the kubelet authorizes with Prometheus's own token).
 */
export const NODE_SCRAPE_PORTS: readonly number[] = [9100, 10250];

const POD: PodSecurityContextValues = restrictedPodSecurityContext();
const CONTAINER: ContainerSecurityContextValues = restrictedContainerSecurityContext();

/**
 * Metrics and alerting (`controllers/kube-prometheus-stack.yaml`, usually id `kube-prometheus-stack`):
 * kube-prometheus-stack with kube-state-metrics, kubelet/cAdvisor and node-exporter, by mode.
 *
 * - server (service cluster): Prometheus keeps `retentionTime` or `retentionSize` of metrics,
 *   whichever is reached first, and receives the workload clusters' remote writes; Alertmanager
 *   sends every alert to the first receiver; Grafana logs people in through the identity provider.
 *   It serves Grafana, Prometheus (remote write) and Alertmanager; the latter two have no login of
 *   their own, so their endpoints ask for basic auth, and onboarding adds each cluster's account.
 * - agent (workload cluster): Prometheus in agent mode writes everything to the service cluster with
 *   the credentials of the sops Secret `monitoring/prometheus-remote-write`; no Alertmanager, no Grafana.
 *
 * Prometheus plays the cluster's `scraper` role: every metrics endpoint a component declares, and
 * every tenant's metrics ports, are opened to it. Every series carries `cluster: <name>` (a scrape
 * label, and the external label on what leaves the cluster). Tenants may add ServiceMonitors and
 * PodMonitors in their namespaces. node-exporter runs in its own privileged namespace; everything
 * else meets the restricted profile.
 */
export class MetricsStack extends Component {
  constructor(scope: Construct, id: string, props: MetricsStackProps) {
    super(scope, id, { layer: 'controllers' });
    const server = props.mode === 'server';
    const prometheus: Pods = server ? MONITORING_PODS.prometheus : MONITORING_PODS.prometheusAgent;

    this.addNamespace({ name: MONITORING_NAMESPACE });
    this.addNamespace({ name: NODE_EXPORTER_NAMESPACE, podSecurity: 'privileged', podSecurityException: NODE_EXPORTER_POD_SECURITY_EXCEPTION });
    this.provideRole('scraper', prometheus);

    const secrets: RequiredSecret[] = [];
    const { prometheusSpec: commonSpec, ...common } = commonValues(props.clusterName);
    let values: KubePrometheusStackValues;
    if (props.mode === 'server') {
      const alertmanager = alertmanagerSetup(props.receivers);
      const grafana = grafanaSetup(props.grafana);
      secrets.push(...alertmanager.requiredSecrets, ...grafana.requiredSecrets);
      const retentionSize = props.retentionSize ?? '50GB';
      values = {
        ...common,
        defaultRules: { create: true, additionalAggregationLabels: [CLUSTER_LABEL] },
        prometheus: {
          enabled: true,
          agentMode: false,
          prometheusSpec: {
            ...commonSpec,
            enableRemoteWriteReceiver: true,
            retention: prometheusRetention(props.retentionTime ?? '30d'),
            retentionSize: prometheusRetentionSize(retentionSize),
            storageSpec: {
              volumeClaimTemplate: {
                spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: prometheusVolumeSize(retentionSize) } } },
              },
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
      const user = remoteWriteUser(props.clusterName);
      secrets.push({
        namespace: MONITORING_NAMESPACE,
        name: REMOTE_WRITE_SECRET.name,
        keys: [REMOTE_WRITE_SECRET.usernameKey, REMOTE_WRITE_SECRET.passwordKey],
        purpose: `the Prometheus agent's basic-auth account at the service cluster's remote-write endpoint (${props.remoteWriteUrl})`,
        generate: (context) => ({
          [REMOTE_WRITE_SECRET.usernameKey]: user,
          [REMOTE_WRITE_SECRET.passwordKey]: context.account('metrics-writer', user),
        }),
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
                url: props.remoteWriteUrl,
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

    const release = METRICS_RELEASE;
    const clusterWide = ['admission', 'kube-state-metrics', 'operator', 'prometheus'].flatMap((n) => [
      `ClusterRole/${release}-${n}`,
      `ClusterRoleBinding/${release}-${n}`,
    ]);
    new HelmChart<KubePrometheusStackValues>(this, 'chart', {
      catalog: props.catalog,
      chart: METRICS_RELEASE,
      namespace: MONITORING_NAMESPACE,
      values,
      expects: {
        workloads: [
          ...['kube-state-metrics', 'operator', ...(server ? ['grafana'] : [])].map((n) => `Deployment/${release}-${n}`),
          // the admission webhook's certificate: made before install, patched into the webhooks after
          `Job/${release}-admission-create`,
          `Job/${release}-admission-patch`,
          `DaemonSet/${release}-prometheus-node-exporter`,
        ],
        clusterObjects: [
          ...clusterWide,
          // Grafana's dashboard and datasource sidecars read ConfigMaps and Secrets in every namespace
          ...(server ? [`ClusterRole/${release}-grafana-clusterrole`, `ClusterRoleBinding/${release}-grafana-clusterrolebinding`] : []),
          `MutatingWebhookConfiguration/${release}-admission`,
          `ValidatingWebhookConfiguration/${release}-admission`,
        ],
        // the operator runs these from the chart's custom resources: web 9090/9093, Alertmanager's mesh 9094, the config reloader 8080
        operatorPods: server
          ? [
              { resource: `Prometheus/${release}-prometheus`, labels: { ...MONITORING_PODS.prometheus.labels }, ports: [9090, 8080] },
              { resource: `Alertmanager/${release}-alertmanager`, labels: { ...MONITORING_PODS.alertmanager.labels }, ports: [9093, 9094, 8080] },
            ]
          : [{ resource: `PrometheusAgent/${release}-prometheus`, labels: { ...MONITORING_PODS.prometheusAgent.labels }, ports: [9090, 8080] }],
        admissionExceptions: [
          ...[`Job/${release}-admission-create`, `Job/${release}-admission-patch`].map((workload) => ({
            workload,
            rule: 'resource-requirements',
            reason:
              'short-lived certificate hook Jobs the chart runs without requests; until prometheusOperator.admissionWebhooks.patch.resources is set here',
          })),
          {
            workload: `Deployment/${release}-kube-state-metrics`,
            rule: 'resource-requirements',
            reason: 'kube-state-metrics has no requests by default; until kube-state-metrics.resources is set here',
          },
          ...(server
            ? [
                {
                  workload: `Deployment/${release}-grafana`,
                  rule: 'resource-requirements',
                  reason: "Grafana's dashboard and datasource sidecars have no requests by default; until grafana.sidecar.resources is set here",
                },
              ]
            : []),
        ],
      },
    });

    const toApiServer = { peer: 'api-server' } as const;
    this.addFlow({ from: prometheus, to: toApiServer });
    this.addFlow({ from: MONITORING_PODS.operator, to: toApiServer });
    this.addFlow({ from: MONITORING_PODS.kubeStateMetrics, to: toApiServer });
    // the jobs that create and patch the admission webhook's certificate
    this.addFlow({ from: MONITORING_PODS.admissionCreate, to: toApiServer });
    this.addFlow({ from: MONITORING_PODS.admissionPatch, to: toApiServer });
    this.addFlow({ from: toApiServer, to: MONITORING_PODS.operator, ports: [{ port: 10250 }], name: 'allow-admission-webhook-from-api-server' });
    // the chart's own ServiceMonitors: kube-state-metrics, the operator, Prometheus, Alertmanager, Grafana
    this.addFlow({ from: prometheus, to: MONITORING_PODS.all, ports: MONITORING_SCRAPE_PORTS[props.mode].map((port) => ({ port })) });
    this.addFlow({ from: prometheus, to: { name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }, ports: [{ port: 9153 }] });
    this.addFlow({
      from: prometheus,
      to: { peer: 'internet', reason: 'node-exporter and the kubelet listen on the node addresses, which cluster.yaml does not list' },
      ports: NODE_SCRAPE_PORTS.map((port) => ({ port })),
      name: 'allow-prometheus-to-nodes',
    });
    // scraped through the chart's ServiceMonitor; on the host network, which most CNIs do not police
    this.addMetrics({ name: 'node-exporter', pods: MONITORING_PODS.nodeExporter, port: 9100, monitor: false });

    if (props.mode === 'agent') {
      this.addFlow({ from: prometheus, to: { peer: 'service-cluster' } });
      return;
    }
    const endpoint = (name: 'grafana' | 'prometheus' | 'alertmanager', pods: Pods, targetPort: number): void => {
      const clients = name === 'grafana' ? undefined : ENDPOINT_CLIENTS_SECRETS[name];
      this.addEndpoint({
        name,
        host: props.hosts[name],
        pods,
        service: MONITORING_SERVICES[name],
        targetPort,
        ...(clients ? { basicAuthSecret: clients.name } : {}),
      });
      if (!clients) return;
      this.requireSecret({
        namespace: MONITORING_NAMESPACE,
        name: clients.name,
        keys: [clients.key],
        purpose: `htpasswd of the clients of https://${props.hosts[name]} (its backend has no login of its own)`,
        // no client until a cluster is onboarded (a comment rather than an empty value, which sops would leave unencrypted)
        generate: () => ({ [clients.key]: NO_CLIENTS_YET }),
      });
      this.acceptAccounts({
        kind: clients.kind,
        namespace: MONITORING_NAMESPACE,
        secret: clients.name,
        key: clients.key,
        add: (text, accounts, context) => accounts.reduce((t, a) => context.upsertHtpasswd(t, a.user, a.password), text),
      });
    };
    // Grafana's pods listen on 3000 behind the Service's port 80
    endpoint('grafana', MONITORING_PODS.grafana, 3000);
    this.addOidcClient({ id: GRAFANA_OIDC_CLIENT_ID, name: 'Grafana', redirectURIs: [`${props.grafana.url}${GRAFANA_OIDC_REDIRECT_PATH}`] });
    endpoint('prometheus', prometheus, MONITORING_SERVICES.prometheus.port);
    endpoint('alertmanager', MONITORING_PODS.alertmanager, MONITORING_SERVICES.alertmanager.port);
    this.addFlow({ from: MONITORING_PODS.grafana, to: prometheus, ports: [{ port: MONITORING_SERVICES.prometheus.port }] });
    this.addFlow({ from: MONITORING_PODS.grafana, to: MONITORING_PODS.alertmanager, ports: [{ port: MONITORING_SERVICES.alertmanager.port }] });
    // the dashboard and datasource sidecars watch ConfigMaps through the API server
    this.addFlow({ from: MONITORING_PODS.grafana, to: toApiServer });
    this.addFlow({ from: MONITORING_PODS.grafana, to: { peer: 'identity-provider' } });
    this.addFlow({
      from: MONITORING_PODS.alertmanager,
      to: {
        peer: 'internet',
        reason:
          "Slack, PagerDuty, webhooks and mail relays have no stable addresses: narrowed by port only (HTTPS, each e-mail receiver's SMTP port)",
      },
      ports: receiverPorts(props.receivers).map((port) => ({ port })),
      name: 'allow-alertmanager-to-receivers',
    });
  }
}

type CommonValues = Omit<KubePrometheusStackValues, 'defaultRules' | 'prometheus' | 'alertmanager' | 'grafana'> & {
  readonly prometheusSpec: Omit<PrometheusSpecValues, 'resources'>;
};

/** The values both modes share. */
function commonValues(clusterName: string): CommonValues {
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
      externalLabels: { [CLUSTER_LABEL]: clusterName },
      // the same label on every scraped series, so local series and received ones look alike
      scrapeClasses: [{ name: 'cluster', default: true, relabelings: [{ action: 'replace', targetLabel: CLUSTER_LABEL, replacement: clusterName }] }],
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
