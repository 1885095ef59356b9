import { type ComponentAlert, type ComponentAlertGroup, PLATFORM_NAMESPACES } from '@ck8s/core';

/** Velero server and node agent counters (port 8085, both scraped through the `velero` endpoint), per `schedule` or `node`. */
export const VELERO_ALERT_METRICS = {
  backupFailures: 'velero_backup_failure_total',
  backupLastSuccess: 'velero_backup_last_successful_timestamp',
  /** Backups that finished PartiallyFailed (a pod volume or an item could not be backed up). */
  backupPartialFailures: 'velero_backup_partial_failure_total',
  /** Node agent: pod volume backups completed (file-system backup). */
  podVolumeBackupsCompleted: 'podVolume_pod_volume_backup_dequeue_count',
  /** Node agent: CSI snapshot data uploads done and failed (snapshot data movement). */
  dataUploadSuccesses: 'podVolume_data_upload_success_total',
  dataUploadFailures: 'podVolume_data_upload_failure_total',
  /** kube-state-metrics: DaemonSet pods wanted and available (the node agent). */
  daemonSetDesired: 'kube_daemonset_status_desired_number_scheduled',
  daemonSetAvailable: 'kube_daemonset_status_number_available',
} as const;

/** How long the newest successful backup of a schedule may be: a daily schedule plus two hours of slack. */
export const BACKUP_MAX_AGE_HOURS = 26;

/** The Velero node agent DaemonSet: one pod per node copies that node's pod volumes. */
export const NODE_AGENT = { namespace: PLATFORM_NAMESPACES.backup, daemonSet: 'node-agent' } as const;

const m = VELERO_ALERT_METRICS;
const velero = (...names: string[]): Record<string, string> => Object.fromEntries(names.map((n) => [n, 'velero']));

/**
 * A cluster whose node agents completed volume backups in the last week but none in the last
 * BACKUP_MAX_AGE_HOURS has stopped backing up volume data (a cluster without volumes never alerts).
 */
function stoppedIn(metric: string): string {
  return `((sum by (cluster) (increase(${metric}[7d])) > 0) unless (sum by (cluster) (increase(${metric}[${BACKUP_MAX_AGE_HOURS}h])) > 0))`;
}

const ALERTS: ComponentAlert[] = [
  {
    alert: 'BackupFailed',
    severity: 'critical',
    expr: `sum by (cluster, schedule) (increase(${m.backupFailures}[1h])) > 0`,
    summary: 'A backup failed',
    description: 'A backup of schedule {{ $labels.schedule }} in cluster {{ $labels.cluster }} failed in the last hour.',
    metrics: velero(m.backupFailures),
    tests: [
      {
        name: 'fires after a failed backup',
        series: { [`${m.backupFailures}{cluster="sc", schedule="daily"}`]: '0x5 1x10' },
        at: '10m',
        fires: [{ labels: { cluster: 'sc', schedule: 'daily' }, description: 'A backup of schedule daily in cluster sc failed in the last hour.' }],
      },
      { name: 'stays quiet without failures', series: { [`${m.backupFailures}{cluster="sc", schedule="daily"}`]: '0x15' }, at: '10m', fires: [] },
    ],
  },
  {
    alert: 'BackupMissing',
    severity: 'critical',
    expr: `time() - max by (cluster, schedule) (${m.backupLastSuccess}{schedule!=""}) > ${BACKUP_MAX_AGE_HOURS} * 3600`,
    summary: `No successful backup for ${BACKUP_MAX_AGE_HOURS} hours`,
    description:
      'The last successful backup of schedule {{ $labels.schedule }} in cluster {{ $labels.cluster }} is {{ $value | humanizeDuration }} old.',
    metrics: velero(m.backupLastSuccess),
    tests: [
      {
        name: 'fires when the last success is 27 hours old',
        series: { [`${m.backupLastSuccess}{cluster="sc", schedule="daily"}`]: '0x30' },
        interval: '1h',
        at: '27h',
        fires: [
          {
            labels: { cluster: 'sc', schedule: 'daily' },
            description: 'The last successful backup of schedule daily in cluster sc is 1d 3h 0m 0s old.',
          },
        ],
      },
      {
        name: 'stays quiet within 26 hours',
        series: { [`${m.backupLastSuccess}{cluster="sc", schedule="daily"}`]: '0x30' },
        interval: '1h',
        at: '25h',
        fires: [],
      },
    ],
  },
  {
    alert: 'VolumeBackupFailed',
    severity: 'critical',
    expr: `sum by (cluster, schedule) (increase(${m.backupPartialFailures}[1h])) > 0 or sum by (cluster, node) (increase(${m.dataUploadFailures}[1h])) > 0`,
    summary: 'A volume backup failed',
    description:
      'A backup in cluster {{ $labels.cluster }} finished partially failed (schedule {{ $labels.schedule }}) or a snapshot data upload failed (node {{ $labels.node }}) in the last hour: the data of some volumes is not in it (velero backup describe --details).',
    metrics: velero(m.backupPartialFailures, m.dataUploadFailures),
    tests: [
      {
        name: 'fires after a partially failed backup',
        series: { [`${m.backupPartialFailures}{cluster="sc", schedule="daily"}`]: '0x5 1x10' },
        at: '10m',
        fires: [
          {
            labels: { cluster: 'sc', schedule: 'daily' },
            description:
              'A backup in cluster sc finished partially failed (schedule daily) or a snapshot data upload failed (node ) in the last hour: the data of some volumes is not in it (velero backup describe --details).',
          },
        ],
      },
      {
        name: 'fires after a failed snapshot data upload',
        series: { [`${m.dataUploadFailures}{cluster="sc", node="node-1"}`]: '0x5 1x10' },
        at: '10m',
        fires: [
          {
            labels: { cluster: 'sc', node: 'node-1' },
            description:
              'A backup in cluster sc finished partially failed (schedule ) or a snapshot data upload failed (node node-1) in the last hour: the data of some volumes is not in it (velero backup describe --details).',
          },
        ],
      },
      {
        name: 'stays quiet without failures',
        series: { [`${m.backupPartialFailures}{cluster="sc", schedule="daily"}`]: '0x15' },
        at: '10m',
        fires: [],
      },
    ],
  },
  {
    alert: 'VolumeBackupMissing',
    severity: 'critical',
    expr: `${stoppedIn(m.podVolumeBackupsCompleted)} or ${stoppedIn(m.dataUploadSuccesses)}`,
    summary: `No volume backup for ${BACKUP_MAX_AGE_HOURS} hours`,
    description: `The node agents in cluster {{ $labels.cluster }} backed up volumes during the last week but completed none in the last ${BACKUP_MAX_AGE_HOURS} hours.`,
    metrics: velero(m.podVolumeBackupsCompleted, m.dataUploadSuccesses),
    tests: [
      {
        name: 'fires when volume backups stopped 45 hours ago',
        series: { [`${m.podVolumeBackupsCompleted}{cluster="sc", node="node-1"}`]: '0 1 2 3x60' },
        interval: '1h',
        at: '48h',
        fires: [
          {
            labels: { cluster: 'sc' },
            description: 'The node agents in cluster sc backed up volumes during the last week but completed none in the last 26 hours.',
          },
        ],
      },
      {
        name: 'stays quiet within 26 hours of the last one',
        series: { [`${m.podVolumeBackupsCompleted}{cluster="sc", node="node-1"}`]: '0 1 2 3x60' },
        interval: '1h',
        at: '20h',
        fires: [],
      },
    ],
  },
  {
    alert: 'BackupNodeAgentDown',
    severity: 'critical',
    expr: `max by (cluster) (${m.daemonSetDesired}{namespace="${NODE_AGENT.namespace}", daemonset="${NODE_AGENT.daemonSet}"} - ${m.daemonSetAvailable}{namespace="${NODE_AGENT.namespace}", daemonset="${NODE_AGENT.daemonSet}"}) > 0`,
    for: '15m',
    summary: 'A Velero node agent is down',
    description:
      '{{ $value }} node(s) in cluster {{ $labels.cluster }} have had no available Velero node agent for 15 minutes: the volumes of their pods are not backed up.',
    metrics: { [m.daemonSetDesired]: 'kube-state-metrics', [m.daemonSetAvailable]: 'kube-state-metrics' },
    tests: [
      {
        name: 'fires when a node has no node agent for 15 minutes',
        series: {
          [`${m.daemonSetDesired}{cluster="sc", namespace="velero", daemonset="node-agent"}`]: '3x20',
          [`${m.daemonSetAvailable}{cluster="sc", namespace="velero", daemonset="node-agent"}`]: '2x20',
        },
        at: '17m',
        fires: [
          {
            labels: { cluster: 'sc' },
            description:
              '1 node(s) in cluster sc have had no available Velero node agent for 15 minutes: the volumes of their pods are not backed up.',
          },
        ],
      },
      {
        name: 'stays quiet when every node has one',
        series: {
          [`${m.daemonSetDesired}{cluster="sc", namespace="velero", daemonset="node-agent"}`]: '3x20',
          [`${m.daemonSetAvailable}{cluster="sc", namespace="velero", daemonset="node-agent"}`]: '3x20',
        },
        at: '17m',
        fires: [],
      },
    ],
  },
];

/** Velero's alerts: a failed or missing backup, of objects or of volume data, and a node agent down. */
export const VELERO_ALERTS: ComponentAlertGroup = { name: 'backups', alerts: ALERTS };
