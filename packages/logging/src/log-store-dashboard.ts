import { CLUSTER_MATCHER, type ComponentDashboard } from '@ck8s/core';
import { LOG_STORE_DISK_FREE_RATIO, LOG_STORE_HEALTH_METRICS, LOG_STORE_MAX_SHARDS_PER_NODE } from './log-store-alerts.js';

// prometheus-elasticsearch-exporter 1.11 (collector/cluster_health.go, collector/nodes.go): cluster
// health, and every node's stats (`es.all`) per node `name`.
const UNASSIGNED_SHARDS = 'elasticsearch_cluster_health_unassigned_shards';
const RELOCATING_SHARDS = 'elasticsearch_cluster_health_relocating_shards';
const INITIALIZING_SHARDS = 'elasticsearch_cluster_health_initializing_shards';
const INDEXED = 'elasticsearch_indices_indexing_index_total';
const SEARCHED = 'elasticsearch_indices_search_query_total';
const HEAP_USED = 'elasticsearch_jvm_memory_used_bytes';
const HEAP_MAX = 'elasticsearch_jvm_memory_max_bytes';
const m = LOG_STORE_HEALTH_METRICS;
const C = CLUSTER_MATCHER;

/**
 * The log store's own health: cluster status, shards and the shard limit, disk watermarks, indexing
 * and search rates, JVM heap.
 * @param source the metrics endpoint of the exporter that serves these metrics
 */
export function logStoreDashboard(source: string): ComponentDashboard {
  return {
    name: 'opensearch',
    title: 'Log store (OpenSearch)',
    description: 'OpenSearch per cluster: health, shards and the shard limit, data disk against the watermarks, indexing and search rates, JVM heap.',
    metrics: Object.fromEntries(
      [
        m.health,
        m.activeShards,
        m.dataNodes,
        UNASSIGNED_SHARDS,
        RELOCATING_SHARDS,
        INITIALIZING_SHARDS,
        m.available,
        m.size,
        INDEXED,
        SEARCHED,
        HEAP_USED,
        HEAP_MAX,
      ].map((n) => [n, source]),
    ),
    rows: [
      {
        title: 'Cluster',
        panels: [
          {
            title: 'Cluster health',
            description:
              'The colour OpenSearch reports (1 for the current one): red stops intake into indices without a primary shard, yellow has lost redundancy.',
            unit: 'short',
            queries: [{ expr: `max by (cluster, color) (${m.health}{${C}})`, legend: '{{cluster}} {{color}}' }],
          },
          {
            title: 'Shards by state',
            description:
              'Active, unassigned, relocating and initializing shards: unassigned shards that stay are why a cluster is yellow or red (GET _cluster/allocation/explain).',
            unit: 'short',
            queries: [
              { expr: `max by (cluster) (${m.activeShards}{${C}})`, legend: '{{cluster}} active' },
              { expr: `max by (cluster) (${UNASSIGNED_SHARDS}{${C}})`, legend: '{{cluster}} unassigned' },
              { expr: `max by (cluster) (${RELOCATING_SHARDS}{${C}})`, legend: '{{cluster}} relocating' },
              { expr: `max by (cluster) (${INITIALIZING_SHARDS}{${C}})`, legend: '{{cluster}} initializing' },
            ],
          },
          {
            title: 'Shard limit use',
            description: `Active shards as a share of ${LOG_STORE_MAX_SHARDS_PER_NODE} per data node: at 100 % no new daily index is created and log intake stops; above 90 % LogStoreShardLimitNear fires.`,
            unit: 'percentunit',
            queries: [
              {
                expr: `max by (cluster) (${m.activeShards}{${C}} / (${m.dataNodes}{${C}} * ${LOG_STORE_MAX_SHARDS_PER_NODE}))`,
                legend: '{{cluster}}',
              },
            ],
          },
          {
            title: 'Data disk used per node',
            description: `Used share of each node's data disk: at ${100 - LOG_STORE_DISK_FREE_RATIO * 100} % (low watermark) no new shards go there, at 90 % shards move away, at 95 % (flood stage) its indices turn read-only.`,
            unit: 'percentunit',
            queries: [{ expr: `1 - min by (cluster, name) (${m.available}{${C}} / ${m.size}{${C}})`, legend: '{{cluster}} {{name}}' }],
          },
        ],
      },
      {
        title: 'Load',
        panels: [
          {
            title: 'Indexing rate',
            description:
              'Documents indexed per second per node: the logs, events and audit logs arriving; a drop to zero with forwarders running means intake stopped.',
            unit: 'ops',
            queries: [{ expr: `sum by (cluster, name) (rate(${INDEXED}{${C}}[$__rate_interval]))`, legend: '{{cluster}} {{name}}' }],
          },
          {
            title: 'Search rate',
            description: 'Search queries per second per node, from OpenSearch Dashboards and the alerting of the log store.',
            unit: 'ops',
            queries: [{ expr: `sum by (cluster, name) (rate(${SEARCHED}{${C}}[$__rate_interval]))`, legend: '{{cluster}} {{name}}' }],
          },
          {
            title: 'JVM heap used',
            description:
              "Used share of each node's JVM heap: staying above 85 % means long garbage collections and, at the end, circuit breakers refusing requests.",
            unit: 'percentunit',
            queries: [
              {
                expr: `max by (cluster, name) (${HEAP_USED}{${C}, area="heap"} / ${HEAP_MAX}{${C}, area="heap"})`,
                legend: '{{cluster}} {{name}}',
              },
            ],
          },
        ],
      },
    ],
  };
}
