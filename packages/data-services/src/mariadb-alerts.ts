import type { ComponentAlertGroup } from '@ck8s/core';

/**
 * The scrape job of every MariaDB instance of a cluster: the operator's ServiceMonitor of each
 * instance takes its `job` from the metrics Service's MARIADB_JOB_LABEL, which the instance sets.
 */
export const MARIADB_METRICS_JOB = 'mariadb';

// mysqld_exporter v0.15.1 (the operator's exporter, one Deployment per instance that probes each
// pod: /probe?target=<pod>:3306, the pod's name in the `target` label). mysql_up is 1 while the
// exporter reaches the server; the wsrep_* status variables exist on Galera nodes only, and
// wsrep_cluster_status reads 1 for "Primary", 0 for "non-Primary" or "Disconnected".
export const MYSQL_UP = 'mysql_up';
export const WSREP_CLUSTER_SIZE = 'mysql_global_status_wsrep_cluster_size';
export const WSREP_CLUSTER_STATUS = 'mysql_global_status_wsrep_cluster_status';
export const WSREP_RECV_QUEUE = 'mysql_global_status_wsrep_local_recv_queue';
// kube-state-metrics: the replicas a StatefulSet asks for, and the backup CronJob's Jobs
const STATEFULSET_REPLICAS = 'kube_statefulset_replicas';
const JOB_FAILED = 'kube_job_status_failed';
const JOB_START_TIME = 'kube_job_status_start_time';
const CRONJOB_LAST_SUCCESS = 'kube_cronjob_status_last_successful_time';

/** Suffix of an instance's backup (a `Backup` with a schedule: a CronJob of that name, Jobs `<cronjob>-<n>`). */
export const MARIADB_BACKUP_SUFFIX = '-mariadb-backup';

/** Write-sets waiting to be applied on a node that warn: the node applies slower than the cluster commits. */
export const MARIADB_RECV_QUEUE = 100;

const JOB = `job="${MARIADB_METRICS_JOB}"`;
const where = 'MariaDB pod {{ $labels.target }} in namespace {{ $labels.namespace }} of cluster {{ $labels.cluster }}';
const BACKUP_JOBS = `job_name=~".+${MARIADB_BACKUP_SUFFIX}-[0-9]+"`;
/** Start time of each failed backup Job, by its CronJob. */
const FAILED_BACKUP_START = `max by (cluster, namespace, cronjob) (label_replace(${JOB_START_TIME}{${BACKUP_JOBS}} and on (cluster, namespace, job_name) (${JOB_FAILED}{${BACKUP_JOBS}} > 0), "cronjob", "$1", "job_name", "(.+)-[0-9]+"))`;
const LAST_BACKUP = `max by (cluster, namespace, cronjob) (${CRONJOB_LAST_SUCCESS}{cronjob=~".+${MARIADB_BACKUP_SUFFIX}"})`;

/** The alerts of every tenant's MariaDB (one group, declared alike by each instance). */
export const MARIADB_ALERTS: ComponentAlertGroup = {
  name: 'mariadb',
  alerts: [
    {
      alert: 'MariadbInstanceDown',
      severity: 'critical',
      expr: `max by (cluster, namespace, target) (${MYSQL_UP}{${JOB}}) == 0`,
      for: '5m',
      summary: 'A tenant MariaDB server is down',
      description: `${where} has not answered its exporter for 5 minutes. Check kubectl -n {{ $labels.namespace }} get mariadb,pods and the pod's mariadb and agent logs.`,
      metrics: { [MYSQL_UP]: MARIADB_METRICS_JOB },
      tests: [
        {
          name: 'fires when a server stops answering for 5 minutes',
          series: {
            [`${MYSQL_UP}{cluster="wc", namespace="team-a", target="legacy-1", ${JOB}}`]: '1 1 0x13',
            [`${MYSQL_UP}{cluster="wc", namespace="team-a", target="legacy-0", ${JOB}}`]: '1x15',
          },
          at: '10m',
          fires: [
            {
              labels: { cluster: 'wc', namespace: 'team-a', target: 'legacy-1' },
              description:
                "MariaDB pod legacy-1 in namespace team-a of cluster wc has not answered its exporter for 5 minutes. Check kubectl -n team-a get mariadb,pods and the pod's mariadb and agent logs.",
            },
          ],
        },
        {
          name: 'stays quiet while every server answers',
          series: { [`${MYSQL_UP}{cluster="wc", namespace="team-a", target="legacy-0", ${JOB}}`]: '1x15' },
          at: '10m',
          fires: [],
        },
      ],
    },
    {
      alert: 'MariadbGaleraNotPrimary',
      severity: 'critical',
      expr: `max by (cluster, namespace, target) (${WSREP_CLUSTER_STATUS}{${JOB}}) == 0`,
      for: '2m',
      summary: 'A tenant MariaDB Galera node is outside the primary component',
      description: `${where} is not part of the Galera primary component (it lost quorum or is disconnected) and refuses writes. Check kubectl -n {{ $labels.namespace }} get mariadb (the Galera status conditions), the agent logs, and whether a network partition or a majority of down pods caused it.`,
      metrics: { [WSREP_CLUSTER_STATUS]: MARIADB_METRICS_JOB },
      tests: [
        {
          name: 'fires when a node leaves the primary component',
          series: {
            [`${WSREP_CLUSTER_STATUS}{cluster="wc", namespace="team-a", target="legacy-2", ${JOB}}`]: '1 0x10',
            [`${WSREP_CLUSTER_STATUS}{cluster="wc", namespace="team-a", target="legacy-0", ${JOB}}`]: '1x10',
          },
          at: '5m',
          fires: [
            {
              labels: { cluster: 'wc', namespace: 'team-a', target: 'legacy-2' },
              description:
                'MariaDB pod legacy-2 in namespace team-a of cluster wc is not part of the Galera primary component (it lost quorum or is disconnected) and refuses writes. Check kubectl -n team-a get mariadb (the Galera status conditions), the agent logs, and whether a network partition or a majority of down pods caused it.',
            },
          ],
        },
        {
          name: 'stays quiet while every node is primary',
          series: { [`${WSREP_CLUSTER_STATUS}{cluster="wc", namespace="team-a", target="legacy-0", ${JOB}}`]: '1x10' },
          at: '5m',
          fires: [],
        },
      ],
    },
    {
      alert: 'MariadbGaleraClusterIncomplete',
      severity: 'warning',
      // the exporter's Service is `<instance>-metrics`, the StatefulSet `<instance>`
      expr: `min by (cluster, namespace, statefulset) (label_replace(${WSREP_CLUSTER_SIZE}{${JOB}}, "statefulset", "$1", "service", "(.+)-metrics")) < max by (cluster, namespace, statefulset) (${STATEFULSET_REPLICAS})`,
      for: '10m',
      summary: 'A tenant MariaDB Galera cluster runs with fewer nodes than it has',
      description:
        'MariaDB {{ $labels.namespace }}/{{ $labels.statefulset }} in cluster {{ $labels.cluster }} has {{ $value }} Galera nodes joined, fewer than its replicas, for 10 minutes: one more failure can cost the quorum. Check kubectl -n {{ $labels.namespace }} get mariadb,pods and the logs of the pod that does not join (state transfer, disk, memory).',
      metrics: { [WSREP_CLUSTER_SIZE]: MARIADB_METRICS_JOB, [STATEFULSET_REPLICAS]: 'kube-state-metrics' },
      tests: [
        {
          name: 'fires when a node stays out of the cluster',
          series: {
            [`${WSREP_CLUSTER_SIZE}{cluster="wc", namespace="team-a", service="legacy-metrics", target="legacy-0", ${JOB}}`]: '2x20',
            [`${WSREP_CLUSTER_SIZE}{cluster="wc", namespace="team-a", service="legacy-metrics", target="legacy-1", ${JOB}}`]: '2x20',
            [`${STATEFULSET_REPLICAS}{cluster="wc", namespace="team-a", statefulset="legacy", job="kube-state-metrics"}`]: '3x20',
          },
          at: '15m',
          fires: [
            {
              labels: { cluster: 'wc', namespace: 'team-a', statefulset: 'legacy' },
              description:
                'MariaDB team-a/legacy in cluster wc has 2 Galera nodes joined, fewer than its replicas, for 10 minutes: one more failure can cost the quorum. Check kubectl -n team-a get mariadb,pods and the logs of the pod that does not join (state transfer, disk, memory).',
            },
          ],
        },
        {
          name: 'stays quiet while every node has joined',
          series: {
            [`${WSREP_CLUSTER_SIZE}{cluster="wc", namespace="team-a", service="legacy-metrics", target="legacy-0", ${JOB}}`]: '3x20',
            [`${STATEFULSET_REPLICAS}{cluster="wc", namespace="team-a", statefulset="legacy", job="kube-state-metrics"}`]: '3x20',
          },
          at: '15m',
          fires: [],
        },
      ],
    },
    {
      alert: 'MariadbGaleraReplicationLag',
      severity: 'warning',
      expr: `max by (cluster, namespace, target) (${WSREP_RECV_QUEUE}{${JOB}}) > ${MARIADB_RECV_QUEUE}`,
      for: '10m',
      summary: 'A tenant MariaDB Galera node applies writes behind the cluster',
      description: `${where} has {{ $value }} write-sets waiting to be applied (more than ${MARIADB_RECV_QUEUE}, for 10 minutes): reads there are stale and flow control slows every write of the cluster. Check the node's CPU, disk and memory limits, and long transactions.`,
      metrics: { [WSREP_RECV_QUEUE]: MARIADB_METRICS_JOB },
      tests: [
        {
          name: 'fires when a node falls behind for 10 minutes',
          series: {
            [`${WSREP_RECV_QUEUE}{cluster="wc", namespace="team-a", target="legacy-1", ${JOB}}`]: '500x20',
            [`${WSREP_RECV_QUEUE}{cluster="wc", namespace="team-a", target="legacy-0", ${JOB}}`]: '0x20',
          },
          at: '15m',
          fires: [
            {
              labels: { cluster: 'wc', namespace: 'team-a', target: 'legacy-1' },
              description:
                "MariaDB pod legacy-1 in namespace team-a of cluster wc has 500 write-sets waiting to be applied (more than 100, for 10 minutes): reads there are stale and flow control slows every write of the cluster. Check the node's CPU, disk and memory limits, and long transactions.",
            },
          ],
        },
        {
          name: 'stays quiet for a short queue',
          series: { [`${WSREP_RECV_QUEUE}{cluster="wc", namespace="team-a", target="legacy-1", ${JOB}}`]: '3x20' },
          at: '15m',
          fires: [],
        },
      ],
    },
    {
      alert: 'MariadbBackupFailed',
      severity: 'critical',
      // a failed backup Job newer than the last good one (or with none good yet)
      expr: `${FAILED_BACKUP_START} > ${LAST_BACKUP} or (${FAILED_BACKUP_START} unless on (cluster, namespace, cronjob) ${LAST_BACKUP})`,
      summary: 'The last backup of a tenant MariaDB failed',
      description:
        'The backup {{ $labels.namespace }}/{{ $labels.cronjob }} in cluster {{ $labels.cluster }} failed after its last good run. Check kubectl -n {{ $labels.namespace }} get backups,jobs, the logs of the failed Job (containers mariadb and mariadb-operator) and the object storage key of the instance.',
      metrics: {
        [JOB_START_TIME]: 'kube-state-metrics',
        [JOB_FAILED]: 'kube-state-metrics',
        [CRONJOB_LAST_SUCCESS]: 'kube-state-metrics',
      },
      tests: [
        {
          name: 'fires when the newest backup Job failed',
          series: {
            [`${JOB_START_TIME}{cluster="wc", namespace="team-a", job_name="legacy${MARIADB_BACKUP_SUFFIX}-29400000", job="kube-state-metrics"}`]:
              '2000x5',
            [`${JOB_FAILED}{cluster="wc", namespace="team-a", job_name="legacy${MARIADB_BACKUP_SUFFIX}-29400000", job="kube-state-metrics"}`]:
              '0 1x4',
            [`${CRONJOB_LAST_SUCCESS}{cluster="wc", namespace="team-a", cronjob="legacy${MARIADB_BACKUP_SUFFIX}", job="kube-state-metrics"}`]:
              '1000x5',
          },
          at: '3m',
          fires: [
            {
              labels: { cluster: 'wc', namespace: 'team-a', cronjob: `legacy${MARIADB_BACKUP_SUFFIX}` },
              description: `The backup team-a/legacy${MARIADB_BACKUP_SUFFIX} in cluster wc failed after its last good run. Check kubectl -n team-a get backups,jobs, the logs of the failed Job (containers mariadb and mariadb-operator) and the object storage key of the instance.`,
            },
          ],
        },
        {
          name: 'fires when the first backup Job failed',
          series: {
            [`${JOB_START_TIME}{cluster="wc", namespace="team-a", job_name="legacy${MARIADB_BACKUP_SUFFIX}-29400000", job="kube-state-metrics"}`]:
              '2000x5',
            [`${JOB_FAILED}{cluster="wc", namespace="team-a", job_name="legacy${MARIADB_BACKUP_SUFFIX}-29400000", job="kube-state-metrics"}`]: '1x5',
          },
          at: '3m',
          fires: [
            {
              labels: { cluster: 'wc', namespace: 'team-a', cronjob: `legacy${MARIADB_BACKUP_SUFFIX}` },
              description: `The backup team-a/legacy${MARIADB_BACKUP_SUFFIX} in cluster wc failed after its last good run. Check kubectl -n team-a get backups,jobs, the logs of the failed Job (containers mariadb and mariadb-operator) and the object storage key of the instance.`,
            },
          ],
        },
        {
          name: 'stays quiet when a good backup followed the failed one',
          series: {
            [`${JOB_START_TIME}{cluster="wc", namespace="team-a", job_name="legacy${MARIADB_BACKUP_SUFFIX}-29400000", job="kube-state-metrics"}`]:
              '2000x5',
            [`${JOB_FAILED}{cluster="wc", namespace="team-a", job_name="legacy${MARIADB_BACKUP_SUFFIX}-29400000", job="kube-state-metrics"}`]: '1x5',
            [`${CRONJOB_LAST_SUCCESS}{cluster="wc", namespace="team-a", cronjob="legacy${MARIADB_BACKUP_SUFFIX}", job="kube-state-metrics"}`]:
              '3000x5',
          },
          at: '3m',
          fires: [],
        },
      ],
    },
  ],
};
