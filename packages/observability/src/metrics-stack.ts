import {
  BASIC_AUTH_SECRET,
  type ChartCatalog,
  Component,
  LABELS,
  type ContainerResources,
  containerResources,
  HelmChart,
  type Pods,
  type RequiredSecret,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from '@ck8s/core';
import type { Construct } from 'constructs';
import { CAPACITY_ALERTS, NODE_CAPACITY_ALERTS } from './capacity-alerts.js';
import { type FleetAlertsProps, fleetAlerts } from './fleet-alerts.js';
import { alertmanagerSetup, NULL_RECEIVER, type ReceiverConfig, receiverPorts } from './alertmanager-config.js';
import { FLUX_RESOURCE_INFO, fluxResourceStateConfig, fluxResourceStateRules } from './flux-resource-metrics.js';
import { ARGOCD_APPLICATION_REVISION, argocdApplicationStateResource, argocdApplicationStateRule } from './argocd-application-metrics.js';
import { GRAFANA_OIDC_CLIENT_ID, GRAFANA_OIDC_REDIRECT_PATH, grafanaSetup, type GrafanaSetupProps } from './grafana-sso.js';
import type {
  ContainerSecurityContextValues,
  KubePrometheusStackValues,
  PodSecurityContextValues,
  PrometheusSpecValues,
} from './kube-prometheus-stack-values.js';
import { METRICS_RELEASE, MONITORING_NAMESPACE, MONITORING_PODS, MONITORING_SERVICES, NODE_EXPORTER_NAMESPACE } from './monitoring-names.js';
import { prometheusRetention, prometheusRetentionSize, prometheusVolumeSize } from './retention.js';
import { TENANT_PROXY_LABELS, TenantMetricsProxy } from './tenant-metrics-proxy.js';
import { TENANT_METRICS_LABEL, TENANT_PROXY_PORT, tenantWriteRelabelings } from './tenant-metrics.js';

interface MetricsStackCommonProps {
  readonly catalog: ChartCatalog;
  /** The cluster's name: the `cluster` label on every series. */
  readonly clusterName: string;
  /** Requests and memory limits of the stack's containers, by container. @default METRICS_STACK_RESOURCES */
  readonly resources?: MetricsStackResources;
}

/** Requests and memory limits of the stack's containers (the `resource-requirements` rule holds for the platform too). */
export interface MetricsStackResources {
  /** Prometheus of a service cluster: every cluster's series and the alert rules. @default 500m CPU, 2Gi memory, 6Gi limit */
  readonly prometheus?: ContainerResources;
  /**
   * Prometheus of a workload cluster: scrapes, writes everything to the service cluster, keeps a day
   * and evaluates the tenants' rules. @default 200m CPU, 512Mi memory, 2Gi limit
   */
  readonly prometheusWorkload?: ContainerResources;
  /** Alertmanager (service cluster; in a workload cluster, the tenants' own). @default 50m CPU, 128Mi memory, 256Mi limit */
  readonly alertmanager?: ContainerResources;
  /** Grafana (service cluster). @default 100m CPU, 256Mi memory, 512Mi limit */
  readonly grafana?: ContainerResources;
  /** Grafana's dashboard and datasource sidecars, which watch ConfigMaps and Secrets. @default 10m CPU, 64Mi memory, 256Mi limit */
  readonly grafanaSidecars?: ContainerResources;
  /** Each tenant's prom-label-proxy (service cluster). @default 10m CPU, 32Mi memory, 64Mi limit */
  readonly tenantProxy?: ContainerResources;
  /** The Prometheus operator. @default 100m CPU, 128Mi memory, 512Mi limit */
  readonly operator?: ContainerResources;
  /**
   * The config reloaders the operator adds to the Prometheus and Alertmanager pods it creates (the
   * chart passes none, i.e. no requests, unless set). @default 10m CPU, 32Mi memory, 64Mi limit
   */
  readonly configReloader?: ContainerResources;
  /** The operator's admission hook Jobs (create the webhook certificate, patch it in). @default 10m CPU, 32Mi memory, 64Mi limit */
  readonly admissionJobs?: ContainerResources;
  /** kube-state-metrics, with the custom resource state of Flux's objects. @default 50m CPU, 128Mi memory, 512Mi limit */
  readonly kubeStateMetrics?: ContainerResources;
  /** node-exporter, on every node. @default 50m CPU, 64Mi memory, 128Mi limit */
  readonly nodeExporter?: ContainerResources;
}

/** The sizes the stack's containers get unless the props say otherwise: the one place they are written. */
export const METRICS_STACK_RESOURCES: Required<MetricsStackResources> = {
  prometheus: containerResources('500m', '2Gi', '6Gi'),
  prometheusWorkload: containerResources('200m', '512Mi', '2Gi'),
  alertmanager: containerResources('50m', '128Mi', '256Mi'),
  grafana: containerResources('100m', '256Mi', '512Mi'),
  grafanaSidecars: containerResources('10m', '64Mi', '256Mi'),
  tenantProxy: containerResources('10m', '32Mi', '64Mi'),
  operator: containerResources('100m', '128Mi', '512Mi'),
  configReloader: containerResources('10m', '32Mi', '64Mi'),
  admissionJobs: containerResources('10m', '32Mi', '64Mi'),
  kubeStateMetrics: containerResources('50m', '128Mi', '512Mi'),
  nodeExporter: containerResources('50m', '64Mi', '128Mi'),
};

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

/**
 * A workload cluster's stack: Prometheus writes everything to the service cluster and evaluates the
 * tenants' own rules; Alertmanager sends the tenants' alerts to the receivers they configure.
 */
export interface MetricsWorkloadProps extends MetricsStackCommonProps {
  readonly mode: 'workload';
  /** The service cluster's remote-write URL. */
  readonly remoteWriteUrl: string;
  /** The tenants' namespaces: their series are labelled with their tenant when written to the service cluster. @default none */
  readonly tenantNamespaces?: readonly string[];
  /** How long the workload cluster keeps its own series, for the tenants' rules (the service cluster keeps them for good). @default '1d' */
  readonly localRetention?: string;
  /** Ports the tenants' Alertmanager reaches their receivers on (HTTPS, SMTP submission). @default [443, 587] */
  readonly tenantReceiverPorts?: readonly number[];
}

export type MetricsStackProps = MetricsServerProps | MetricsWorkloadProps;

/** Ports the tenants' receivers are reached on unless the props say otherwise: HTTPS (Slack, PagerDuty, webhooks) and SMTP submission. */
export const TENANT_RECEIVER_PORTS: readonly number[] = [443, 587];

/**
 * The label Prometheus sets, from the namespace of the tenant's ServiceMonitor, PodMonitor or
 * PrometheusRule, on every series it scrapes for it and every alert of its rules, and adds as a
 * matcher to every selector of its rules: a tenant can neither read nor write another's series.
 */
export const ENFORCED_NAMESPACE_LABEL = 'namespace';

/** The tenant namespaces: those the platform labels with the tenant's name. */
const TENANT_NAMESPACES = { matchExpressions: [{ key: LABELS.tenant, operator: 'Exists' as const }] };

/** sops Secret a workload cluster's Prometheus authenticates to the service cluster with. */
export const REMOTE_WRITE_SECRET = { name: 'prometheus-remote-write', usernameKey: 'username', passwordKey: 'password' } as const;

/** htpasswd Secrets of the server's endpoints that have no login of their own (of the form BASIC_AUTH_SECRET), and what their clients are. */
export const ENDPOINT_CLIENTS_SECRETS = {
  prometheus: { name: 'prometheus-basic-auth', kind: 'metrics-writer' },
  alertmanager: { name: 'alertmanager-basic-auth', kind: 'alert-sender' },
} as const;

/** htpasswd text without users: nginx reads '#' lines as comments, and refuses every request until a client is added. */
export const NO_CLIENTS_YET = '# no clients yet: ck8s init adds a line for each cluster it onboards\n';

/** The external label (and scrape label) that names the cluster a series comes from. */
export const CLUSTER_LABEL = 'cluster';

/** The account name of a workload cluster's Prometheus at its service cluster's remote-write endpoint. */
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
 * (also where alerts go), and the operator's HTTPS port 10250. A workload cluster runs no Grafana,
 * so nothing listens on its port there and it stays closed.
 */
export const MONITORING_SCRAPE_PORTS: Readonly<Record<MetricsStackProps['mode'], readonly number[]>> = {
  server: [3000, 8080, 9090, 9093, 10250],
  workload: [8080, 9090, 9093, 10250],
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
 * - workload (workload cluster): Prometheus writes everything to the service cluster with the
 *   credentials of the sops Secret `monitoring/prometheus-remote-write`, keeps a day of it, and
 *   evaluates the PrometheusRules of tenant namespaces (not agent mode, so the tenants' rules have a
 *   Prometheus near their targets that keeps alerting while the service cluster is unreachable, and
 *   the tenants' objects, which live in this cluster, need no copying elsewhere). Its Alertmanager
 *   takes the tenants' AlertmanagerConfigs, each matching only its namespace's alerts, and drops
 *   everything else; the platform's alerts are evaluated and sent by the service cluster. No Grafana.
 *
 * Prometheus plays the cluster's `scraper` role: every metrics endpoint a component declares, and
 * every tenant's metrics ports, are opened to it. Every series carries `cluster: <name>` (a scrape
 * label, and the external label on what leaves the cluster). Tenants may add ServiceMonitors and
 * PodMonitors in their namespaces; in a workload cluster the `namespace` label of the monitor's (or
 * rule's) namespace is enforced on everything but the platform's own objects in `monitoring`.
 * node-exporter runs in its own privileged namespace; everything else meets the restricted profile.
 */
export class MetricsStack extends Component {
  private readonly mode: MetricsStackProps['mode'];

  constructor(scope: Construct, id: string, props: MetricsStackProps) {
    super(scope, id, { layer: 'controllers' });
    const server = props.mode === 'server';
    this.mode = props.mode;
    const prometheus: Pods = MONITORING_PODS.prometheus;

    this.addNamespace({ name: MONITORING_NAMESPACE });
    this.addNamespace({ name: NODE_EXPORTER_NAMESPACE, podSecurity: 'privileged', podSecurityException: NODE_EXPORTER_POD_SECURITY_EXCEPTION });
    this.provideRole('scraper', prometheus);

    const secrets: RequiredSecret[] = [];
    const resources = { ...METRICS_STACK_RESOURCES, ...props.resources };
    const { prometheusSpec: commonSpec, ...common } = commonValues(props.clusterName, resources);
    let values: KubePrometheusStackValues;
    if (props.mode === 'server') {
      const alertmanager = alertmanagerSetup(props.receivers);
      const grafana = grafanaSetup(props.grafana, { grafana: resources.grafana, sidecars: resources.grafanaSidecars });
      secrets.push(...alertmanager.requiredSecrets, ...grafana.requiredSecrets);
      const retentionSize = props.retentionSize ?? '50GB';
      values = {
        ...common,
        // the recorded series keep the tenant label, so tenants read them through their proxies too
        defaultRules: { create: true, additionalAggregationLabels: [CLUSTER_LABEL, TENANT_METRICS_LABEL] },
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
            resources: resources.prometheus,
          },
        },
        alertmanager: {
          enabled: true,
          config: alertmanager.config,
          alertmanagerSpec: {
            secrets: alertmanager.secrets,
            securityContext: { ...POD, runAsUser: 1000, runAsGroup: 2000, fsGroup: 2000 },
            resources: resources.alertmanager,
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
        // the platform's rules are evaluated by the service cluster, on everything it receives
        defaultRules: { create: false },
        prometheus: {
          enabled: true,
          agentMode: false,
          prometheusSpec: {
            ...commonSpec,
            retention: prometheusRetention(props.localRetention ?? '1d'),
            remoteWrite: [
              {
                url: props.remoteWriteUrl,
                writeRelabelConfigs: tenantWriteRelabelings(props.clusterName, CLUSTER_LABEL, ENFORCED_NAMESPACE_LABEL, props.tenantNamespaces ?? []),
                basicAuth: {
                  username: { name: REMOTE_WRITE_SECRET.name, key: REMOTE_WRITE_SECRET.usernameKey },
                  password: { name: REMOTE_WRITE_SECRET.name, key: REMOTE_WRITE_SECRET.passwordKey },
                },
              },
            ],
            // the tenants' rules only, each confined to its namespace's series
            ruleSelectorNilUsesHelmValues: false,
            ruleSelector: {},
            ruleNamespaceSelector: TENANT_NAMESPACES,
            enforcedNamespaceLabel: ENFORCED_NAMESPACE_LABEL,
            // the chart's and the platform's monitors in monitoring scrape other namespaces' targets
            // (kubelet, kube-state-metrics, the components' PodMonitors) and keep their namespace labels
            excludedFromEnforcement: (['servicemonitors', 'podmonitors', 'probes', 'prometheusrules'] as const).map((resource) => ({
              group: 'monitoring.coreos.com' as const,
              resource,
              namespace: MONITORING_NAMESPACE,
            })),
            resources: resources.prometheusWorkload,
          },
        },
        alertmanager: {
          enabled: true,
          // nothing of the platform's is sent from here: what no tenant route takes is dropped
          config: {
            global: { resolve_timeout: '5m' },
            route: { receiver: NULL_RECEIVER, group_by: ['namespace', 'alertname'], group_wait: '30s', group_interval: '5m', repeat_interval: '12h' },
            receivers: [{ name: NULL_RECEIVER }],
            templates: ['/etc/alertmanager/config/*.tmpl'],
          },
          alertmanagerSpec: {
            secrets: [],
            // the tenants' AlertmanagerConfigs, each only for alerts whose namespace is its own
            alertmanagerConfigSelector: {},
            alertmanagerConfigNamespaceSelector: TENANT_NAMESPACES,
            alertmanagerConfigMatcherStrategy: { type: 'OnNamespace' },
            securityContext: { ...POD, runAsUser: 1000, runAsGroup: 2000, fsGroup: 2000 },
            resources: resources.alertmanager,
          },
        },
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
        operatorPods: [
          { resource: `Prometheus/${release}-prometheus`, labels: { ...MONITORING_PODS.prometheus.labels }, ports: [9090, 8080] },
          { resource: `Alertmanager/${release}-alertmanager`, labels: { ...MONITORING_PODS.alertmanager.labels }, ports: [9093, 9094, 8080] },
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
    this.addAlerts(CAPACITY_ALERTS);
    this.addAlerts(NODE_CAPACITY_ALERTS);

    if (props.mode === 'workload') {
      this.addFlow({ from: prometheus, to: { peer: 'service-cluster' } });
      this.addFlow({
        from: MONITORING_PODS.alertmanager,
        to: { peer: 'internet', reason: "the tenants' Slack, PagerDuty, webhook and mail receivers have no stable addresses: narrowed by port only" },
        ports: (props.tenantReceiverPorts ?? TENANT_RECEIVER_PORTS).map((port) => ({ port })),
        name: 'allow-alertmanager-to-receivers',
      });
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
        keys: [BASIC_AUTH_SECRET.key],
        type: BASIC_AUTH_SECRET.type,
        purpose: `htpasswd of the clients of https://${props.hosts[name]} (its backend has no login of its own)`,
        // no client until a cluster is onboarded (a comment rather than an empty value, which sops would leave unencrypted)
        generate: () => ({ [BASIC_AUTH_SECRET.key]: NO_CLIENTS_YET }),
      });
      this.acceptAccounts({
        kind: clients.kind,
        namespace: MONITORING_NAMESPACE,
        secret: clients.name,
        key: BASIC_AUTH_SECRET.key,
        add: (text, accounts, context) => accounts.reduce((t, a) => context.upsertHtpasswd(t, a.user, a.password), text),
      });
    };
    // Grafana's pods listen on 3000 behind the Service's port 80
    endpoint('grafana', MONITORING_PODS.grafana, 3000);
    this.addOidcClient({ id: GRAFANA_OIDC_CLIENT_ID, name: 'Grafana', redirectURIs: [`${props.grafana.url}${GRAFANA_OIDC_REDIRECT_PATH}`] });
    endpoint('prometheus', prometheus, MONITORING_SERVICES.prometheus.port);
    endpoint('alertmanager', MONITORING_PODS.alertmanager, MONITORING_SERVICES.alertmanager.port);
    this.addFlow({ from: MONITORING_PODS.grafana, to: prometheus, ports: [{ port: MONITORING_SERVICES.prometheus.port }] });
    // each tenant's organisation queries Prometheus through the tenant's proxy, and only Grafana reaches the proxies
    const tenants = props.grafana.tenants ?? [];
    for (const tenant of tenants)
      new TenantMetricsProxy(this, `tenant-proxy-${tenant.cluster}-${tenant.namespace}`, { tenant, resources: resources.tenantProxy });
    if (tenants.length > 0) {
      const proxies: Pods = { name: 'tenant-metrics-proxy', namespace: MONITORING_NAMESPACE, labels: { ...TENANT_PROXY_LABELS } };
      this.addFlow({ from: MONITORING_PODS.grafana, to: proxies, ports: [{ port: TENANT_PROXY_PORT }] });
      this.addFlow({ from: proxies, to: prometheus, ports: [{ port: MONITORING_SERVICES.prometheus.port }] });
    }
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

  /**
   * Declares the fleet's alerts (fleetAlerts) on this service cluster's stack, the one Prometheus
   * that sees every cluster reporting here; called once every component exists, as it watches their
   * namespaces.
   * @throws Error on a workload cluster's stack, which sees only its own cluster
   */
  watchFleet(props: FleetAlertsProps): void {
    if (this.mode !== 'server') throw new Error(`metrics stack ${this.componentName}: only a service cluster's stack watches the fleet`);
    this.addAlerts(fleetAlerts(props));
  }
}

type CommonValues = Omit<KubePrometheusStackValues, 'defaultRules' | 'prometheus' | 'alertmanager' | 'grafana'> & {
  readonly prometheusSpec: Omit<PrometheusSpecValues, 'resources'>;
};

/** The values both modes share. */
/** The custom resource state configuration with Argo CD's Applications after Flux's kinds. */
function withArgocdApplications(config: Record<string, unknown>): Record<string, unknown> {
  const spec = config.spec as { resources: unknown[] };
  return { ...config, spec: { ...spec, resources: [...spec.resources, argocdApplicationStateResource()] } };
}

function commonValues(clusterName: string, resources: Required<MetricsStackResources>): CommonValues {
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
      // readiness of Flux's objects as FLUX_RESOURCE_INFO, for the alerts, and the revision of Argo CD's
      // Applications as ARGOCD_APPLICATION_REVISION, for the GitOps dashboard
      rbac: { extraRules: [...fluxResourceStateRules(), argocdApplicationStateRule()] },
      customResourceState: { enabled: true, config: withArgocdApplications(fluxResourceStateConfig()) },
      resources: resources.kubeStateMetrics,
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
      resources: resources.nodeExporter,
    },
    prometheusOperator: {
      admissionWebhooks: { enabled: true, failurePolicy: 'Fail', patch: { resources: resources.admissionJobs } },
      securityContext: { ...POD, runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534 },
      containerSecurityContext: CONTAINER,
      resources: resources.operator,
      prometheusConfigReloader: { resources: resources.configReloader },
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
  argocdApplicationRevision: ARGOCD_APPLICATION_REVISION,
  resourceQuota: 'kube_resourcequota',
} as const;
