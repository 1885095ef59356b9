import type { ComponentAlertGroup } from '@ck8s/core';

/** The scrape job of every PostgreSQL instance of a cluster (each instance's PodMonitor sets it), which the alerts read. */
export const POSTGRESQL_METRICS_JOB = 'postgresql';

// CloudNativePG 1.30's instance exporter (port 9187): cnpg_collector_up is 1 while the instance
// manager reaches PostgreSQL; cnpg_pg_replication_lag (the default monitoring queries of the
// chart) is a replica's replay lag in seconds. The Barman Cloud plugin's metrics come through the
// same endpoint, named after the plugin (barman_cloud_cloudnative_pg_io_...).
export const CNPG_UP = 'cnpg_collector_up';
export const CNPG_REPLICATION_LAG = 'cnpg_pg_replication_lag';
export const BARMAN_LAST_FAILED_BACKUP = 'barman_cloud_cloudnative_pg_io_last_failed_backup_timestamp';
export const BARMAN_LAST_BACKUP = 'barman_cloud_cloudnative_pg_io_last_available_backup_timestamp';

/** Replay lag that warns, in seconds. */
export const POSTGRESQL_LAG_SECONDS = 300;

const JOB = `job="${POSTGRESQL_METRICS_JOB}"`;
const where = 'PostgreSQL pod {{ $labels.pod }} in namespace {{ $labels.namespace }} of cluster {{ $labels.cluster }}';

/** The alerts of every tenant's PostgreSQL (one group, declared alike by each instance). */
export const POSTGRESQL_ALERTS: ComponentAlertGroup = {
  name: 'postgresql',
  alerts: [
    {
      alert: 'PostgresqlInstanceDown',
      severity: 'critical',
      expr: `max by (cluster, namespace, pod) (up{${JOB}} == 0 or ${CNPG_UP}{${JOB}} == 0)`,
      for: '5m',
      summary: 'A tenant PostgreSQL instance is down',
      description: `${where} has not served for 5 minutes (scrape failing or PostgreSQL not answering its instance manager). Check kubectl -n {{ $labels.namespace }} get cluster,pods and the pod's logs.`,
      metrics: { up: POSTGRESQL_METRICS_JOB, [CNPG_UP]: POSTGRESQL_METRICS_JOB },
      tests: [
        {
          name: 'fires when PostgreSQL stops answering for 5 minutes',
          series: {
            [`up{cluster="wc", namespace="team-a", pod="orders-1", ${JOB}}`]: '1x15',
            [`${CNPG_UP}{cluster="wc", namespace="team-a", pod="orders-1", ${JOB}}`]: '1 1 0x13',
            [`${CNPG_UP}{cluster="wc", namespace="team-a", pod="orders-2", ${JOB}}`]: '1x15',
          },
          at: '10m',
          fires: [
            {
              labels: { cluster: 'wc', namespace: 'team-a', pod: 'orders-1' },
              description:
                "PostgreSQL pod orders-1 in namespace team-a of cluster wc has not served for 5 minutes (scrape failing or PostgreSQL not answering its instance manager). Check kubectl -n team-a get cluster,pods and the pod's logs.",
            },
          ],
        },
        {
          name: 'stays quiet while every instance answers',
          series: {
            [`up{cluster="wc", namespace="team-a", pod="orders-1", ${JOB}}`]: '1x15',
            [`${CNPG_UP}{cluster="wc", namespace="team-a", pod="orders-1", ${JOB}}`]: '1x15',
          },
          at: '10m',
          fires: [],
        },
      ],
    },
    {
      alert: 'PostgresqlReplicationLag',
      severity: 'warning',
      expr: `max by (cluster, namespace, pod) (${CNPG_REPLICATION_LAG}{${JOB}}) > ${POSTGRESQL_LAG_SECONDS}`,
      for: '10m',
      summary: 'A tenant PostgreSQL replica lags behind its primary',
      description: `${where} replays {{ $value | humanizeDuration }} behind its primary (more than ${POSTGRESQL_LAG_SECONDS / 60} minutes, for 10 minutes): a failover now would lose that much. Check the replica's disk and network, and long-running queries on it.`,
      metrics: { [CNPG_REPLICATION_LAG]: POSTGRESQL_METRICS_JOB },
      tests: [
        {
          name: 'fires when a replica lags for 10 minutes',
          series: {
            [`${CNPG_REPLICATION_LAG}{cluster="wc", namespace="team-a", pod="orders-2", ${JOB}}`]: '600x20',
            [`${CNPG_REPLICATION_LAG}{cluster="wc", namespace="team-a", pod="orders-3", ${JOB}}`]: '1x20',
          },
          at: '15m',
          fires: [
            {
              labels: { cluster: 'wc', namespace: 'team-a', pod: 'orders-2' },
              description:
                "PostgreSQL pod orders-2 in namespace team-a of cluster wc replays 10m 0s behind its primary (more than 5 minutes, for 10 minutes): a failover now would lose that much. Check the replica's disk and network, and long-running queries on it.",
            },
          ],
        },
        {
          name: 'stays quiet for a short lag',
          series: { [`${CNPG_REPLICATION_LAG}{cluster="wc", namespace="team-a", pod="orders-2", ${JOB}}`]: '30x20' },
          at: '15m',
          fires: [],
        },
      ],
    },
    {
      alert: 'PostgresqlBackupFailed',
      severity: 'critical',
      expr: `max by (cluster, namespace, pod) (${BARMAN_LAST_FAILED_BACKUP}{${JOB}}) > max by (cluster, namespace, pod) (${BARMAN_LAST_BACKUP}{${JOB}})`,
      summary: 'The last backup of a tenant PostgreSQL failed',
      description: `The last base backup of ${where} failed after its last good one. Check kubectl -n {{ $labels.namespace }} get backups, the plugin-barman-cloud container's logs and the object storage key of the instance.`,
      metrics: { [BARMAN_LAST_FAILED_BACKUP]: POSTGRESQL_METRICS_JOB, [BARMAN_LAST_BACKUP]: POSTGRESQL_METRICS_JOB },
      tests: [
        {
          name: 'fires when the newest backup attempt failed',
          series: {
            [`${BARMAN_LAST_BACKUP}{cluster="wc", namespace="team-a", pod="orders-1", ${JOB}}`]: '1000x5',
            [`${BARMAN_LAST_FAILED_BACKUP}{cluster="wc", namespace="team-a", pod="orders-1", ${JOB}}`]: '0x2 2000x3',
          },
          at: '4m',
          fires: [
            {
              labels: { cluster: 'wc', namespace: 'team-a', pod: 'orders-1' },
              description:
                "The last base backup of PostgreSQL pod orders-1 in namespace team-a of cluster wc failed after its last good one. Check kubectl -n team-a get backups, the plugin-barman-cloud container's logs and the object storage key of the instance.",
            },
          ],
        },
        {
          name: 'stays quiet when a good backup followed the failed one',
          series: {
            [`${BARMAN_LAST_BACKUP}{cluster="wc", namespace="team-a", pod="orders-1", ${JOB}}`]: '3000x5',
            [`${BARMAN_LAST_FAILED_BACKUP}{cluster="wc", namespace="team-a", pod="orders-1", ${JOB}}`]: '2000x5',
          },
          at: '4m',
          fires: [],
        },
      ],
    },
  ],
};
