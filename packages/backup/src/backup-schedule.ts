import { Component, ENGINE_NAMESPACE, gitopsEngineOf, PLATFORM_NAMESPACES } from '@ck8s/core';
import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { VOLUME_SNAPSHOT_CLASS_ANNOTATION_PREFIX, type VolumeBackup } from './volume-backup.js';

export interface BackupScheduleProps {
  /** The S3-compatible bucket backups are written to. */
  readonly objectStorage: { readonly endpoint: string; readonly bucket: string; readonly region: string };
  /** Prefix of this cluster's backups in the bucket (the cluster name), so clusters can share a bucket. */
  readonly prefix: string;
  /** Daily backups kept. @default 3 */
  readonly keep?: number;
  /** Local time (BACKUP_TIME_ZONE) of the daily backup, `HH:MM` inside BACKUP_WINDOW. @default BACKUP_TIME */
  readonly time?: string;
  /** How volume data is backed up. @default { method: 'file-system' } */
  readonly volumes?: VolumeBackup;
}

/** Time zone of the backup window. */
export const BACKUP_TIME_ZONE = 'Europe/Stockholm';
/**
 * 01:30 local time: inside the 00:00-03:00 window, and clear of the daylight-saving changes
 * (02:00-03:00 does not exist on the last Sunday of March and happens twice in October).
 */
export const BACKUP_CRON = '30 1 * * *';
/** The default local time of the daily backups (BACKUP_CRON). */
export const BACKUP_TIME = '01:30';
/**
 * Where a backup may start, in minutes after local midnight: the service description's 00:00-03:00,
 * less the hour the daylight-saving changes skip (last Sunday of March) or repeat (last of October).
 */
export const BACKUP_WINDOW = { from: 0, to: 2 * 60 } as const;

/**
 * The `m h * * *` line of a daily job at local time `HH:MM`; throws unless the time is inside BACKUP_WINDOW,
 * so a backup never starts twice or not at all on the days the clocks change.
 */
export function dailyCron(time: string): string {
  const match = /^([0-9]{2}):([0-9]{2})$/.exec(time);
  const minutes = match ? Number(match[1]) * 60 + Number(match[2]) : NaN;
  if (!match || Number(match[2]) > 59 || !(minutes >= BACKUP_WINDOW.from && minutes < BACKUP_WINDOW.to))
    throw new Error(
      `backup time "${time}" is not HH:MM between 00:00 and 01:59 (the 00:00-03:00 window without the hour daylight saving skips or repeats)`,
    );
  return `${Number(match[2])} ${Number(match[1])} * * *`;
}
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
 * system namespaces and the GitOps engine's (flux-system or argocd: the engine is bootstrapped
 * again from git, and its decryption key belongs in the secret manager, not in a backup), and the
 * data of every pod volume:
 *
 * - `file-system`: every volume of every running pod goes through the node agent (kopia), except
 *   those a pod lists in its VOLUME_OPT_OUT_ANNOTATION (and host paths, Secrets, ConfigMaps and
 *   projected volumes, which Velero never copies);
 * - `csi-snapshot-data-movement`: persistent volumes are snapshotted with the named
 *   VolumeSnapshotClass and the node agent moves the snapshot data to object storage; a volume
 *   stays out through its PersistentVolumeClaim's BACKUP_OPT_OUT_LABEL.
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

    const volumes = props.volumes ?? { method: 'file-system' };
    const csi = volumes.method === 'csi-snapshot-data-movement';
    new ApiObject(this, 'daily', {
      apiVersion: 'velero.io/v1',
      kind: 'Schedule',
      // Velero copies a Schedule's annotations to each Backup it creates
      metadata: {
        name: 'daily',
        namespace,
        ...(csi ? { annotations: { [`${VOLUME_SNAPSHOT_CLASS_ANNOTATION_PREFIX}${volumes.csiDriver}`]: volumes.volumeSnapshotClass } } : {}),
      },
      spec: {
        schedule: `CRON_TZ=${BACKUP_TIME_ZONE} ${dailyCron(props.time ?? BACKUP_TIME)}`,
        useOwnerReferencesInBackup: false,
        template: {
          ttl: `${backupTtlHours(props.keep ?? 3)}h0m0s`,
          storageLocation: 'default',
          includedNamespaces: ['*'],
          excludedNamespaces: [ENGINE_NAMESPACE[gitopsEngineOf(this)], 'kube-node-lease', 'kube-public'],
          includeClusterResources: true,
          // resources labelled velero.io/exclude-from-backup=true are skipped by Velero itself
          snapshotVolumes: csi,
          snapshotMoveData: csi,
          defaultVolumesToFsBackup: !csi,
        },
      },
    });
  }
}
