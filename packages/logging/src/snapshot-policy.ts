import { LOG_INDEX_PATTERNS } from './log-indices.js';

/** Id of the snapshot management policy. */
export const SNAPSHOT_POLICY_ID = 'ck8s-daily-snapshot';

/** The OpenSearch plugin that provides the `s3` repository type. */
export const SNAPSHOT_PLUGIN = 'repository-s3';

/** Name of the S3 snapshot repository. */
export const SNAPSHOT_REPOSITORY = 'ck8s-logs';

/** Where snapshots of the log store go. */
export interface LogSnapshots {
  /** S3-compatible endpoint. */
  readonly endpoint: string;
  readonly bucket: string;
  readonly region: string;
  /** Keeps this cluster's snapshots apart in a bucket shared with others (the cluster name). */
  readonly prefix: string;
  /** When the daily snapshot is taken: a `m h * * *` line in an IANA time zone. @default DEFAULT_SNAPSHOT_SCHEDULE */
  readonly schedule?: SnapshotSchedule;
}

/** A daily cron line and the time zone it is read in (OpenSearch's SM cron applies the zone's daylight saving). */
export interface SnapshotSchedule {
  readonly cron: string;
  readonly timeZone: string;
}

/** 01:00 UTC. */
export const DEFAULT_SNAPSHOT_SCHEDULE: SnapshotSchedule = { cron: '0 1 * * *', timeZone: 'UTC' };

/**
 * The S3 snapshot repository (body of `PUT _snapshot/ck8s-logs`). Endpoint, region and credentials
 * are client settings (`s3.client.default.*` in opensearch.yml and the keystore), not repository
 * settings; the base path keeps the cluster's snapshots apart in a bucket shared with others.
 */
export function snapshotRepository(snapshots: LogSnapshots): Record<string, unknown> {
  return { type: 's3', settings: { bucket: snapshots.bucket, base_path: `opensearch/${snapshots.prefix}`, client: 'default' } };
}

/**
 * The S3 client settings for opensearch.yml. Access and secret key are secure settings that only
 * the keystore may hold, so they come from a Secret, never from here.
 */
export function s3ClientSettings(snapshots: Pick<LogSnapshots, 'endpoint' | 'region'>): Record<string, string | boolean> {
  const url = new URL(snapshots.endpoint);
  return {
    's3.client.default.endpoint': url.host,
    's3.client.default.protocol': 'https',
    's3.client.default.region': snapshots.region,
    // S3-compatible stores rarely serve virtual-hosted bucket names
    's3.client.default.path_style_access': true,
  };
}

/**
 * The SM policy `ck8s-daily-snapshot` (body of `POST _plugins/_sm/policies/ck8s-daily-snapshot`):
 * a snapshot of the log indices every day at `schedule`, snapshots deleted once older than
 * `retentionDays` days (the newest one always kept), so a snapshot never outlives the retention by
 * more than the age of the logs it holds.
 */
export function snapshotPolicy(retentionDays: number, schedule: SnapshotSchedule = DEFAULT_SNAPSHOT_SCHEDULE): Record<string, unknown> {
  const days = retentionDays;
  return {
    description: `ck8s: daily snapshot of the log indices, kept ${days} days`,
    enabled: true,
    creation: { schedule: { cron: { expression: schedule.cron, timezone: schedule.timeZone } }, time_limit: '1h' },
    deletion: {
      schedule: { cron: { expression: '0 2 * * *', timezone: 'UTC' } },
      condition: { max_age: `${days}d`, min_count: 1 },
      time_limit: '1h',
    },
    snapshot_config: {
      repository: SNAPSHOT_REPOSITORY,
      indices: LOG_INDEX_PATTERNS.join(','),
      date_format: 'yyyy-MM-dd',
      timezone: 'UTC',
      ignore_unavailable: true,
      include_global_state: false,
      partial: false,
    },
  };
}
