import { FLUX_RESOURCE_INFO } from './flux-resource-metrics.js';
import type { AlertingRule, RuleGroup } from './prometheus-rule.js';

/**
 * The metrics the platform alerts read, by exporter. A renamed metric silently disables an alert,
 * so every name the rules use is listed here (and a test checks the rules use no other).
 */
export const PLATFORM_ALERT_METRICS = {
  /** Prometheus: 1 when the last scrape of a target succeeded. */
  up: 'up',
  /** kube-state-metrics custom resource state (see fluxResourceStateConfig). */
  fluxResourceInfo: FLUX_RESOURCE_INFO,
  /** cert-manager controller (port 9402). */
  certificateExpiry: 'certmanager_certificate_expiration_timestamp_seconds',
  certificateReady: 'certmanager_certificate_ready_status',
  /** Velero server (port 8085), per `schedule`. */
  backupFailures: 'velero_backup_failure_total',
  backupLastSuccess: 'velero_backup_last_successful_timestamp',
  /** Velero server: backups that finished PartiallyFailed (a pod volume or an item could not be backed up), per `schedule`. */
  backupPartialFailures: 'velero_backup_partial_failure_total',
  /** Velero node agent (port 8085), per `node`: pod volume backups completed (file-system backup). */
  podVolumeBackupsCompleted: 'podVolume_pod_volume_backup_dequeue_count',
  /** Velero node agent, per `node`: CSI snapshot data uploads done and failed (snapshot data movement). */
  dataUploadSuccesses: 'podVolume_data_upload_success_total',
  dataUploadFailures: 'podVolume_data_upload_failure_total',
  /** kube-state-metrics: DaemonSet pods wanted and available (the Velero node agent). */
  daemonSetDesired: 'kube_daemonset_status_desired_number_scheduled',
  daemonSetAvailable: 'kube_daemonset_status_number_available',
  /** kube-state-metrics: a CronJob's last successful run, and its Jobs' failed pods and start (the registry database dump). */
  cronJobLastSuccess: 'kube_cronjob_status_last_successful_time',
  jobFailed: 'kube_job_status_failed',
  jobStartTime: 'kube_job_status_start_time',
  /**
   * prometheus-elasticsearch-exporter's snapshots collector on the log store, per `repository`: the
   * start of the newest SUCCESS or PARTIAL snapshot (0 when there is none), and the newest
   * snapshot's failed shards, labelled with its `state` (SUCCESS, PARTIAL, FAILED, IN_PROGRESS, INCOMPATIBLE).
   */
  snapshotLatestSuccess: 'elasticsearch_snapshot_stats_latest_snapshot_timestamp_seconds',
  snapshotFailedShards: 'elasticsearch_snapshot_stats_snapshot_failed_shards',
  /** The exporter, per `collector`: 0 when the last scrape of the cluster failed (no rights, unreachable). */
  exporterScrapeSuccess: 'elasticsearch_scrape_success',
  /** Falco's own Prometheus metrics (port 8765, `metrics.enabled`), per rule and numeric priority. */
  falcoRuleMatches: 'falcosecurity_falco_rules_matches_total',
  /** Fluent Bit (port 2020), per output `name`. */
  logRecordsSent: 'fluentbit_output_proc_records_total',
  logRetriesFailed: 'fluentbit_output_retries_failed_total',
  logOutputErrors: 'fluentbit_output_errors_total',
  logOutputRetries: 'fluentbit_output_retries_total',
  logRecordsDropped: 'fluentbit_output_dropped_records_total',
  /** Fluent Bit, per input `name` (its alias). */
  logRecordsRead: 'fluentbit_input_records_total',
  /** node-exporter. */
  filesystemAvailable: 'node_filesystem_avail_bytes',
} as const;

/**
 * Namespaces whose scrape targets are platform components besides the components' own: Kubernetes'.
 * The GitOps engines' (flux-system, argocd) come with `namespaces`, as the clusters reporting here
 * run them: a namespace of the other engine's name is a tenant's.
 */
export const SYSTEM_TARGET_NAMESPACES: readonly string[] = ['kube-system'];

export interface PlatformAlertGroupsProps {
  /** The workload clusters that write their metrics to this service cluster. */
  readonly workloadClusters: readonly string[];
  /** Namespaces of the platform's components and of the GitOps engines of the clusters reporting here, whose targets must be up (Kubernetes' is added). */
  readonly namespaces: readonly string[];
  /** The log store's snapshot repository, when it takes daily snapshots: its snapshots must succeed. @default none */
  readonly logSnapshotRepository?: string;
}

/**
 * Falco priorities as Falco numbers them in its metrics (0 emergency ... 7 debug): warning and
 * above are 0-4; emergency, alert and critical 0-2.
 */
export const FALCO_PRIORITY = { critical: '[0-2]', warningOrWorse: '[0-4]', warningOrError: '[34]' } as const;

/** How long the newest successful backup of a schedule may be: a daily schedule plus two hours of slack. */
export const BACKUP_MAX_AGE_HOURS = 26;

/** The Velero node agent DaemonSet (velero chart, namespace velero): one pod per node copies that node's pod volumes. */
export const NODE_AGENT = { namespace: 'velero', daemonSet: 'node-agent' } as const;

/** The CronJob that dumps the registry's database to object storage (registry package, namespace harbor). */
export const DATABASE_DUMP = { namespace: 'harbor', cronJob: 'harbor-database-dump' } as const;

/**
 * A cluster whose node agents completed volume backups in the last week but none in the last
 * BACKUP_MAX_AGE_HOURS has stopped backing up volume data (a cluster without volumes never alerts).
 */
function stoppedIn(metric: string): string {
  return `((sum by (cluster) (increase(${metric}[7d])) > 0) unless (sum by (cluster) (increase(${metric}[${BACKUP_MAX_AGE_HOURS}h])) > 0))`;
}

/**
 * The log store's snapshots: the newest one failed (FAILED, or PARTIAL with failed shards), none
 * succeeded for BACKUP_MAX_AGE_HOURS, or the exporter cannot read them (then neither of the others
 * could fire; an exporter that is down is PlatformTargetDown).
 */
function logSnapshotAlerts(repository: string): AlertingRule[] {
  const m = PLATFORM_ALERT_METRICS;
  const repo = `repository="${repository}"`;
  return [
    alert(
      'LogSnapshotFailed',
      'critical',
      `count by (cluster, repository, state) (${m.snapshotFailedShards}{${repo}, state=~"FAILED|PARTIAL|INCOMPATIBLE"}) > 0`,
      undefined,
      'A log store snapshot failed',
      `The newest snapshot in repository {{ $labels.repository }} ${IN_CLUSTER} ended {{ $labels.state }}: logs and audit logs are not all in object storage (GET _snapshot/{{ $labels.repository }}/_all; GET _plugins/_sm/policies/ck8s-daily-snapshot/_explain).`,
    ),
    alert(
      'LogSnapshotMissing',
      'critical',
      `time() - max by (cluster, repository) (${m.snapshotLatestSuccess}{${repo}}) > ${BACKUP_MAX_AGE_HOURS} * 3600`,
      undefined,
      `No log store snapshot for ${BACKUP_MAX_AGE_HOURS} hours`,
      `The newest successful snapshot in repository {{ $labels.repository }} ${IN_CLUSTER} is {{ $value | humanizeDuration }} old (or there is none): check the snapshot policy with GET _plugins/_sm/policies/ck8s-daily-snapshot/_explain.`,
    ),
    alert(
      'LogSnapshotStateUnknown',
      'critical',
      // the collector fails, or it runs but the repository is not among the cluster's (the policies script has not run)
      `max by (cluster, pod) (${m.exporterScrapeSuccess}{collector="snapshots"} == 0) or (count by (cluster) (${m.exporterScrapeSuccess}{collector="snapshots"}) unless count by (cluster) (${m.snapshotLatestSuccess}{${repo}}))`,
      '1h',
      'The state of the log store snapshots is unknown',
      `The snapshot exporter ${IN_CLUSTER} has not read repository ${repository} for an hour (the log store is unreachable, the account opensearch/opensearch-snapshot-exporter-account is refused, or the repository does not exist yet: run the policies script): a failed or missing snapshot would not alert.`,
    ),
  ];
}

/** How far ahead certificate expiry is reported. cert-manager renews at two thirds of the lifetime (30 days before for Let's Encrypt). */
export const CERTIFICATE_EXPIRY_DAYS = 14;

/**
 * Alias of Fluent Bit's s3 output that archives audit logs and Falco events, and of the audit log's
 * input (@ck8s/logging's AUDIT_ARCHIVE_OUTPUT and the tail input's alias; the metrics' `name` label).
 */
export const AUDIT_ARCHIVE_OUTPUT_NAME = 'audit-archive';
const AUDIT_INPUT_NAME = 'audit';

/** Where the cluster is named in every description, from the `cluster` label every series carries. */
const IN_CLUSTER = 'in cluster {{ $labels.cluster }}';

function alert(
  name: string,
  severity: AlertingRule['labels']['severity'],
  expr: string,
  forDuration: string | undefined,
  summary: string,
  description: string,
): AlertingRule {
  return { alert: name, expr, ...(forDuration ? { for: forDuration } : {}), labels: { severity }, annotations: { summary, description } };
}

/**
 * The platform's alert groups, evaluated in the service cluster on its own series and on those
 * its workload clusters write to it. Every aggregation keeps the `cluster` label, so an alert
 * names the cluster it is about and Alertmanager groups by it.
 */
export function platformAlertGroups(props: PlatformAlertGroupsProps): RuleGroup[] {
  const m = PLATFORM_ALERT_METRICS;
  const workloadClusters = [...props.workloadClusters].sort();
  const namespaces = [...new Set([...SYSTEM_TARGET_NAMESPACES, ...props.namespaces])].sort().join('|');
  return [
    {
      name: 'platform-components',
      rules: [
        alert(
          'PlatformTargetDown',
          'warning',
          `${m.up}{namespace=~"${namespaces}"} == 0 or ${m.up}{job="apiserver"} == 0`,
          '10m',
          'A platform component cannot be scraped',
          `{{ $labels.job }} ({{ $labels.namespace }}/{{ $labels.pod }}, {{ $labels.instance }}) ${IN_CLUSTER} has been down or unreachable for 10 minutes.`,
        ),
        ...workloadClusters.map((name) =>
          alert(
            'ClusterMetricsMissing',
            'critical',
            `absent_over_time(${m.up}{cluster="${name}"}[10m])`,
            undefined,
            `No metrics from workload cluster ${name}`,
            `The service cluster has received no series ${IN_CLUSTER} for 10 minutes: its Prometheus agent is down or cannot write to the service cluster.`,
          ),
        ),
        alert(
          'FluxResourceNotReady',
          'warning',
          `max by (cluster, customresource_kind, exported_namespace, name) (${m.fluxResourceInfo}{ready="False", suspended!="true"}) > 0`,
          '15m',
          'A Flux object is not ready',
          `{{ $labels.customresource_kind }} {{ $labels.exported_namespace }}/{{ $labels.name }} ${IN_CLUSTER} has not been ready for 15 minutes: what is in git is not what runs.`,
        ),
      ],
    },
    {
      name: 'certificates',
      rules: [
        alert(
          'CertificateExpiresSoon',
          'warning',
          `min by (cluster, exported_namespace, name) (${m.certificateExpiry}) - time() < ${CERTIFICATE_EXPIRY_DAYS} * 24 * 3600`,
          '1h',
          `A certificate expires within ${CERTIFICATE_EXPIRY_DAYS} days`,
          `Certificate {{ $labels.exported_namespace }}/{{ $labels.name }} ${IN_CLUSTER} expires in {{ $value | humanizeDuration }} and has not been renewed.`,
        ),
        alert(
          'CertificateNotReady',
          'warning',
          `max by (cluster, exported_namespace, name) (${m.certificateReady}{condition="False"}) == 1`,
          '15m',
          'A certificate is not ready',
          `Certificate {{ $labels.exported_namespace }}/{{ $labels.name }} ${IN_CLUSTER} has not been ready for 15 minutes.`,
        ),
      ],
    },
    {
      name: 'backups',
      rules: [
        alert(
          'BackupFailed',
          'critical',
          `sum by (cluster, schedule) (increase(${m.backupFailures}[1h])) > 0`,
          undefined,
          'A backup failed',
          `A backup of schedule {{ $labels.schedule }} ${IN_CLUSTER} failed in the last hour.`,
        ),
        alert(
          'BackupMissing',
          'critical',
          `time() - max by (cluster, schedule) (${m.backupLastSuccess}{schedule!=""}) > ${BACKUP_MAX_AGE_HOURS} * 3600`,
          undefined,
          `No successful backup for ${BACKUP_MAX_AGE_HOURS} hours`,
          `The last successful backup of schedule {{ $labels.schedule }} ${IN_CLUSTER} is {{ $value | humanizeDuration }} old.`,
        ),
        alert(
          'VolumeBackupFailed',
          'critical',
          `sum by (cluster, schedule) (increase(${m.backupPartialFailures}[1h])) > 0 or sum by (cluster, node) (increase(${m.dataUploadFailures}[1h])) > 0`,
          undefined,
          'A volume backup failed',
          `A backup ${IN_CLUSTER} finished partially failed (schedule {{ $labels.schedule }}) or a snapshot data upload failed (node {{ $labels.node }}) in the last hour: the data of some volumes is not in it (velero backup describe --details).`,
        ),
        alert(
          'VolumeBackupMissing',
          'critical',
          `${stoppedIn(m.podVolumeBackupsCompleted)} or ${stoppedIn(m.dataUploadSuccesses)}`,
          undefined,
          `No volume backup for ${BACKUP_MAX_AGE_HOURS} hours`,
          `The node agents ${IN_CLUSTER} backed up volumes during the last week but completed none in the last ${BACKUP_MAX_AGE_HOURS} hours.`,
        ),
        alert(
          'BackupNodeAgentDown',
          'critical',
          `max by (cluster) (${m.daemonSetDesired}{namespace="${NODE_AGENT.namespace}", daemonset="${NODE_AGENT.daemonSet}"} - ${m.daemonSetAvailable}{namespace="${NODE_AGENT.namespace}", daemonset="${NODE_AGENT.daemonSet}"}) > 0`,
          '15m',
          'A Velero node agent is down',
          `{{ $value }} node(s) ${IN_CLUSTER} have had no available Velero node agent for 15 minutes: the volumes of their pods are not backed up.`,
        ),
        alert(
          'DatabaseDumpFailed',
          'critical',
          `max by (cluster, job_name) ((${m.jobFailed}{namespace="${DATABASE_DUMP.namespace}", job_name=~"${DATABASE_DUMP.cronJob}-.*"} > 0) and on (cluster, namespace, job_name) (time() - ${m.jobStartTime}{namespace="${DATABASE_DUMP.namespace}", job_name=~"${DATABASE_DUMP.cronJob}-.*"} < 86400))`,
          undefined,
          'A registry database dump failed',
          `Job {{ $labels.job_name }} ${IN_CLUSTER} failed to dump Harbor's database to object storage in the last day (kubectl -n ${DATABASE_DUMP.namespace} logs job/{{ $labels.job_name }} --all-containers).`,
        ),
        alert(
          'DatabaseDumpMissing',
          'critical',
          `time() - max by (cluster) (${m.cronJobLastSuccess}{namespace="${DATABASE_DUMP.namespace}", cronjob="${DATABASE_DUMP.cronJob}"}) > ${BACKUP_MAX_AGE_HOURS} * 3600`,
          undefined,
          `No registry database dump for ${BACKUP_MAX_AGE_HOURS} hours`,
          `The last successful dump of Harbor's database ${IN_CLUSTER} is {{ $value | humanizeDuration }} old.`,
        ),
        ...(props.logSnapshotRepository ? logSnapshotAlerts(props.logSnapshotRepository) : []),
      ],
    },
    {
      name: 'intrusion-detection',
      rules: [
        alert(
          'FalcoCriticalEvent',
          'critical',
          `sum by (cluster, rule_name, priority) (increase(${m.falcoRuleMatches}{priority=~"${FALCO_PRIORITY.critical}"}[5m])) > 0`,
          undefined,
          'Falco detected a critical event',
          `Falco rule "{{ $labels.rule_name }}" (priority {{ $labels.priority }}: 0 emergency, 1 alert, 2 critical) matched {{ $value }} times ${IN_CLUSTER} in the last 5 minutes. Details are in the log store (index falco).`,
        ),
        alert(
          'FalcoWarningEvent',
          'warning',
          `sum by (cluster, rule_name, priority) (increase(${m.falcoRuleMatches}{priority=~"${FALCO_PRIORITY.warningOrError}"}[5m])) > 0`,
          undefined,
          'Falco detected a suspicious event',
          `Falco rule "{{ $labels.rule_name }}" (priority {{ $labels.priority }}: 3 error, 4 warning) matched {{ $value }} times ${IN_CLUSTER} in the last 5 minutes. Details are in the log store (index falco).`,
        ),
      ],
    },
    {
      name: 'log-shipping',
      rules: [
        alert(
          'LogShippingStalled',
          'critical',
          // the archive gets Falco's events, which may not come for hours: AuditArchiveStopped watches it
          `sum by (cluster, pod, name) (rate(${m.logRecordsSent}{name!="${AUDIT_ARCHIVE_OUTPUT_NAME}"}[15m])) == 0`,
          '5m',
          'Logs are not leaving a node',
          `Fluent Bit {{ $labels.pod }} ${IN_CLUSTER} has sent no records through output {{ $labels.name }} for 15 minutes: audit and application logs are not reaching the log store.`,
        ),
        alert(
          'LogShippingRetriesFailing',
          'warning',
          `sum by (cluster, pod, name) (increase(${m.logRetriesFailed}[15m])) > 0`,
          undefined,
          'Log records are being dropped after retries',
          `Fluent Bit {{ $labels.pod }} ${IN_CLUSTER} gave up on {{ $value }} chunks of output {{ $labels.name }} in the last 15 minutes.`,
        ),
        // The s3 output buffers in its own store and reports few upload failures in these counters
        // (fluent/fluent-bit#6141), so both alerts watch it: any error, retry or drop it does report,
        // and audit records read on a node while the archive took none of them.
        alert(
          'AuditArchiveFailing',
          'critical',
          [m.logOutputErrors, m.logOutputRetries, m.logRetriesFailed, m.logRecordsDropped]
            .map((metric) => `sum by (cluster, pod) (increase(${metric}{name="${AUDIT_ARCHIVE_OUTPUT_NAME}"}[15m])) > 0`)
            .join(' or '),
          undefined,
          'The audit-log archive is failing',
          `Fluent Bit {{ $labels.pod }} ${IN_CLUSTER} reports errors, retries or dropped records on output ${AUDIT_ARCHIVE_OUTPUT_NAME} in the last 15 minutes: audit logs and Falco events may not reach the tamper-proof bucket (check its logs and the key in logging/fluent-bit-archive-credentials).`,
        ),
        alert(
          'AuditArchiveStopped',
          'critical',
          `(sum by (cluster, pod) (rate(${m.logRecordsRead}{name="${AUDIT_INPUT_NAME}"}[30m])) > 0) and on (cluster, pod) (sum by (cluster, pod) (rate(${m.logRecordsSent}{name="${AUDIT_ARCHIVE_OUTPUT_NAME}"}[30m])) == 0)`,
          '15m',
          'The audit-log archive stopped receiving',
          `Fluent Bit {{ $labels.pod }} ${IN_CLUSTER} reads the API server audit log but has passed no record to output ${AUDIT_ARCHIVE_OUTPUT_NAME} for 30 minutes: the tamper-proof archive stopped receiving.`,
        ),
      ],
    },
    {
      name: 'capacity',
      rules: [
        alert(
          'NodeFilesystemFillingUp',
          'warning',
          `predict_linear(${m.filesystemAvailable}{fstype!~"tmpfs|overlay"}[6h], 24 * 3600) < 0`,
          '1h',
          'A filesystem will be full within 24 hours',
          `Filesystem {{ $labels.mountpoint }} ({{ $labels.device }}) on {{ $labels.instance }} ${IN_CLUSTER} will run out of space within 24 hours at the rate of the last 6 hours.`,
        ),
      ],
    },
  ];
}
