import { apiServerPeer, type ClusterConfig, NetworkAllow, type NetworkPeer, PLATFORM_NAMESPACES, serviceClusterPeer } from '@ck8s/core';
import { Construct } from 'constructs';
import { receiverPorts } from './alertmanager-config.js';
import { INGRESS_CONTROLLER_PODS, MONITORING_NAMESPACE, MONITORING_PODS, NODE_EXPORTER_NAMESPACE } from './monitoring-names.js';

/**
 * Metrics ports of the platform components Prometheus scrapes in other namespaces: ingress-nginx
 * 10254, cert-manager 9402, Falco 8765, Fluent Bit 2020, Flux controllers and kube-state-metrics
 * 8080, Prometheus 9090, node-exporter 9100, Velero 8085. Each namespace's own policy decides
 * which of them it admits; this is the egress side.
 */
export const PLATFORM_METRICS_PORTS: readonly number[] = [2020, 8080, 8085, 8765, 9090, 9100, 9402, 10254];

/**
 * Namespaces of platform components Prometheus scrapes: every platform namespace (the monitoring
 * namespace has its own rule), Flux's and node-exporter's.
 */
export const SCRAPED_PLATFORM_NAMESPACES: readonly string[] = [
  ...Object.values(PLATFORM_NAMESPACES).filter((ns) => ns !== PLATFORM_NAMESPACES.monitoring),
  'flux-system',
  NODE_EXPORTER_NAMESPACE,
];

/**
 * Ports Prometheus scrapes inside the monitoring namespace: Grafana 3000, kube-state-metrics and
 * the config reloaders 8080, Prometheus 9090, Alertmanager 9093 (also where alerts go), and the
 * operator's HTTPS port 10250.
 */
export const MONITORING_SCRAPE_PORTS: readonly number[] = [3000, 8080, 9090, 9093, 10250];

/**
 * Ports Prometheus reaches on the nodes themselves: node-exporter (host network) 9100 and the
 * kubelet with cAdvisor 10250.
 */
export const NODE_SCRAPE_PORTS: readonly number[] = [9100, 10250];

/**
 * Node addresses are not part of cluster.yaml, and pods on the host network (node-exporter, the
 * kubelet) cannot be selected by namespace or pod labels, so the node scrape rule admits any
 * address on exactly {@link NODE_SCRAPE_PORTS}. The trade-off: Prometheus could also open those
 * two ports elsewhere, which gains nothing (the kubelet authorizes with Prometheus's own token).
 */
export const ANY_ADDRESS: readonly string[] = ['0.0.0.0/0', '::/0'];

export interface MonitoringNetworkPoliciesProps {
  readonly cluster: ClusterConfig;
}

/**
 * The allow rules of the monitoring namespace on top of its default deny, by profile: in both,
 * Prometheus, the operator and kube-state-metrics reach the API server, the API server reaches the
 * operator's admission webhook, and Prometheus scrapes the platform, the nodes and the tenants on
 * their `metricsPorts`; a workload cluster's Prometheus agent writes to the service cluster on 443;
 * in a service cluster, the ingress controller reaches Grafana, Prometheus (remote write) and
 * Alertmanager, Grafana queries Prometheus and Alertmanager and reaches the identity provider, and
 * Alertmanager reaches its receivers.
 */
export class MonitoringNetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, props: MonitoringNetworkPoliciesProps) {
    super(scope, id);
    const { cluster } = props;
    const namespace = MONITORING_NAMESPACE;
    const service = cluster.profile === 'service';
    const prometheus = service ? MONITORING_PODS.prometheus : MONITORING_PODS.prometheusAgent;
    const api = apiServerPeer(cluster, 'Prometheus');
    const allow = (cid: string, name: string, direction: 'ingress' | 'egress', podLabels: Record<string, string> | undefined, peers: readonly NetworkPeer[], ports: readonly number[]): void => {
      new NetworkAllow(this, cid, { namespace, name, direction, ...(podLabels ? { podLabels } : {}), peers, ports: ports.map((port) => ({ port })) });
    };
    const apiPorts = api.ports.map((p) => p.port);

    allow('prometheus-api', 'allow-prometheus-to-api-server', 'egress', prometheus, api.peers, apiPorts);
    allow('operator-api', 'allow-operator-to-api-server', 'egress', MONITORING_PODS.operator, api.peers, apiPorts);
    allow('ksm-api', 'allow-kube-state-metrics-to-api-server', 'egress', MONITORING_PODS.kubeStateMetrics, api.peers, apiPorts);
    // the jobs that create and patch the admission webhook's certificate
    allow('admission-create-api', 'allow-admission-create-to-api-server', 'egress', MONITORING_PODS.admissionCreate, api.peers, apiPorts);
    allow('admission-patch-api', 'allow-admission-patch-to-api-server', 'egress', MONITORING_PODS.admissionPatch, api.peers, apiPorts);
    allow('webhook', 'allow-admission-webhook-from-api-server', 'ingress', MONITORING_PODS.operator, api.peers, [10250]);

    allow('scrape-platform', 'allow-prometheus-to-platform-metrics', 'egress', prometheus, SCRAPED_PLATFORM_NAMESPACES.map((ns) => ({ namespace: ns })), PLATFORM_METRICS_PORTS);
    allow('scrape-coredns', 'allow-prometheus-to-coredns', 'egress', prometheus, [{ namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } }], [9153]);
    allow('scrape-nodes', 'allow-prometheus-to-nodes', 'egress', prometheus, [{ cidrs: ANY_ADDRESS }], NODE_SCRAPE_PORTS);
    allow('scrape-monitoring', 'allow-prometheus-to-monitoring', 'egress', prometheus, [{ namespace }], MONITORING_SCRAPE_PORTS);
    allow('scraped', 'allow-scrape-from-prometheus', 'ingress', undefined, [{ namespace, podLabels: prometheus }], MONITORING_SCRAPE_PORTS);
    for (const tenant of cluster.tenants.filter((t) => t.metricsPorts.length > 0)) {
      allow(`scrape-${tenant.name}`, `allow-prometheus-to-${tenant.name}`, 'egress', prometheus, [{ namespace: tenant.name }], tenant.metricsPorts);
    }

    if (!service) {
      const remoteWrite = serviceClusterPeer(cluster, 'Prometheus remote write');
      allow('remote-write', 'allow-prometheus-to-service-cluster', 'egress', prometheus, remoteWrite.peers, remoteWrite.ports.map((p) => p.port));
      return;
    }

    const fromIngress = [{ namespace: PLATFORM_NAMESPACES.ingress, podLabels: INGRESS_CONTROLLER_PODS }];
    allow('grafana-ingress', 'allow-grafana-from-ingress-controller', 'ingress', MONITORING_PODS.grafana, fromIngress, [3000]);
    allow('prometheus-ingress', 'allow-prometheus-from-ingress-controller', 'ingress', prometheus, fromIngress, [9090]);
    allow('alertmanager-ingress', 'allow-alertmanager-from-ingress-controller', 'ingress', MONITORING_PODS.alertmanager, fromIngress, [9093]);

    allow('grafana-queries', 'allow-grafana-to-prometheus-and-alertmanager', 'egress', MONITORING_PODS.grafana, [{ namespace, podLabels: prometheus }, { namespace, podLabels: MONITORING_PODS.alertmanager }], [9090, 9093]);
    allow('prometheus-from-grafana', 'allow-prometheus-from-grafana', 'ingress', prometheus, [{ namespace, podLabels: MONITORING_PODS.grafana }], [9090]);
    allow('alertmanager-from-grafana', 'allow-alertmanager-from-grafana', 'ingress', MONITORING_PODS.alertmanager, [{ namespace, podLabels: MONITORING_PODS.grafana }], [9093]);
    // the dashboard and datasource sidecars watch ConfigMaps through the API server
    allow('grafana-api', 'allow-grafana-to-api-server', 'egress', MONITORING_PODS.grafana, api.peers, apiPorts);
    // the identity provider is served by this cluster's ingress controller: inside the cluster its
    // address leads to the controller pods; from outside, to the service cluster's ingress addresses
    const identity: NetworkPeer[] = [...fromIngress, ...(cluster.network.serviceClusterCidrs.length > 0 ? [{ cidrs: cluster.network.serviceClusterCidrs }] : [])];
    allow('grafana-identity', 'allow-grafana-to-identity-provider', 'egress', MONITORING_PODS.grafana, identity, [443]);
    // Slack, PagerDuty, webhooks and mail relays have no stable addresses: narrowed by port only
    // (HTTPS, and each e-mail receiver's SMTP port; a webhook URL is assumed to use 443)
    allow('receivers', 'allow-alertmanager-to-receivers', 'egress', MONITORING_PODS.alertmanager, [{ cidrs: ANY_ADDRESS }], receiverPorts(cluster));
  }
}
