import type { ComponentAlertGroup } from '@ck8s/core';

// Metrics of the log store's exporter (prometheus-elasticsearch-exporter v1.11: cluster health from
// GET _cluster/health, file systems from the nodes' stats), which OpenSearch answers as Elasticsearch 7.10 did.
const HEALTH = 'elasticsearch_cluster_health_status';
const ACTIVE_SHARDS = 'elasticsearch_cluster_health_active_shards';
const DATA_NODES = 'elasticsearch_cluster_health_number_of_data_nodes';
const AVAILABLE = 'elasticsearch_filesystem_data_available_bytes';
const SIZE = 'elasticsearch_filesystem_data_size_bytes';

/** The exporter's metrics the log store's alerts read, for its dashboard too. */
export const LOG_STORE_HEALTH_METRICS = {
  health: HEALTH,
  activeShards: ACTIVE_SHARDS,
  dataNodes: DATA_NODES,
  available: AVAILABLE,
  size: SIZE,
} as const;

/** OpenSearch's default `cluster.max_shards_per_node`, which the platform leaves as it is: past it, no index is created. */
export const LOG_STORE_MAX_SHARDS_PER_NODE = 1000;

/** Free share of a node's data disk under which OpenSearch's low disk watermark (85 % used) stops placing shards there. */
export const LOG_STORE_DISK_FREE_RATIO = 0.15;

/**
 * The log store's own health: a red cluster or a full shard limit stops log intake (new daily indices
 * cannot be created), a yellow one has lost redundancy, and a node past the disk watermarks first stops
 * taking shards, then (flood stage, 95 %) turns its indices read-only.
 * @param source the metrics endpoint of the exporter that serves these metrics
 */
export function logStoreAlerts(source: string): ComponentAlertGroup {
  const metrics = (...names: string[]): Record<string, string> => Object.fromEntries(names.map((n) => [n, source]));
  return {
    name: 'log-store',
    alerts: [
      {
        alert: 'LogStoreClusterRed',
        severity: 'critical',
        expr: `max by (cluster) (${HEALTH}{color="red"}) == 1`,
        for: '5m',
        summary: 'The log store is red: some of its indices have no primary shard',
        description:
          'OpenSearch in cluster {{ $labels.cluster }} has been red for 5 minutes: logs and audit logs written to an index without a primary shard are lost or held back by the forwarders. Check GET _cluster/health?level=indices and GET _cluster/allocation/explain.',
        metrics: metrics(HEALTH),
        tests: [
          {
            name: 'fires when the cluster is red for 5 minutes',
            series: { [`${HEALTH}{cluster="sc", color="red"}`]: '1x10', [`${HEALTH}{cluster="sc", color="green"}`]: '0x10' },
            at: '7m',
            fires: [
              {
                labels: { cluster: 'sc' },
                description:
                  'OpenSearch in cluster sc has been red for 5 minutes: logs and audit logs written to an index without a primary shard are lost or held back by the forwarders. Check GET _cluster/health?level=indices and GET _cluster/allocation/explain.',
              },
            ],
          },
          {
            name: 'stays quiet when green',
            series: { [`${HEALTH}{cluster="sc", color="red"}`]: '0x10', [`${HEALTH}{cluster="sc", color="green"}`]: '1x10' },
            at: '7m',
            fires: [],
          },
        ],
      },
      {
        alert: 'LogStoreClusterYellow',
        severity: 'warning',
        expr: `max by (cluster) (${HEALTH}{color="yellow"}) == 1`,
        for: '30m',
        summary: 'The log store is yellow: some replicas are not allocated',
        description:
          'OpenSearch in cluster {{ $labels.cluster }} has been yellow for 30 minutes: losing one more node loses data. Check GET _cluster/allocation/explain (disk watermarks, a node down).',
        metrics: metrics(HEALTH),
        tests: [
          {
            name: 'fires when the cluster is yellow for 30 minutes',
            series: { [`${HEALTH}{cluster="sc", color="yellow"}`]: '1x40' },
            at: '35m',
            fires: [
              {
                labels: { cluster: 'sc' },
                description:
                  'OpenSearch in cluster sc has been yellow for 30 minutes: losing one more node loses data. Check GET _cluster/allocation/explain (disk watermarks, a node down).',
              },
            ],
          },
          {
            name: 'stays quiet for a short yellow spell',
            series: { [`${HEALTH}{cluster="sc", color="yellow"}`]: '1x10 0x30' },
            at: '35m',
            fires: [],
          },
        ],
      },
      {
        alert: 'LogStoreDiskWatermark',
        severity: 'warning',
        expr: `min by (cluster, name) (${AVAILABLE} / ${SIZE}) < ${LOG_STORE_DISK_FREE_RATIO}`,
        for: '15m',
        summary: "A log store node's data disk is past the low watermark",
        description: `Node {{ $labels.name }} of the log store in cluster {{ $labels.cluster }} has less than ${LOG_STORE_DISK_FREE_RATIO * 100} % of its data disk free: OpenSearch places no new shards there, and at 5 % it makes its indices read-only. Shorten the retention or grow the volume.`,
        metrics: metrics(AVAILABLE, SIZE),
        tests: [
          {
            name: 'fires for a node with 10 % of its disk free',
            series: {
              [`${AVAILABLE}{cluster="sc", name="opensearch-master-0"}`]: '10000000000x20',
              [`${SIZE}{cluster="sc", name="opensearch-master-0"}`]: '100000000000x20',
            },
            at: '17m',
            fires: [
              {
                labels: { cluster: 'sc', name: 'opensearch-master-0' },
                description:
                  'Node opensearch-master-0 of the log store in cluster sc has less than 15 % of its data disk free: OpenSearch places no new shards there, and at 5 % it makes its indices read-only. Shorten the retention or grow the volume.',
              },
            ],
          },
          {
            name: 'stays quiet with half the disk free',
            series: {
              [`${AVAILABLE}{cluster="sc", name="opensearch-master-0"}`]: '50000000000x20',
              [`${SIZE}{cluster="sc", name="opensearch-master-0"}`]: '100000000000x20',
            },
            at: '17m',
            fires: [],
          },
        ],
      },
      {
        alert: 'LogStoreShardLimitNear',
        severity: 'warning',
        expr: `max by (cluster) (${ACTIVE_SHARDS} / (${DATA_NODES} * ${LOG_STORE_MAX_SHARDS_PER_NODE})) > 0.9`,
        for: '15m',
        summary: 'The log store is near its shard limit',
        description: `The log store in cluster {{ $labels.cluster }} uses more than 90 % of its ${LOG_STORE_MAX_SHARDS_PER_NODE} shards per data node: at the limit no new daily index can be created and log intake stops. Shorten the retention, or merge indices.`,
        metrics: metrics(ACTIVE_SHARDS, DATA_NODES),
        tests: [
          {
            name: 'fires at 950 shards on one data node',
            series: { [`${ACTIVE_SHARDS}{cluster="sc"}`]: '950x20', [`${DATA_NODES}{cluster="sc"}`]: '1x20' },
            at: '17m',
            fires: [
              {
                labels: { cluster: 'sc' },
                description:
                  'The log store in cluster sc uses more than 90 % of its 1000 shards per data node: at the limit no new daily index can be created and log intake stops. Shorten the retention, or merge indices.',
              },
            ],
          },
          {
            name: 'stays quiet at 950 shards on two data nodes',
            series: { [`${ACTIVE_SHARDS}{cluster="sc"}`]: '950x20', [`${DATA_NODES}{cluster="sc"}`]: '2x20' },
            at: '17m',
            fires: [],
          },
        ],
      },
    ],
  };
}
