import { CLUSTER_MATCHER, type ComponentDashboard } from '@ck8s/core';
import { VELERO_ALERT_METRICS } from './velero-alerts.js';

// Velero 1.18's server metrics (pkg/metrics/metrics.go), per `schedule`; the storage location's per `backup_location_name`.
const SUCCESS = 'velero_backup_success_total';
const RESTORE_SUCCESS = 'velero_restore_success_total';
const RESTORE_FAILED = 'velero_restore_failed_total';
const RESTORE_PARTIAL = 'velero_restore_partial_failure_total';
const DURATION = 'velero_backup_duration_seconds_bucket';
const ITEM_ERRORS = 'velero_backup_items_errors';
const LOCATION = 'velero_backup_location_status_gauge';
const m = VELERO_ALERT_METRICS;
const C = CLUSTER_MATCHER;

/** Backups and restores per schedule: what ran, what failed, how old the newest good backup is, how long they take. */
export const VELERO_DASHBOARD: ComponentDashboard = {
  name: 'velero',
  title: 'Backups (Velero)',
  description: 'Velero backups and restores per cluster and schedule: results, age of the last successful backup, duration, storage location.',
  metrics: Object.fromEntries(
    [
      SUCCESS,
      m.backupFailures,
      m.backupPartialFailures,
      m.backupLastSuccess,
      DURATION,
      ITEM_ERRORS,
      LOCATION,
      RESTORE_SUCCESS,
      RESTORE_FAILED,
      RESTORE_PARTIAL,
    ].map((n) => [n, 'velero']),
  ),
  rows: [
    {
      title: 'Backups',
      panels: [
        {
          title: 'Backups by result',
          description:
            'Backups finished per hour and schedule, by result. Any failed or partially failed backup is a gap in recovery: see the BackupFailed runbook.',
          unit: 'short',
          queries: [
            { expr: `sum by (cluster, schedule) (increase(${SUCCESS}{${C}}[1h]))`, legend: '{{cluster}} {{schedule}} succeeded' },
            { expr: `sum by (cluster, schedule) (increase(${m.backupFailures}{${C}}[1h]))`, legend: '{{cluster}} {{schedule}} failed' },
            {
              expr: `sum by (cluster, schedule) (increase(${m.backupPartialFailures}{${C}}[1h]))`,
              legend: '{{cluster}} {{schedule}} partially failed',
            },
          ],
        },
        {
          title: 'Age of the last successful backup',
          description: 'Time since the newest successful backup of each schedule; a daily schedule older than 26 hours raises BackupMissing.',
          unit: 's',
          queries: [{ expr: `time() - max by (cluster, schedule) (${m.backupLastSuccess}{${C}, schedule!=""})`, legend: '{{cluster}} {{schedule}}' }],
        },
        {
          title: 'Backup duration (p50 over a day)',
          description: 'Median time a backup of each schedule took over the last day; a backup that grows slower nears the maintenance window.',
          unit: 's',
          queries: [
            { expr: `histogram_quantile(0.5, sum by (cluster, schedule, le) (increase(${DURATION}{${C}}[1d])))`, legend: '{{cluster}} {{schedule}}' },
          ],
        },
        {
          title: 'Items that failed in the last backup',
          description: 'Objects the last backup of each schedule could not save: non-zero means a partial backup.',
          unit: 'short',
          queries: [{ expr: `max by (cluster, schedule) (${ITEM_ERRORS}{${C}})`, legend: '{{cluster}} {{schedule}}' }],
        },
      ],
    },
    {
      title: 'Restores and storage',
      panels: [
        {
          title: 'Restores by result',
          description: 'Restores finished per hour, by result: the restore tests and real restores.',
          unit: 'short',
          queries: [
            { expr: `sum by (cluster) (increase(${RESTORE_SUCCESS}{${C}}[1h]))`, legend: '{{cluster}} succeeded' },
            { expr: `sum by (cluster) (increase(${RESTORE_FAILED}{${C}}[1h]))`, legend: '{{cluster}} failed' },
            { expr: `sum by (cluster) (increase(${RESTORE_PARTIAL}{${C}}[1h]))`, legend: '{{cluster}} partially failed' },
          ],
        },
        {
          title: 'Backup storage location available',
          description: '1 while Velero can reach the object storage of a backup location, 0 when it cannot: no backup is written then.',
          unit: 'short',
          queries: [{ expr: `max by (cluster, backup_location_name) (${LOCATION}{${C}})`, legend: '{{cluster}} {{backup_location_name}}' }],
        },
      ],
    },
  ],
};
