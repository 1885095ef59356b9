import type { ComponentAlertGroup } from '@ck8s/core';
import { SNAPSHOT_POLICY_ID, SNAPSHOT_REPOSITORY } from './snapshot-policy.js';

/**
 * prometheus-elasticsearch-exporter's snapshots collector, per `repository`: the start of the newest
 * SUCCESS or PARTIAL snapshot (0 when there is none), and the newest snapshot's failed shards,
 * labelled with its `state` (SUCCESS, PARTIAL, FAILED, IN_PROGRESS, INCOMPATIBLE); and per
 * `collector`, 0 when the last scrape of the cluster failed (no rights, unreachable).
 */
export const LOG_SNAPSHOT_METRICS = {
  latestSuccess: 'elasticsearch_snapshot_stats_latest_snapshot_timestamp_seconds',
  failedShards: 'elasticsearch_snapshot_stats_snapshot_failed_shards',
  scrapeSuccess: 'elasticsearch_scrape_success',
} as const;

/** How old the newest successful snapshot may be: a daily snapshot plus two hours of slack. */
export const LOG_SNAPSHOT_MAX_AGE_HOURS = 26;

/**
 * The log store's snapshots: the newest one failed (FAILED, or PARTIAL with failed shards), none
 * succeeded for LOG_SNAPSHOT_MAX_AGE_HOURS, or the exporter cannot read them (then neither of the
 * others could fire; an exporter that is down is PlatformTargetDown).
 * @param source the metrics endpoint of the exporter that serves these metrics
 */
export function logSnapshotAlerts(source: string): ComponentAlertGroup {
  const m = LOG_SNAPSHOT_METRICS;
  const repository = SNAPSHOT_REPOSITORY;
  const repo = `repository="${repository}"`;
  const metrics = (...names: string[]): Record<string, string> => Object.fromEntries(names.map((n) => [n, source]));
  const explain = `GET _plugins/_sm/policies/${SNAPSHOT_POLICY_ID}/_explain`;
  const unread = (cluster: string): string =>
    `The snapshot exporter in cluster ${cluster} has not read repository ${repository} for an hour (the log store is unreachable, the account opensearch/opensearch-snapshot-exporter-account is refused, or the repository does not exist yet: run the policies script): a failed or missing snapshot would not alert.`;
  return {
    name: 'log-snapshots',
    alerts: [
      {
        alert: 'LogSnapshotFailed',
        severity: 'critical',
        expr: `count by (cluster, repository, state) (${m.failedShards}{${repo}, state=~"FAILED|PARTIAL|INCOMPATIBLE"}) > 0`,
        summary: 'A log store snapshot failed',
        description: `The newest snapshot in repository {{ $labels.repository }} in cluster {{ $labels.cluster }} ended {{ $labels.state }}: logs and audit logs are not all in object storage (GET _snapshot/{{ $labels.repository }}/_all; ${explain}).`,
        metrics: metrics(m.failedShards),
        tests: [
          {
            name: 'fires when the newest snapshot failed',
            series: { [`${m.failedShards}{cluster="sc", repository="${repository}", state="FAILED"}`]: '3x5' },
            at: '5m',
            fires: [
              {
                labels: { cluster: 'sc', repository, state: 'FAILED' },
                description: `The newest snapshot in repository ${repository} in cluster sc ended FAILED: logs and audit logs are not all in object storage (GET _snapshot/${repository}/_all; ${explain}).`,
              },
            ],
          },
          {
            name: 'stays quiet after a successful one',
            series: { [`${m.failedShards}{cluster="sc", repository="${repository}", state="SUCCESS"}`]: '0x5' },
            at: '5m',
            fires: [],
          },
        ],
      },
      {
        alert: 'LogSnapshotMissing',
        severity: 'critical',
        expr: `time() - max by (cluster, repository) (${m.latestSuccess}{${repo}}) > ${LOG_SNAPSHOT_MAX_AGE_HOURS} * 3600`,
        summary: `No log store snapshot for ${LOG_SNAPSHOT_MAX_AGE_HOURS} hours`,
        description: `The newest successful snapshot in repository {{ $labels.repository }} in cluster {{ $labels.cluster }} is {{ $value | humanizeDuration }} old (or there is none): check the snapshot policy with ${explain}.`,
        metrics: metrics(m.latestSuccess),
        tests: [
          {
            name: 'fires when the newest success is 27 hours old',
            series: { [`${m.latestSuccess}{cluster="sc", repository="${repository}"}`]: '0x30' },
            interval: '1h',
            at: '27h',
            fires: [
              {
                labels: { cluster: 'sc', repository },
                description: `The newest successful snapshot in repository ${repository} in cluster sc is 1d 3h 0m 0s old (or there is none): check the snapshot policy with ${explain}.`,
              },
            ],
          },
          {
            name: 'stays quiet within 26 hours',
            series: { [`${m.latestSuccess}{cluster="sc", repository="${repository}"}`]: '0x30' },
            interval: '1h',
            at: '25h',
            fires: [],
          },
        ],
      },
      {
        alert: 'LogSnapshotStateUnknown',
        severity: 'critical',
        // the collector fails, or it runs but the repository is not among the cluster's (the policies script has not run)
        expr: `max by (cluster, pod) (${m.scrapeSuccess}{collector="snapshots"} == 0) or (count by (cluster) (${m.scrapeSuccess}{collector="snapshots"}) unless count by (cluster) (${m.latestSuccess}{${repo}}))`,
        for: '1h',
        summary: 'The state of the log store snapshots is unknown',
        description: unread('{{ $labels.cluster }}'),
        metrics: metrics(m.scrapeSuccess, m.latestSuccess),
        tests: [
          {
            name: 'fires when the snapshots collector fails for an hour',
            series: {
              [`${m.scrapeSuccess}{cluster="sc", pod="opensearch-snapshot-exporter-0", collector="snapshots"}`]: '0x70',
              [`${m.latestSuccess}{cluster="sc", repository="${repository}"}`]: '0x70',
            },
            at: '65m',
            fires: [{ labels: { cluster: 'sc', pod: 'opensearch-snapshot-exporter-0' }, description: unread('sc') }],
          },
          {
            name: "fires when the repository is not among the cluster's",
            series: { [`${m.scrapeSuccess}{cluster="sc", pod="opensearch-snapshot-exporter-0", collector="snapshots"}`]: '1x70' },
            at: '65m',
            fires: [{ labels: { cluster: 'sc' }, description: unread('sc') }],
          },
          {
            name: 'stays quiet while the collector reads the repository',
            series: {
              [`${m.scrapeSuccess}{cluster="sc", pod="opensearch-snapshot-exporter-0", collector="snapshots"}`]: '1x70',
              [`${m.latestSuccess}{cluster="sc", repository="${repository}"}`]: '0x70',
            },
            at: '65m',
            fires: [],
          },
        ],
      },
    ],
  };
}
