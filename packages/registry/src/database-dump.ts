import { containerResources, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '@ck8s/core';
import type { ApiObjectProps } from 'cdk8s';

/**
 * Harbor's own PostgreSQL image (harbor chart 1.19.1 ships Harbor v2.15.1). The chart's database runs
 * it (set in the values), and the dump Job's pg_dump comes from it, so client and server always share
 * one PostgreSQL version; bump it with the chart.
 */
export const HARBOR_DB_IMAGE = { repository: 'docker.io/goharbor/harbor-db', tag: 'v2.15.1' } as const;

/**
 * The S3 client of the dump Job: Harbor's database image has pg_dump but no S3 client, so a second
 * container uploads the dump. rclone speaks S3 to any compatible store, is configured entirely from
 * environment variables (no config file, no credentials on disk) and lists and deletes by name, which
 * keeps exactly the newest dumps.
 */
export const RCLONE_IMAGE = 'docker.io/rclone/rclone:1.76.0';

/** The CronJob (and the prefix of its Jobs' names, which alerts match). */
export const DATABASE_DUMP_JOB = 'harbor-database-dump';

/** The sops Secret with the dump Job's object storage keys. */
export const DATABASE_DUMP_SECRET = { name: 'harbor-database-dump-s3', keys: ['access-key-id', 'secret-access-key'] } as const;

/** Harbor's database (the registry's metadata: projects, members, robot accounts, policies, scan results). */
export const HARBOR_DATABASE = 'registry';

/** The pods of the dump Jobs. */
export const DATABASE_DUMP_LABELS = { 'app.kubernetes.io/name': DATABASE_DUMP_JOB } as const;

export interface DatabaseDumpProps {
  readonly namespace: string;
  /** The database Service and the Secret (key `password`) of its `postgres` user. */
  readonly database: { readonly host: string; readonly passwordSecret: string };
  /** The bucket dumps go to, under `harbor-database/<prefix>/`. */
  readonly objectStorage: { readonly endpoint: string; readonly bucket: string; readonly region: string };
  /** Keeps this cluster's dumps apart in a shared bucket (the cluster name). */
  readonly prefix: string;
  /** A daily `m h * * *` line and the IANA time zone it is read in. */
  readonly schedule: { readonly cron: string; readonly timeZone: string };
  /** Dumps kept (the newest ones). @default 3 */
  readonly keep?: number;
}

/** Where the dumps of a cluster are, relative to the bucket. */
export function databaseDumpPath(prefix: string): string {
  return `harbor-database/${prefix}/`;
}

/** Shell filter from a listing of dump names (one per line) to those beyond the newest `keep`. */
export function oldDumpsFilter(keep: number): string {
  return `grep '^registry-.*\\.dump$' | sort -r | awk 'NR > ${keep}'`;
}

/**
 * The upload step: copy the dump under a UTC timestamp name (sortable), then delete all but the
 * newest `keep` dumps. It runs only after a complete dump (the init container), and deletes only
 * after a successful upload, so a failing night never costs an older dump.
 */
export function uploadScript(keep: number): string {
  return [
    'set -eu',
    'name="registry-$(date -u +%Y%m%dT%H%M%SZ).dump"',
    'rclone copyto /dump/registry.dump "dumps:$BUCKET/$DUMP_PATH$name"',
    `rclone lsf --files-only "dumps:$BUCKET/$DUMP_PATH" | ${oldDumpsFilter(keep)} | while read -r old; do rclone deletefile "dumps:$BUCKET/$DUMP_PATH$old"; done`,
    'echo "uploaded $name"',
  ].join('\n');
}

/**
 * The daily dump of Harbor's database to object storage (`CronJob/harbor-database-dump`): pg_dump of
 * the `registry` database in PostgreSQL's custom format (one consistent snapshot, compressed,
 * restorable table by table with pg_restore) into an emptyDir, then rclone uploads it. Both
 * containers run restricted and non-root, without a service account token.
 */
export function databaseDumpCronJob(props: DatabaseDumpProps): ApiObjectProps {
  const keep = props.keep ?? 3;
  const secret = DATABASE_DUMP_SECRET;
  const endpoint = props.objectStorage.endpoint;
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: DATABASE_DUMP_JOB, namespace: props.namespace },
    spec: {
      schedule: props.schedule.cron,
      timeZone: props.schedule.timeZone,
      concurrencyPolicy: 'Forbid',
      // a run missed by more than an hour waits for the next night (and the missing-dump alert fires)
      startingDeadlineSeconds: 3600,
      // kept for `kubectl logs` and for kube-state-metrics, whose job metrics the alerts read
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        spec: {
          backoffLimit: 2,
          activeDeadlineSeconds: 3600,
          template: {
            metadata: { labels: { ...DATABASE_DUMP_LABELS } },
            spec: {
              restartPolicy: 'Never',
              automountServiceAccountToken: false,
              // the database image's postgres user
              securityContext: restrictedPodSecurityContext({ runAsUser: 999, runAsGroup: 999, fsGroup: 999 }),
              initContainers: [
                {
                  name: 'dump',
                  image: `${HARBOR_DB_IMAGE.repository}:${HARBOR_DB_IMAGE.tag}`,
                  command: ['pg_dump'],
                  args: [
                    `--host=${props.database.host}`,
                    '--username=postgres',
                    `--dbname=${HARBOR_DATABASE}`,
                    '--format=custom',
                    '--file=/dump/registry.dump',
                  ],
                  env: [{ name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: props.database.passwordSecret, key: 'password' } } }],
                  volumeMounts: [{ name: 'dump', mountPath: '/dump' }],
                  securityContext: restrictedContainerSecurityContext({ runAsUser: 999 }),
                  resources: containerResources('100m', '128Mi', '512Mi'),
                },
              ],
              containers: [
                {
                  name: 'upload',
                  image: RCLONE_IMAGE,
                  command: ['/bin/sh', '-c', uploadScript(keep)],
                  env: [
                    { name: 'BUCKET', value: props.objectStorage.bucket },
                    { name: 'DUMP_PATH', value: databaseDumpPath(props.prefix) },
                    { name: 'HOME', value: '/tmp' },
                    { name: 'RCLONE_CONFIG', value: '/tmp/rclone.conf' },
                    { name: 'RCLONE_CONFIG_DUMPS_TYPE', value: 's3' },
                    { name: 'RCLONE_CONFIG_DUMPS_PROVIDER', value: 'Other' },
                    { name: 'RCLONE_CONFIG_DUMPS_ENDPOINT', value: endpoint },
                    { name: 'RCLONE_CONFIG_DUMPS_REGION', value: props.objectStorage.region },
                    { name: 'RCLONE_CONFIG_DUMPS_FORCE_PATH_STYLE', value: 'true' },
                    { name: 'RCLONE_CONFIG_DUMPS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: secret.name, key: secret.keys[0] } } },
                    { name: 'RCLONE_CONFIG_DUMPS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: secret.name, key: secret.keys[1] } } },
                  ],
                  volumeMounts: [
                    { name: 'dump', mountPath: '/dump', readOnly: true },
                    { name: 'tmp', mountPath: '/tmp' },
                  ],
                  securityContext: restrictedContainerSecurityContext({ runAsUser: 999 }),
                  resources: containerResources('50m', '64Mi', '256Mi'),
                },
              ],
              volumes: [
                { name: 'dump', emptyDir: {} },
                { name: 'tmp', emptyDir: {} },
              ],
            },
          },
        },
      },
    },
  };
}
