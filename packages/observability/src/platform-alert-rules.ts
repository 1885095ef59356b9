import type { AlertTest } from '@ck8s/core';
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
      [
        {
          name: 'fires when the newest snapshot failed',
          series: { [`${m.snapshotFailedShards}{cluster="sc", repository="${repository}", state="FAILED"}`]: '3x5' },
          at: '5m',
          fires: [
            {
              labels: { cluster: 'sc', repository, state: 'FAILED' },
              description: `The newest snapshot in repository ${repository} in cluster sc ended FAILED: logs and audit logs are not all in object storage (GET _snapshot/${repository}/_all; GET _plugins/_sm/policies/ck8s-daily-snapshot/_explain).`,
            },
          ],
        },
        {
          name: 'stays quiet after a successful one',
          series: { [`${m.snapshotFailedShards}{cluster="sc", repository="${repository}", state="SUCCESS"}`]: '0x5' },
          at: '5m',
          fires: [],
        },
      ],
    ),
    alert(
      'LogSnapshotMissing',
      'critical',
      `time() - max by (cluster, repository) (${m.snapshotLatestSuccess}{${repo}}) > ${BACKUP_MAX_AGE_HOURS} * 3600`,
      undefined,
      `No log store snapshot for ${BACKUP_MAX_AGE_HOURS} hours`,
      `The newest successful snapshot in repository {{ $labels.repository }} ${IN_CLUSTER} is {{ $value | humanizeDuration }} old (or there is none): check the snapshot policy with GET _plugins/_sm/policies/ck8s-daily-snapshot/_explain.`,
      [
        {
          name: 'fires when the newest success is 27 hours old',
          series: { [`${m.snapshotLatestSuccess}{cluster="sc", repository="${repository}"}`]: '0x30' },
          interval: '1h',
          at: '27h',
          fires: [
            {
              labels: { cluster: 'sc', repository },
              description: `The newest successful snapshot in repository ${repository} in cluster sc is 1d 3h 0m 0s old (or there is none): check the snapshot policy with GET _plugins/_sm/policies/ck8s-daily-snapshot/_explain.`,
            },
          ],
        },
        {
          name: 'stays quiet within 26 hours',
          series: { [`${m.snapshotLatestSuccess}{cluster="sc", repository="${repository}"}`]: '0x30' },
          interval: '1h',
          at: '25h',
          fires: [],
        },
      ],
    ),
    alert(
      'LogSnapshotStateUnknown',
      'critical',
      // the collector fails, or it runs but the repository is not among the cluster's (the policies script has not run)
      `max by (cluster, pod) (${m.exporterScrapeSuccess}{collector="snapshots"} == 0) or (count by (cluster) (${m.exporterScrapeSuccess}{collector="snapshots"}) unless count by (cluster) (${m.snapshotLatestSuccess}{${repo}}))`,
      '1h',
      'The state of the log store snapshots is unknown',
      `The snapshot exporter ${IN_CLUSTER} has not read repository ${repository} for an hour (the log store is unreachable, the account opensearch/opensearch-snapshot-exporter-account is refused, or the repository does not exist yet: run the policies script): a failed or missing snapshot would not alert.`,
      [
        {
          name: 'fires when the snapshots collector fails for an hour',
          series: {
            [`${m.exporterScrapeSuccess}{cluster="sc", pod="opensearch-snapshot-exporter-0", collector="snapshots"}`]: '0x70',
            [`${m.snapshotLatestSuccess}{cluster="sc", repository="${repository}"}`]: '0x70',
          },
          at: '65m',
          fires: [
            {
              labels: { cluster: 'sc', pod: 'opensearch-snapshot-exporter-0' },
              description: `The snapshot exporter in cluster sc has not read repository ${repository} for an hour (the log store is unreachable, the account opensearch/opensearch-snapshot-exporter-account is refused, or the repository does not exist yet: run the policies script): a failed or missing snapshot would not alert.`,
            },
          ],
        },
        {
          name: "fires when the repository is not among the cluster's",
          series: { [`${m.exporterScrapeSuccess}{cluster="sc", pod="opensearch-snapshot-exporter-0", collector="snapshots"}`]: '1x70' },
          at: '65m',
          fires: [
            {
              labels: { cluster: 'sc' },
              description: `The snapshot exporter in cluster sc has not read repository ${repository} for an hour (the log store is unreachable, the account opensearch/opensearch-snapshot-exporter-account is refused, or the repository does not exist yet: run the policies script): a failed or missing snapshot would not alert.`,
            },
          ],
        },
        {
          name: 'stays quiet while the collector reads the repository',
          series: {
            [`${m.exporterScrapeSuccess}{cluster="sc", pod="opensearch-snapshot-exporter-0", collector="snapshots"}`]: '1x70',
            [`${m.snapshotLatestSuccess}{cluster="sc", repository="${repository}"}`]: '0x70',
          },
          at: '65m',
          fires: [],
        },
      ],
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
  tests: readonly AlertTest[],
): AlertingRule {
  return { alert: name, expr, ...(forDuration ? { for: forDuration } : {}), labels: { severity }, annotations: { summary, description }, tests };
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
          [
            {
              name: 'fires when a platform target is down for 10 minutes',
              series: {
                [`${m.up}{cluster="sc", namespace="flux-system", job="source-controller", pod="source-controller-0", instance="10.0.0.1:8080"}`]:
                  '0x15',
              },
              at: '12m',
              fires: [
                {
                  labels: {
                    cluster: 'sc',
                    namespace: 'flux-system',
                    job: 'source-controller',
                    pod: 'source-controller-0',
                    instance: '10.0.0.1:8080',
                  },
                  description:
                    'source-controller (flux-system/source-controller-0, 10.0.0.1:8080) in cluster sc has been down or unreachable for 10 minutes.',
                },
              ],
            },
            {
              name: "stays quiet for targets that are up, or not the platform's",
              series: {
                [`${m.up}{cluster="sc", namespace="flux-system", job="source-controller", pod="source-controller-0", instance="10.0.0.1:8080"}`]:
                  '1x15',
                [`${m.up}{cluster="sc", namespace="customer-app", job="shop", pod="shop-0", instance="10.0.0.2:8080"}`]: '0x15',
              },
              at: '12m',
              fires: [],
            },
          ],
        ),
        ...workloadClusters.map((name) =>
          alert(
            'ClusterMetricsMissing',
            'critical',
            `absent_over_time(${m.up}{cluster="${name}"}[10m])`,
            undefined,
            `No metrics from workload cluster ${name}`,
            `The service cluster has received no series ${IN_CLUSTER} for 10 minutes: its Prometheus agent is down or cannot write to the service cluster.`,
            [
              {
                name: 'fires when the cluster sent nothing for 10 minutes',
                // the other workload clusters keep sending: their own rules stay quiet
                series: Object.fromEntries([
                  [`${m.up}{cluster="${name}", job="kubelet"}`, '1x5'],
                  ...workloadClusters.filter((w) => w !== name).map((w) => [`${m.up}{cluster="${w}", job="kubelet"}`, '1x20']),
                ]),
                at: '16m',
                fires: [
                  {
                    labels: { cluster: name },
                    description: `The service cluster has received no series in cluster ${name} for 10 minutes: its Prometheus agent is down or cannot write to the service cluster.`,
                  },
                ],
              },
              {
                name: 'stays quiet within 10 minutes of the last series',
                series: Object.fromEntries(workloadClusters.map((w) => [`${m.up}{cluster="${w}", job="kubelet"}`, w === name ? '1x5' : '1x20'])),
                at: '10m',
                fires: [],
              },
            ],
          ),
        ),
        alert(
          'FluxResourceNotReady',
          'warning',
          `max by (cluster, customresource_kind, exported_namespace, name) (${m.fluxResourceInfo}{ready="False", suspended!="true"}) > 0`,
          '15m',
          'A Flux object is not ready',
          `{{ $labels.customresource_kind }} {{ $labels.exported_namespace }}/{{ $labels.name }} ${IN_CLUSTER} has not been ready for 15 minutes: what is in git is not what runs.`,
          [
            {
              name: 'fires when a Flux object is not ready for 15 minutes',
              series: {
                [`${m.fluxResourceInfo}{cluster="sc", customresource_kind="HelmRelease", exported_namespace="monitoring", name="kube-prometheus-stack", ready="False", suspended="false"}`]:
                  '1x20',
              },
              at: '17m',
              fires: [
                {
                  labels: { cluster: 'sc', customresource_kind: 'HelmRelease', exported_namespace: 'monitoring', name: 'kube-prometheus-stack' },
                  description:
                    'HelmRelease monitoring/kube-prometheus-stack in cluster sc has not been ready for 15 minutes: what is in git is not what runs.',
                },
              ],
            },
            {
              name: 'stays quiet for a suspended object',
              series: {
                [`${m.fluxResourceInfo}{cluster="sc", customresource_kind="HelmRelease", exported_namespace="monitoring", name="kube-prometheus-stack", ready="False", suspended="true"}`]:
                  '1x20',
              },
              at: '17m',
              fires: [],
            },
          ],
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
          [
            {
              name: 'fires for a certificate that expires in 10 days',
              series: { [`${m.certificateExpiry}{cluster="sc", exported_namespace="ingress-nginx", name="wildcard"}`]: '864000x90' },
              at: '70m',
              fires: [
                {
                  labels: { cluster: 'sc', exported_namespace: 'ingress-nginx', name: 'wildcard' },
                  description: 'Certificate ingress-nginx/wildcard in cluster sc expires in 9d 22h 50m 0s and has not been renewed.',
                },
              ],
            },
            {
              name: 'stays quiet for a certificate that expires in 30 days',
              series: { [`${m.certificateExpiry}{cluster="sc", exported_namespace="ingress-nginx", name="wildcard"}`]: '2592000x90' },
              at: '70m',
              fires: [],
            },
          ],
        ),
        alert(
          'CertificateNotReady',
          'warning',
          `max by (cluster, exported_namespace, name) (${m.certificateReady}{condition="False"}) == 1`,
          '15m',
          'A certificate is not ready',
          `Certificate {{ $labels.exported_namespace }}/{{ $labels.name }} ${IN_CLUSTER} has not been ready for 15 minutes.`,
          [
            {
              name: 'fires for a certificate not ready for 15 minutes',
              series: {
                [`${m.certificateReady}{cluster="sc", exported_namespace="ingress-nginx", name="wildcard", condition="False"}`]: '1x20',
                [`${m.certificateReady}{cluster="sc", exported_namespace="ingress-nginx", name="wildcard", condition="True"}`]: '0x20',
              },
              at: '17m',
              fires: [
                {
                  labels: { cluster: 'sc', exported_namespace: 'ingress-nginx', name: 'wildcard' },
                  description: 'Certificate ingress-nginx/wildcard in cluster sc has not been ready for 15 minutes.',
                },
              ],
            },
            {
              name: 'stays quiet for a ready certificate',
              series: {
                [`${m.certificateReady}{cluster="sc", exported_namespace="ingress-nginx", name="wildcard", condition="False"}`]: '0x20',
                [`${m.certificateReady}{cluster="sc", exported_namespace="ingress-nginx", name="wildcard", condition="True"}`]: '1x20',
              },
              at: '17m',
              fires: [],
            },
          ],
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
          [
            {
              name: 'fires after a failed backup',
              series: { [`${m.backupFailures}{cluster="sc", schedule="daily"}`]: '0x5 1x10' },
              at: '10m',
              fires: [
                { labels: { cluster: 'sc', schedule: 'daily' }, description: 'A backup of schedule daily in cluster sc failed in the last hour.' },
              ],
            },
            {
              name: 'stays quiet without failures',
              series: { [`${m.backupFailures}{cluster="sc", schedule="daily"}`]: '0x15' },
              at: '10m',
              fires: [],
            },
          ],
        ),
        alert(
          'BackupMissing',
          'critical',
          `time() - max by (cluster, schedule) (${m.backupLastSuccess}{schedule!=""}) > ${BACKUP_MAX_AGE_HOURS} * 3600`,
          undefined,
          `No successful backup for ${BACKUP_MAX_AGE_HOURS} hours`,
          `The last successful backup of schedule {{ $labels.schedule }} ${IN_CLUSTER} is {{ $value | humanizeDuration }} old.`,
          [
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
        ),
        alert(
          'VolumeBackupFailed',
          'critical',
          `sum by (cluster, schedule) (increase(${m.backupPartialFailures}[1h])) > 0 or sum by (cluster, node) (increase(${m.dataUploadFailures}[1h])) > 0`,
          undefined,
          'A volume backup failed',
          `A backup ${IN_CLUSTER} finished partially failed (schedule {{ $labels.schedule }}) or a snapshot data upload failed (node {{ $labels.node }}) in the last hour: the data of some volumes is not in it (velero backup describe --details).`,
          [
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
        ),
        alert(
          'VolumeBackupMissing',
          'critical',
          `${stoppedIn(m.podVolumeBackupsCompleted)} or ${stoppedIn(m.dataUploadSuccesses)}`,
          undefined,
          `No volume backup for ${BACKUP_MAX_AGE_HOURS} hours`,
          `The node agents ${IN_CLUSTER} backed up volumes during the last week but completed none in the last ${BACKUP_MAX_AGE_HOURS} hours.`,
          [
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
        ),
        alert(
          'BackupNodeAgentDown',
          'critical',
          `max by (cluster) (${m.daemonSetDesired}{namespace="${NODE_AGENT.namespace}", daemonset="${NODE_AGENT.daemonSet}"} - ${m.daemonSetAvailable}{namespace="${NODE_AGENT.namespace}", daemonset="${NODE_AGENT.daemonSet}"}) > 0`,
          '15m',
          'A Velero node agent is down',
          `{{ $value }} node(s) ${IN_CLUSTER} have had no available Velero node agent for 15 minutes: the volumes of their pods are not backed up.`,
          [
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
        ),
        alert(
          'DatabaseDumpFailed',
          'critical',
          `max by (cluster, job_name) ((${m.jobFailed}{namespace="${DATABASE_DUMP.namespace}", job_name=~"${DATABASE_DUMP.cronJob}-.*"} > 0) and on (cluster, namespace, job_name) (time() - ${m.jobStartTime}{namespace="${DATABASE_DUMP.namespace}", job_name=~"${DATABASE_DUMP.cronJob}-.*"} < 86400))`,
          undefined,
          'A registry database dump failed',
          `Job {{ $labels.job_name }} ${IN_CLUSTER} failed to dump Harbor's database to object storage in the last day (kubectl -n ${DATABASE_DUMP.namespace} logs job/{{ $labels.job_name }} --all-containers).`,
          [
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
        ),
        alert(
          'DatabaseDumpMissing',
          'critical',
          `time() - max by (cluster) (${m.cronJobLastSuccess}{namespace="${DATABASE_DUMP.namespace}", cronjob="${DATABASE_DUMP.cronJob}"}) > ${BACKUP_MAX_AGE_HOURS} * 3600`,
          undefined,
          `No registry database dump for ${BACKUP_MAX_AGE_HOURS} hours`,
          `The last successful dump of Harbor's database ${IN_CLUSTER} is {{ $value | humanizeDuration }} old.`,
          [
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
          [
            {
              name: 'fires when a critical rule matched',
              series: { [`${m.falcoRuleMatches}{cluster="sc", rule_name="Terminal shell in container", priority="2"}`]: '0x10 1x10' },
              at: '12m',
              fires: [
                {
                  labels: { cluster: 'sc', rule_name: 'Terminal shell in container', priority: '2' },
                  description:
                    'Falco rule "Terminal shell in container" (priority 2: 0 emergency, 1 alert, 2 critical) matched 1 times in cluster sc in the last 5 minutes. Details are in the log store (index falco).',
                },
              ],
            },
            {
              name: 'stays quiet for a notice',
              series: { [`${m.falcoRuleMatches}{cluster="sc", rule_name="Terminal shell in container", priority="5"}`]: '0x10 1x10' },
              at: '12m',
              fires: [],
            },
          ],
        ),
        alert(
          'FalcoWarningEvent',
          'warning',
          `sum by (cluster, rule_name, priority) (increase(${m.falcoRuleMatches}{priority=~"${FALCO_PRIORITY.warningOrError}"}[5m])) > 0`,
          undefined,
          'Falco detected a suspicious event',
          `Falco rule "{{ $labels.rule_name }}" (priority {{ $labels.priority }}: 3 error, 4 warning) matched {{ $value }} times ${IN_CLUSTER} in the last 5 minutes. Details are in the log store (index falco).`,
          [
            {
              name: 'fires when a warning rule matched',
              series: { [`${m.falcoRuleMatches}{cluster="sc", rule_name="Read sensitive file untrusted", priority="4"}`]: '0x10 1x10' },
              at: '12m',
              fires: [
                {
                  labels: { cluster: 'sc', rule_name: 'Read sensitive file untrusted', priority: '4' },
                  description:
                    'Falco rule "Read sensitive file untrusted" (priority 4: 3 error, 4 warning) matched 1 times in cluster sc in the last 5 minutes. Details are in the log store (index falco).',
                },
              ],
            },
            {
              name: 'stays quiet for a critical event, which FalcoCriticalEvent reports',
              series: { [`${m.falcoRuleMatches}{cluster="sc", rule_name="Terminal shell in container", priority="2"}`]: '0x10 1x10' },
              at: '12m',
              fires: [],
            },
          ],
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
          [
            {
              name: 'fires when an output sent nothing for 15 minutes',
              series: { [`${m.logRecordsSent}{cluster="sc", pod="fluent-bit-x7k2p", name="opensearch"}`]: '500x30' },
              at: '20m',
              fires: [
                {
                  labels: { cluster: 'sc', pod: 'fluent-bit-x7k2p', name: 'opensearch' },
                  description:
                    'Fluent Bit fluent-bit-x7k2p in cluster sc has sent no records through output opensearch for 15 minutes: audit and application logs are not reaching the log store.',
                },
              ],
            },
            {
              name: 'stays quiet while records flow, and for an idle audit archive',
              series: {
                [`${m.logRecordsSent}{cluster="sc", pod="fluent-bit-x7k2p", name="opensearch"}`]: '0+10x30',
                [`${m.logRecordsSent}{cluster="sc", pod="fluent-bit-x7k2p", name="${AUDIT_ARCHIVE_OUTPUT_NAME}"}`]: '500x30',
              },
              at: '20m',
              fires: [],
            },
          ],
        ),
        alert(
          'LogShippingRetriesFailing',
          'warning',
          `sum by (cluster, pod, name) (increase(${m.logRetriesFailed}[15m])) > 0`,
          undefined,
          'Log records are being dropped after retries',
          `Fluent Bit {{ $labels.pod }} ${IN_CLUSTER} gave up on {{ $value }} chunks of output {{ $labels.name }} in the last 15 minutes.`,
          [
            {
              name: 'fires when an output gave up on a chunk',
              series: { [`${m.logRetriesFailed}{cluster="sc", pod="fluent-bit-x7k2p", name="opensearch"}`]: '0x10 2x10' },
              at: '20m',
              fires: [
                {
                  labels: { cluster: 'sc', pod: 'fluent-bit-x7k2p', name: 'opensearch' },
                  description: 'Fluent Bit fluent-bit-x7k2p in cluster sc gave up on 2 chunks of output opensearch in the last 15 minutes.',
                },
              ],
            },
            {
              name: 'stays quiet without failed retries',
              series: { [`${m.logRetriesFailed}{cluster="sc", pod="fluent-bit-x7k2p", name="opensearch"}`]: '0x20' },
              at: '20m',
              fires: [],
            },
          ],
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
          [
            {
              name: 'fires on errors of the archive output',
              series: { [`${m.logOutputErrors}{cluster="sc", pod="fluent-bit-x7k2p", name="${AUDIT_ARCHIVE_OUTPUT_NAME}"}`]: '0x5 1x10' },
              at: '15m',
              fires: [
                {
                  labels: { cluster: 'sc', pod: 'fluent-bit-x7k2p' },
                  description:
                    'Fluent Bit fluent-bit-x7k2p in cluster sc reports errors, retries or dropped records on output audit-archive in the last 15 minutes: audit logs and Falco events may not reach the tamper-proof bucket (check its logs and the key in logging/fluent-bit-archive-credentials).',
                },
              ],
            },
            {
              name: 'stays quiet for errors of another output',
              series: { [`${m.logOutputErrors}{cluster="sc", pod="fluent-bit-x7k2p", name="opensearch"}`]: '0x5 1x10' },
              at: '15m',
              fires: [],
            },
          ],
        ),
        alert(
          'AuditArchiveStopped',
          'critical',
          `(sum by (cluster, pod) (rate(${m.logRecordsRead}{name="${AUDIT_INPUT_NAME}"}[30m])) > 0) and on (cluster, pod) (sum by (cluster, pod) (rate(${m.logRecordsSent}{name="${AUDIT_ARCHIVE_OUTPUT_NAME}"}[30m])) == 0)`,
          '15m',
          'The audit-log archive stopped receiving',
          `Fluent Bit {{ $labels.pod }} ${IN_CLUSTER} reads the API server audit log but has passed no record to output ${AUDIT_ARCHIVE_OUTPUT_NAME} for 30 minutes: the tamper-proof archive stopped receiving.`,
          [
            {
              name: 'fires when audit records are read but none archived',
              series: {
                [`${m.logRecordsRead}{cluster="sc", pod="fluent-bit-x7k2p", name="${AUDIT_INPUT_NAME}"}`]: '0+10x60',
                [`${m.logRecordsSent}{cluster="sc", pod="fluent-bit-x7k2p", name="${AUDIT_ARCHIVE_OUTPUT_NAME}"}`]: '500x60',
              },
              at: '30m',
              fires: [
                {
                  labels: { cluster: 'sc', pod: 'fluent-bit-x7k2p' },
                  description:
                    'Fluent Bit fluent-bit-x7k2p in cluster sc reads the API server audit log but has passed no record to output audit-archive for 30 minutes: the tamper-proof archive stopped receiving.',
                },
              ],
            },
            {
              name: 'stays quiet while the archive receives',
              series: {
                [`${m.logRecordsRead}{cluster="sc", pod="fluent-bit-x7k2p", name="${AUDIT_INPUT_NAME}"}`]: '0+10x60',
                [`${m.logRecordsSent}{cluster="sc", pod="fluent-bit-x7k2p", name="${AUDIT_ARCHIVE_OUTPUT_NAME}"}`]: '0+10x60',
              },
              at: '30m',
              fires: [],
            },
          ],
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
          [
            {
              name: 'fires for a filesystem losing 6 GB an hour with 100 GB free',
              series: {
                [`${m.filesystemAvailable}{cluster="sc", instance="node-1:9100", mountpoint="/", device="/dev/sda1", fstype="ext4"}`]:
                  '100000000000-100000000x130',
              },
              at: '2h',
              fires: [
                {
                  labels: { cluster: 'sc', instance: 'node-1:9100', mountpoint: '/', device: '/dev/sda1', fstype: 'ext4' },
                  description:
                    'Filesystem / (/dev/sda1) on node-1:9100 in cluster sc will run out of space within 24 hours at the rate of the last 6 hours.',
                },
              ],
            },
            {
              name: 'stays quiet for a steady filesystem',
              series: {
                [`${m.filesystemAvailable}{cluster="sc", instance="node-1:9100", mountpoint="/", device="/dev/sda1", fstype="ext4"}`]:
                  '100000000000x130',
              },
              at: '2h',
              fires: [],
            },
          ],
        ),
      ],
    },
  ];
}
