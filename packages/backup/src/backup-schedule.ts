import { Component, PLATFORM_NAMESPACES } from '@ck8s/core';
import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';

export interface BackupScheduleProps {
  /** The S3-compatible bucket backups are written to. */
  readonly objectStorage: { readonly endpoint: string; readonly bucket: string; readonly region: string };
  /** Prefix of this cluster's backups in the bucket (the cluster name), so clusters can share a bucket. */
  readonly prefix: string;
  /** Daily backups kept. @default 3 */
  readonly keep?: number;
}

/** Time zone of the backup window. */
export const BACKUP_TIME_ZONE = 'Europe/Stockholm';
/**
 * 01:30 local time: inside the 00:00-03:00 window, and clear of the daylight-saving changes
 * (02:00-03:00 does not exist on the last Sunday of March and happens twice in October).
 */
export const BACKUP_CRON = '30 1 * * *';
/** Velero's garbage collection runs this often (the chart's configuration.garbageCollectionFrequency). */
export const GC_FREQUENCY_HOURS = 1;

/** Label that keeps a resource out of every backup (Velero's own). */
export const BACKUP_OPT_OUT_LABEL = 'velero.io/exclude-from-backup';

/**
 * TTL of each daily backup such that exactly `keep` backups exist after every run: backup N
 * expires, and is collected within one GC period, before backup N + keep is taken.
 */
export function backupTtlHours(keep: number): number {
  return keep * 24 - 2 * GC_FREQUENCY_HOURS;
}

/**
 * The backup storage location and the daily Schedule (`platform/backup-schedule.yaml`):
 * every namespace with its resources and the cluster-scoped state, except the ephemeral
 * system namespaces and flux-system (Flux is bootstrapped again from git, and its decryption
 * key belongs in the secret manager, not in a backup).
 */
export class BackupSchedule extends Component {
  constructor(scope: Construct, id: string, props: BackupScheduleProps) {
    super(scope, id, { layer: 'platform' });
    const storage = props.objectStorage;
    const namespace = PLATFORM_NAMESPACES.backup;

    new ApiObject(this, 'location', {
      apiVersion: 'velero.io/v1',
      kind: 'BackupStorageLocation',
      metadata: { name: 'default', namespace },
      spec: {
        default: true,
        provider: 'aws',
        objectStorage: { bucket: storage.bucket, prefix: props.prefix },
        config: { region: storage.region, s3Url: storage.endpoint, s3ForcePathStyle: 'true', checksumAlgorithm: '' },
        credential: { name: 'velero-credentials', key: 'cloud' },
      },
    });

    new ApiObject(this, 'daily', {
      apiVersion: 'velero.io/v1',
      kind: 'Schedule',
      metadata: { name: 'daily', namespace },
      spec: {
        schedule: `CRON_TZ=${BACKUP_TIME_ZONE} ${BACKUP_CRON}`,
        useOwnerReferencesInBackup: false,
        template: {
          ttl: `${backupTtlHours(props.keep ?? 3)}h0m0s`,
          storageLocation: 'default',
          includedNamespaces: ['*'],
          excludedNamespaces: ['flux-system', 'kube-node-lease', 'kube-public'],
          includeClusterResources: true,
          // resources labelled velero.io/exclude-from-backup=true are skipped by Velero itself
          snapshotVolumes: false,
        },
      },
    });
  }
}
