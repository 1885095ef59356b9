import type { ComponentAlertGroup } from '@ck8s/core';
import { DATABASE_DUMP_JOB } from './database-dump.js';
import { REGISTRY_NAMESPACE } from './registry-endpoints.js';

/** kube-state-metrics: a CronJob's last successful run, and its Jobs' failed pods and start. */
export const DATABASE_DUMP_ALERT_METRICS = {
  cronJobLastSuccess: 'kube_cronjob_status_last_successful_time',
  jobFailed: 'kube_job_status_failed',
  jobStartTime: 'kube_job_status_start_time',
} as const;

/** How old the newest dump may be: a daily dump plus two hours of slack (as Velero's backups). */
export const DATABASE_DUMP_MAX_AGE_HOURS = 26;

const m = DATABASE_DUMP_ALERT_METRICS;
const ksm = 'kube-state-metrics';
const jobs = `namespace="${REGISTRY_NAMESPACE}", job_name=~"${DATABASE_DUMP_JOB}-.*"`;

/** The alerts of the registry's daily database dump: the registry's projects, robots and scan results live only there. */
export const DATABASE_DUMP_ALERTS: ComponentAlertGroup = {
  name: 'registry-database-dump',
  alerts: [
    {
      alert: 'DatabaseDumpFailed',
      severity: 'critical',
      expr: `max by (cluster, job_name) ((${m.jobFailed}{${jobs}} > 0) and on (cluster, namespace, job_name) (time() - ${m.jobStartTime}{${jobs}} < 86400))`,
      summary: 'A registry database dump failed',
      description: `Job {{ $labels.job_name }} in cluster {{ $labels.cluster }} failed to dump Harbor's database to object storage in the last day (kubectl -n ${REGISTRY_NAMESPACE} logs job/{{ $labels.job_name }} --all-containers).`,
      metrics: { [m.jobFailed]: ksm, [m.jobStartTime]: ksm },
      tests: [
        {
          name: 'fires for a dump job that failed today',
          series: {
            [`${m.jobFailed}{cluster="sc", namespace="harbor", job_name="harbor-database-dump-29000000"}`]: '1x10',
            [`${m.jobStartTime}{cluster="sc", namespace="harbor", job_name="harbor-database-dump-29000000"}`]: '0x10',
          },
          at: '10m',
          fires: [
            {
              labels: { cluster: 'sc', job_name: 'harbor-database-dump-29000000' },
              description:
                "Job harbor-database-dump-29000000 in cluster sc failed to dump Harbor's database to object storage in the last day (kubectl -n harbor logs job/harbor-database-dump-29000000 --all-containers).",
            },
          ],
        },
        {
          name: 'stays quiet for a job without failed pods',
          series: {
            [`${m.jobFailed}{cluster="sc", namespace="harbor", job_name="harbor-database-dump-29000000"}`]: '0x10',
            [`${m.jobStartTime}{cluster="sc", namespace="harbor", job_name="harbor-database-dump-29000000"}`]: '0x10',
          },
          at: '10m',
          fires: [],
        },
      ],
    },
    {
      alert: 'DatabaseDumpMissing',
      severity: 'critical',
      expr: `time() - max by (cluster) (${m.cronJobLastSuccess}{namespace="${REGISTRY_NAMESPACE}", cronjob="${DATABASE_DUMP_JOB}"}) > ${DATABASE_DUMP_MAX_AGE_HOURS} * 3600`,
      summary: `No registry database dump for ${DATABASE_DUMP_MAX_AGE_HOURS} hours`,
      description: "The last successful dump of Harbor's database in cluster {{ $labels.cluster }} is {{ $value | humanizeDuration }} old.",
      metrics: { [m.cronJobLastSuccess]: ksm },
      tests: [
        {
          name: 'fires when the last dump is 27 hours old',
          series: { [`${m.cronJobLastSuccess}{cluster="sc", namespace="harbor", cronjob="harbor-database-dump"}`]: '0x30' },
          interval: '1h',
          at: '27h',
          fires: [{ labels: { cluster: 'sc' }, description: "The last successful dump of Harbor's database in cluster sc is 1d 3h 0m 0s old." }],
        },
        {
          name: 'stays quiet within 26 hours',
          series: { [`${m.cronJobLastSuccess}{cluster="sc", namespace="harbor", cronjob="harbor-database-dump"}`]: '0x30' },
          interval: '1h',
          at: '25h',
          fires: [],
        },
      ],
    },
  ],
};
