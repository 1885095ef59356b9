import { CLUSTER_MATCHER, type ComponentDashboard } from '@ck8s/core';
import { RABBITMQ_IDENTITY, RABBITMQ_MEMORY_ALARM, RABBITMQ_METRICS_JOB } from './rabbitmq-alerts.js';

// RabbitMQ's Prometheus plugin (port 15692, aggregated metrics per node).
const CONNECTIONS = 'rabbitmq_connections';
const READY = 'rabbitmq_queue_messages_ready';
const UNACKED = 'rabbitmq_queue_messages_unacked';
const DISK_AVAILABLE = 'rabbitmq_disk_space_available_bytes';
const DISK_ALARM = 'rabbitmq_alarms_free_disk_space_watermark';
const SERIES = `${CLUSTER_MATCHER}, job="${RABBITMQ_METRICS_JOB}"`;

/** Every tenant's RabbitMQ of a cluster: nodes, connections, messages, alarms and free disk. */
export const RABBITMQ_DASHBOARD: ComponentDashboard = {
  name: 'rabbitmq',
  title: 'RabbitMQ',
  description:
    "The tenants' RabbitMQ clusters per cluster and namespace: nodes running, connections, messages ready and unacknowledged, memory and disk alarms, free disk.",
  metrics: Object.fromEntries(
    [RABBITMQ_IDENTITY, CONNECTIONS, READY, UNACKED, RABBITMQ_MEMORY_ALARM, DISK_ALARM, DISK_AVAILABLE].map((n) => [n, RABBITMQ_METRICS_JOB]),
  ),
  rows: [
    {
      title: 'Nodes',
      panels: [
        {
          title: 'Nodes running',
          description:
            'Nodes of each RabbitMQ cluster that answer: fewer than its replicas means quorum queues run with less redundancy (RabbitmqNodeDown).',
          unit: 'short',
          queries: [
            {
              expr: `count by (cluster, namespace, rabbitmq_cluster) (${RABBITMQ_IDENTITY}{${SERIES}})`,
              legend: '{{cluster}} {{namespace}} {{rabbitmq_cluster}}',
            },
          ],
        },
        {
          title: 'Connections',
          description: 'Client connections per node.',
          unit: 'short',
          queries: [{ expr: `sum by (cluster, namespace, pod) (${CONNECTIONS}{${SERIES}})`, legend: '{{cluster}} {{namespace}}/{{pod}}' }],
        },
        {
          title: 'Messages ready and unacknowledged',
          description:
            'Messages waiting for a consumer, and delivered but not yet acknowledged: a backlog that keeps growing means consumers fall behind.',
          unit: 'short',
          queries: [
            { expr: `sum by (cluster, namespace) (${READY}{${SERIES}})`, legend: '{{cluster}} {{namespace}} ready' },
            { expr: `sum by (cluster, namespace) (${UNACKED}{${SERIES}})`, legend: '{{cluster}} {{namespace}} unacknowledged' },
          ],
        },
      ],
    },
    {
      title: 'Resources',
      panels: [
        {
          title: 'Alarms',
          description: 'Memory and free disk alarms per node (1 raised): publishers are blocked while either is raised.',
          unit: 'short',
          queries: [
            { expr: `max by (cluster, namespace, pod) (${RABBITMQ_MEMORY_ALARM}{${SERIES}})`, legend: '{{cluster}} {{namespace}}/{{pod}} memory' },
            { expr: `max by (cluster, namespace, pod) (${DISK_ALARM}{${SERIES}})`, legend: '{{cluster}} {{namespace}}/{{pod}} disk' },
          ],
        },
        {
          title: 'Free disk space',
          description: "Bytes free on each node's data volume: below the free disk limit the disk alarm blocks publishers.",
          unit: 'bytes',
          queries: [{ expr: `min by (cluster, namespace, pod) (${DISK_AVAILABLE}{${SERIES}})`, legend: '{{cluster}} {{namespace}}/{{pod}}' }],
        },
      ],
    },
  ],
};
