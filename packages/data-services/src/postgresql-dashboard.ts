import { CLUSTER_MATCHER, type ComponentDashboard } from '@ck8s/core';
import { BARMAN_LAST_BACKUP, CNPG_REPLICATION_LAG, CNPG_UP, POSTGRESQL_METRICS_JOB } from './postgresql-alerts.js';

// CloudNativePG's instance exporter (port 9187): its collector, and the default monitoring queries
// (config/manager/default-monitoring.yaml) backends, pg_database and pg_replication.
const BACKENDS = 'cnpg_backends_total';
const DATABASE_SIZE = 'cnpg_pg_database_size_bytes';
const STREAMING_REPLICAS = 'cnpg_pg_replication_streaming_replicas';
const SERIES = `${CLUSTER_MATCHER}, job="${POSTGRESQL_METRICS_JOB}"`;

/** Every tenant's PostgreSQL (CloudNativePG) of a cluster: up, connections, replication, storage, backups. */
export const POSTGRESQL_DASHBOARD: ComponentDashboard = {
  name: 'postgresql',
  title: 'PostgreSQL (CloudNativePG)',
  description:
    "The tenants' PostgreSQL instances per cluster and namespace: exporter up, connections, replication lag and streaming replicas, database size, last backup.",
  metrics: Object.fromEntries(
    [CNPG_UP, BACKENDS, CNPG_REPLICATION_LAG, STREAMING_REPLICAS, DATABASE_SIZE, BARMAN_LAST_BACKUP].map((n) => [n, POSTGRESQL_METRICS_JOB]),
  ),
  rows: [
    {
      title: 'Instances',
      panels: [
        {
          title: 'Instances up',
          description: '1 while the instance answers its exporter; 0 raises PostgresqlInstanceDown.',
          unit: 'short',
          queries: [{ expr: `max by (cluster, namespace, pod) (${CNPG_UP}{${SERIES}})`, legend: '{{cluster}} {{namespace}}/{{pod}}' }],
        },
        {
          title: 'Connections by state',
          description:
            'Backends per instance and state (active, idle, idle in transaction): many idle-in-transaction ones hold locks and bloat tables.',
          unit: 'short',
          queries: [
            { expr: `sum by (cluster, namespace, pod, state) (${BACKENDS}{${SERIES}})`, legend: '{{cluster}} {{namespace}}/{{pod}} {{state}}' },
          ],
        },
        {
          title: 'Replication lag and streaming replicas',
          description:
            'Seconds each replica is behind its primary (above 5 minutes PostgresqlReplicationLag fires), and the replicas streaming from each primary.',
          unit: 's',
          queries: [
            { expr: `max by (cluster, namespace, pod) (${CNPG_REPLICATION_LAG}{${SERIES}})`, legend: '{{cluster}} {{namespace}}/{{pod}} lag' },
            {
              expr: `max by (cluster, namespace, pod) (${STREAMING_REPLICAS}{${SERIES}})`,
              legend: '{{cluster}} {{namespace}}/{{pod}} streaming replicas',
            },
          ],
        },
      ],
    },
    {
      title: 'Storage and backups',
      panels: [
        {
          title: 'Database size',
          description: 'Bytes each database takes on its instance (the largest of its pods): compare with the volume the service asked for.',
          unit: 'bytes',
          queries: [{ expr: `max by (cluster, namespace, datname) (${DATABASE_SIZE}{${SERIES}})`, legend: '{{cluster}} {{namespace}} {{datname}}' }],
        },
        {
          title: 'Age of the last backup',
          description: 'Time since the newest backup in object storage (Barman Cloud plugin): older than the daily schedule means backups stopped.',
          unit: 's',
          queries: [{ expr: `time() - max by (cluster, namespace) (${BARMAN_LAST_BACKUP}{${SERIES}})`, legend: '{{cluster}} {{namespace}}' }],
        },
      ],
    },
  ],
};
