import { CLUSTER_MATCHER, type ComponentDashboard } from '@ck8s/core';
import { MARIADB_METRICS_JOB, MYSQL_UP, WSREP_CLUSTER_SIZE, WSREP_CLUSTER_STATUS, WSREP_RECV_QUEUE } from './mariadb-alerts.js';

// mysqld_exporter (the operator's, probing each server: label `target`): global status and variables.
const THREADS_CONNECTED = 'mysql_global_status_threads_connected';
const MAX_CONNECTIONS = 'mysql_global_variables_max_connections';
const QUERIES = 'mysql_global_status_queries';
const SERIES = `${CLUSTER_MATCHER}, job="${MARIADB_METRICS_JOB}"`;

/** Every tenant's MariaDB (Galera) of a cluster: up, connections, queries, Galera's cluster state. */
export const MARIADB_DASHBOARD: ComponentDashboard = {
  name: 'mariadb',
  title: 'MariaDB (Galera)',
  description:
    "The tenants' MariaDB servers per cluster and namespace: up, connections against the limit, queries, Galera cluster status, size and receive queue.",
  metrics: Object.fromEntries(
    [MYSQL_UP, THREADS_CONNECTED, MAX_CONNECTIONS, QUERIES, WSREP_CLUSTER_STATUS, WSREP_CLUSTER_SIZE, WSREP_RECV_QUEUE].map((n) => [
      n,
      MARIADB_METRICS_JOB,
    ]),
  ),
  rows: [
    {
      title: 'Servers',
      panels: [
        {
          title: 'Servers up',
          description: '1 while the exporter reaches the server; 0 raises MariadbInstanceDown.',
          unit: 'short',
          queries: [{ expr: `max by (cluster, namespace, target) (${MYSQL_UP}{${SERIES}})`, legend: '{{cluster}} {{namespace}} {{target}}' }],
        },
        {
          title: 'Connections of the limit',
          description: 'Connected threads as a share of max_connections: at 100 % new clients are refused.',
          unit: 'percentunit',
          queries: [
            {
              expr: `max by (cluster, namespace, target) (${THREADS_CONNECTED}{${SERIES}} / ${MAX_CONNECTIONS}{${SERIES}})`,
              legend: '{{cluster}} {{namespace}} {{target}}',
            },
          ],
        },
        {
          title: 'Queries',
          description: 'Statements each server executes per second.',
          unit: 'ops',
          queries: [
            {
              expr: `sum by (cluster, namespace, target) (rate(${QUERIES}{${SERIES}}[$__rate_interval]))`,
              legend: '{{cluster}} {{namespace}} {{target}}',
            },
          ],
        },
      ],
    },
    {
      title: 'Galera',
      panels: [
        {
          title: 'Primary component',
          description: '1 while the server is part of the primary component and takes writes; 0 raises MariadbGaleraNotPrimary.',
          unit: 'short',
          queries: [
            { expr: `min by (cluster, namespace, target) (${WSREP_CLUSTER_STATUS}{${SERIES}})`, legend: '{{cluster}} {{namespace}} {{target}}' },
          ],
        },
        {
          title: 'Cluster size',
          description: 'Nodes each server sees in its Galera cluster: fewer than the replicas raises MariadbGaleraClusterIncomplete.',
          unit: 'short',
          queries: [
            { expr: `min by (cluster, namespace, target) (${WSREP_CLUSTER_SIZE}{${SERIES}})`, legend: '{{cluster}} {{namespace}} {{target}}' },
          ],
        },
        {
          title: 'Receive queue',
          description:
            'Write sets waiting to be applied on each server: a growing queue means the node falls behind and flow control slows every writer.',
          unit: 'short',
          queries: [{ expr: `max by (cluster, namespace, target) (${WSREP_RECV_QUEUE}{${SERIES}})`, legend: '{{cluster}} {{namespace}} {{target}}' }],
        },
      ],
    },
  ],
};
