import { type PanelSpec, PLATFORM_NAMESPACES } from '@ck8s/core';
import type { DashboardSpec } from './grafana-dashboard.js';
import { MONITORING_NAMESPACE } from './monitoring-names.js';

/** Grafana's rate window: at least four scrape intervals, so a rate never sees a single sample. */
const RATE = '$__rate_interval';
const C = 'cluster=~"$cluster"';
/** Tenant namespaces: the namespace variable plus the cluster. */
const T = `${C}, namespace=~"$namespace"`;
/**
 * The NGINX Ingress Controller's latency metrics (controller.enableLatencyMetrics) name the Ingress's
 * namespace `resource_namespace`, beside the scrape target's own `namespace`.
 */
const TI = `${C}, resource_namespace=~"$namespace"`;
/** Upstream response time by Ingress and status code, in milliseconds: its `_count` counts the responses. */
const INGRESS_LATENCY = 'nginx_ingress_controller_upstream_server_response_latency_ms';

/** Name of the ResourceQuota every tenant namespace has (see Tenant in @ck8s/core). */
export const TENANT_QUOTA = 'tenant-quota';

function p99(bucket: string, selector: string, by: string): string {
  return `histogram_quantile(0.99, sum by (${by}, le) (rate(${bucket}{${selector}}[${RATE}])))`;
}

/** Memory of a component's containers as a share of their limit: the saturation of a component without a work queue. */
function memorySaturation(title: string, namespaces: readonly string[], container: string): PanelSpec {
  const sel = `${C}, namespace=~"${namespaces.join('|')}", container=~"${container}"`;
  return {
    title,
    description: `Working set memory of the ${container} containers as a share of their memory limit; at 100% the kernel kills them.`,
    unit: 'percentunit',
    queries: [
      {
        expr: `sum by (cluster, pod) (container_memory_working_set_bytes{${sel}}) / sum by (cluster, pod) (kube_pod_container_resource_limits{${sel}, resource="memory"})`,
        legend: '{{cluster}} {{pod}}',
      },
    ],
  };
}

/** Latency, traffic, errors and saturation of the platform's own components, and of the nodes. */
export function platformDashboard(): DashboardSpec {
  return {
    uid: 'ck8s-platform-golden-signals',
    title: 'Platform / Golden signals',
    description:
      'Latency, traffic, errors and saturation of the ingress controller, the API server, Prometheus, log shipping and the nodes, per cluster.',
    tags: ['ck8s', 'platform', 'golden-signals'],
    rows: [
      {
        title: 'Ingress controller (NGINX Ingress Controller)',
        panels: [
          {
            title: 'Latency (p99)',
            description: 'Time the backends take to answer a request through the controller, 99th percentile.',
            unit: 'ms',
            queries: [{ expr: p99(`${INGRESS_LATENCY}_bucket`, C, 'cluster'), legend: '{{cluster}}' }],
          },
          {
            title: 'Traffic',
            description: 'Requests per second.',
            unit: 'reqps',
            queries: [{ expr: `sum by (cluster) (rate(nginx_ingress_nginx_http_requests_total{${C}}[${RATE}]))`, legend: '{{cluster}}' }],
          },
          {
            title: 'Errors (5xx)',
            description: 'Share of backend responses with a 5xx status.',
            unit: 'percentunit',
            queries: [
              {
                expr: `sum by (cluster) (rate(${INGRESS_LATENCY}_count{${C}, code=~"5.."}[${RATE}])) / sum by (cluster) (rate(${INGRESS_LATENCY}_count{${C}}[${RATE}]))`,
                legend: '{{cluster}}',
              },
            ],
          },
          memorySaturation('Saturation (memory of limit)', [PLATFORM_NAMESPACES.ingress], 'nginx-ingress'),
        ],
      },
      {
        title: 'Kubernetes API server',
        panels: [
          {
            title: 'Latency (p99)',
            description: 'Time to answer a request (without WATCH and CONNECT), 99th percentile, per verb.',
            unit: 's',
            queries: [
              {
                expr: p99('apiserver_request_duration_seconds_bucket', `${C}, verb!~"WATCH|CONNECT"`, 'cluster, verb'),
                legend: '{{cluster}} {{verb}}',
              },
            ],
          },
          {
            title: 'Traffic',
            description: 'Requests per second, per verb.',
            unit: 'reqps',
            queries: [{ expr: `sum by (cluster, verb) (rate(apiserver_request_total{${C}}[${RATE}]))`, legend: '{{cluster}} {{verb}}' }],
          },
          {
            title: 'Errors (5xx)',
            description: 'Share of requests answered with a 5xx status.',
            unit: 'percentunit',
            queries: [
              {
                expr: `sum by (cluster) (rate(apiserver_request_total{${C}, code=~"5.."}[${RATE}])) / sum by (cluster) (rate(apiserver_request_total{${C}}[${RATE}]))`,
                legend: '{{cluster}}',
              },
            ],
          },
          {
            title: 'Saturation (requests in flight)',
            description: 'Requests being served, mutating and read-only; compare with --max-requests-inflight.',
            unit: 'short',
            queries: [{ expr: `sum by (cluster, request_kind) (apiserver_current_inflight_requests{${C}})`, legend: '{{cluster}} {{request_kind}}' }],
          },
        ],
      },
      {
        title: 'Prometheus',
        panels: [
          {
            title: 'Latency (p99)',
            description: 'Query time (service cluster) and time to send a remote-write batch (workload clusters), 99th percentile.',
            unit: 's',
            queries: [
              {
                expr: p99('prometheus_http_request_duration_seconds_bucket', `${C}, handler=~"/api/v1/query|/api/v1/query_range"`, 'cluster'),
                legend: '{{cluster}} query',
              },
              { expr: p99('prometheus_remote_storage_sent_batch_duration_seconds_bucket', C, 'cluster'), legend: '{{cluster}} remote write' },
            ],
          },
          {
            title: 'Traffic',
            description: 'Samples appended to the local database, and samples sent by remote write.',
            unit: 'short',
            queries: [
              { expr: `sum by (cluster) (rate(prometheus_tsdb_head_samples_appended_total{${C}}[${RATE}]))`, legend: '{{cluster}} appended' },
              { expr: `sum by (cluster) (rate(prometheus_remote_storage_samples_total{${C}}[${RATE}]))`, legend: '{{cluster}} sent' },
            ],
          },
          {
            title: 'Errors',
            description: 'Failed remote-write samples and rule evaluations per second, and targets that cannot be scraped.',
            unit: 'short',
            queries: [
              {
                expr: `sum by (cluster) (rate(prometheus_remote_storage_samples_failed_total{${C}}[${RATE}]))`,
                legend: '{{cluster}} remote write failed',
              },
              { expr: `sum by (cluster) (rate(prometheus_rule_evaluation_failures_total{${C}}[${RATE}]))`, legend: '{{cluster}} rule failures' },
              { expr: `count by (cluster) (up{${C}} == 0)`, legend: '{{cluster}} targets down' },
            ],
          },
          {
            title: 'Saturation (storage used)',
            description: "Used share of the monitoring namespace's volumes; retention deletes old data before they are full.",
            unit: 'percentunit',
            queries: [
              {
                expr: `max by (cluster, persistentvolumeclaim) (kubelet_volume_stats_used_bytes{${C}, namespace="${MONITORING_NAMESPACE}"} / kubelet_volume_stats_capacity_bytes{${C}, namespace="${MONITORING_NAMESPACE}"})`,
                legend: '{{cluster}} {{persistentvolumeclaim}}',
              },
            ],
          },
        ],
      },
      {
        title: 'Log shipping (Fluent Bit to OpenSearch)',
        panels: [
          {
            title: 'Latency (retried chunks)',
            description: 'Fluent Bit has no delivery-time metric; every retried chunk reaches the log store late, so retries are the latency signal.',
            unit: 'short',
            queries: [{ expr: `sum by (cluster, name) (rate(fluentbit_output_retries_total{${C}}[${RATE}]))`, legend: '{{cluster}} {{name}}' }],
          },
          {
            title: 'Traffic (throughput)',
            description: 'Records and bytes sent to the log store per second.',
            unit: 'short',
            queries: [
              { expr: `sum by (cluster, name) (rate(fluentbit_output_proc_records_total{${C}}[${RATE}]))`, legend: '{{cluster}} {{name}} records' },
              { expr: `sum by (cluster, name) (rate(fluentbit_output_proc_bytes_total{${C}}[${RATE}]))`, legend: '{{cluster}} {{name}} bytes' },
            ],
          },
          {
            title: 'Errors',
            description: 'Output errors, chunks given up after retries, and dropped records per second.',
            unit: 'short',
            queries: [
              { expr: `sum by (cluster, name) (rate(fluentbit_output_errors_total{${C}}[${RATE}]))`, legend: '{{cluster}} {{name}} errors' },
              {
                expr: `sum by (cluster, name) (rate(fluentbit_output_retries_failed_total{${C}}[${RATE}]))`,
                legend: '{{cluster}} {{name}} retries failed',
              },
              {
                expr: `sum by (cluster, name) (rate(fluentbit_output_dropped_records_total{${C}}[${RATE}]))`,
                legend: '{{cluster}} {{name}} dropped',
              },
            ],
          },
          // the forwarder and the log store, each in its own namespace
          memorySaturation('Saturation (memory of limit)', [PLATFORM_NAMESPACES.logging, PLATFORM_NAMESPACES.logStore], 'fluent-bit|opensearch'),
        ],
      },
      {
        title: 'Nodes',
        panels: [
          {
            title: 'CPU',
            description: 'Busy share of the CPUs per node.',
            unit: 'percentunit',
            queries: [
              {
                expr: `1 - avg by (cluster, instance) (rate(node_cpu_seconds_total{${C}, mode="idle"}[${RATE}]))`,
                legend: '{{cluster}} {{instance}}',
              },
            ],
          },
          {
            title: 'Memory',
            description: 'Used share of memory per node.',
            unit: 'percentunit',
            queries: [
              {
                expr: `1 - sum by (cluster, instance) (node_memory_MemAvailable_bytes{${C}}) / sum by (cluster, instance) (node_memory_MemTotal_bytes{${C}})`,
                legend: '{{cluster}} {{instance}}',
              },
            ],
          },
          {
            title: 'Disk I/O',
            description: 'Bytes read and written per second per node.',
            unit: 'Bps',
            queries: [
              { expr: `sum by (cluster, instance) (rate(node_disk_read_bytes_total{${C}}[${RATE}]))`, legend: '{{cluster}} {{instance}} read' },
              { expr: `sum by (cluster, instance) (rate(node_disk_written_bytes_total{${C}}[${RATE}]))`, legend: '{{cluster}} {{instance}} written' },
            ],
          },
          {
            title: 'Network I/O',
            description: 'Bytes received and sent per second per node (physical interfaces).',
            unit: 'Bps',
            queries: [
              {
                expr: `sum by (cluster, instance) (rate(node_network_receive_bytes_total{${C}, device!~"lo|veth.*|cali.*|cilium.*|lxc.*|flannel.*|cni.*"}[${RATE}]))`,
                legend: '{{cluster}} {{instance}} received',
              },
              {
                expr: `sum by (cluster, instance) (rate(node_network_transmit_bytes_total{${C}, device!~"lo|veth.*|cali.*|cilium.*|lxc.*|flannel.*|cni.*"}[${RATE}]))`,
                legend: '{{cluster}} {{instance}} sent',
              },
            ],
          },
        ],
      },
    ],
  };
}

function quotaShare(title: string, description: string, usage: string, quotaResource: string): PanelSpec {
  return {
    title,
    description,
    unit: 'percentunit',
    queries: [
      {
        expr: `${usage} / sum by (cluster, namespace) (kube_resourcequota{${T}, resourcequota="${TENANT_QUOTA}", resource="${quotaResource}", type="hard"})`,
        legend: '{{cluster}} {{namespace}}',
      },
    ],
  };
}

/** Latency, traffic, errors and saturation of the tenants' workloads, per namespace. */
export function tenantDashboard(): DashboardSpec {
  const containers = `${T}, container!="", image!=""`;
  return {
    uid: 'ck8s-tenant-golden-signals',
    title: 'Tenants / Golden signals',
    description:
      "Latency, traffic and errors of the tenants' Ingresses and the saturation of their namespaces against their quotas, per cluster and namespace.",
    tags: ['ck8s', 'tenants', 'golden-signals'],
    variables: [
      { name: 'namespace', label: 'Namespace', query: `label_values(kube_resourcequota{${C}, resourcequota="${TENANT_QUOTA}"}, namespace)` },
    ],
    rows: [
      {
        title: 'Requests through the ingress controller',
        panels: [
          {
            title: 'Latency (p99)',
            description: 'Time the backends take to answer a request, 99th percentile, per namespace.',
            unit: 'ms',
            queries: [
              {
                expr: p99(`${INGRESS_LATENCY}_bucket`, TI, 'cluster, resource_namespace'),
                legend: '{{cluster}} {{resource_namespace}}',
              },
            ],
          },
          {
            title: 'Traffic',
            description: 'Requests per second, per namespace.',
            unit: 'reqps',
            queries: [
              {
                expr: `sum by (cluster, resource_namespace) (rate(${INGRESS_LATENCY}_count{${TI}}[${RATE}]))`,
                legend: '{{cluster}} {{resource_namespace}}',
              },
            ],
          },
          {
            title: 'Errors (5xx)',
            description: 'Share of requests answered with a 5xx status, per namespace.',
            unit: 'percentunit',
            queries: [
              {
                expr: `sum by (cluster, resource_namespace) (rate(${INGRESS_LATENCY}_count{${TI}, code=~"5.."}[${RATE}])) / sum by (cluster, resource_namespace) (rate(${INGRESS_LATENCY}_count{${TI}}[${RATE}]))`,
                legend: '{{cluster}} {{resource_namespace}}',
              },
            ],
          },
          {
            title: 'Errors (restarts)',
            description: 'Container restarts per hour, per namespace.',
            unit: 'short',
            queries: [
              {
                expr: `sum by (cluster, namespace) (increase(kube_pod_container_status_restarts_total{${T}}[1h]))`,
                legend: '{{cluster}} {{namespace}}',
              },
            ],
          },
        ],
      },
      {
        title: 'Saturation against the quota',
        panels: [
          // tenant quotas cap CPU requests, not limits (see Tenant in @ck8s/core)
          quotaShare(
            'CPU of quota',
            'CPU used as a share of the quota (requests.cpu).',
            `sum by (cluster, namespace) (rate(container_cpu_usage_seconds_total{${containers}}[${RATE}]))`,
            'requests.cpu',
          ),
          quotaShare(
            'Memory of quota',
            'Working set memory as a share of the quota (limits.memory).',
            `sum by (cluster, namespace) (container_memory_working_set_bytes{${containers}})`,
            'limits.memory',
          ),
          quotaShare(
            'Pods of quota',
            'Pods as a share of the quota.',
            `sum by (cluster, namespace) (kube_resourcequota{${T}, resourcequota="${TENANT_QUOTA}", resource="pods", type="used"})`,
            'pods',
          ),
          quotaShare(
            'Storage of quota',
            'Requested persistent storage as a share of the quota.',
            `sum by (cluster, namespace) (kube_resourcequota{${T}, resourcequota="${TENANT_QUOTA}", resource="requests.storage", type="used"})`,
            'requests.storage',
          ),
        ],
      },
      {
        title: 'Pods',
        panels: [
          {
            title: 'CPU per pod',
            description: 'CPU cores used per pod.',
            unit: 'short',
            queries: [
              {
                expr: `sum by (cluster, namespace, pod) (rate(container_cpu_usage_seconds_total{${containers}}[${RATE}]))`,
                legend: '{{cluster}} {{namespace}}/{{pod}}',
              },
            ],
          },
          {
            title: 'Memory per pod',
            description: 'Working set memory per pod.',
            unit: 'bytes',
            queries: [
              {
                expr: `sum by (cluster, namespace, pod) (container_memory_working_set_bytes{${containers}})`,
                legend: '{{cluster}} {{namespace}}/{{pod}}',
              },
            ],
          },
          {
            title: 'Network I/O per pod',
            description: 'Bytes received and sent per second per pod.',
            unit: 'Bps',
            queries: [
              {
                expr: `sum by (cluster, namespace, pod) (rate(container_network_receive_bytes_total{${T}}[${RATE}]))`,
                legend: '{{cluster}} {{namespace}}/{{pod}} received',
              },
              {
                expr: `sum by (cluster, namespace, pod) (rate(container_network_transmit_bytes_total{${T}}[${RATE}]))`,
                legend: '{{cluster}} {{namespace}}/{{pod}} sent',
              },
            ],
          },
          {
            title: 'Disk I/O per pod',
            description: 'Bytes read and written per second per pod.',
            unit: 'Bps',
            queries: [
              {
                expr: `sum by (cluster, namespace, pod) (rate(container_fs_reads_bytes_total{${containers}}[${RATE}]))`,
                legend: '{{cluster}} {{namespace}}/{{pod}} read',
              },
              {
                expr: `sum by (cluster, namespace, pod) (rate(container_fs_writes_bytes_total{${containers}}[${RATE}]))`,
                legend: '{{cluster}} {{namespace}}/{{pod}} written',
              },
            ],
          },
        ],
      },
    ],
  };
}
