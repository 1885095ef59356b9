/**
 * How Velero copies the data of persistent volumes (and other pod volumes) into object storage.
 *
 * - `file-system` (the default): the node agent reads each pod volume through the kubelet's pod
 *   directory on its node and uploads it with kopia (Velero's file-system backup). Works with every
 *   storage driver; a volume is as consistent as a copy of a running filesystem.
 * - `csi-snapshot-data-movement`: Velero takes a CSI snapshot of each persistent volume with the
 *   cluster's VolumeSnapshotClass and the node agent moves the snapshot's data into object storage
 *   (a point-in-time copy). Needs a CSI driver with snapshot support and its VolumeSnapshotClass.
 */
export type VolumeBackupMethod = 'file-system' | 'csi-snapshot-data-movement';

export const VOLUME_BACKUP_METHODS: readonly VolumeBackupMethod[] = ['file-system', 'csi-snapshot-data-movement'];

/** The volume backup of a cluster: the method and, for CSI snapshots, the class to take them with. */
export type VolumeBackup =
  | { readonly method: 'file-system' }
  | {
      readonly method: 'csi-snapshot-data-movement';
      /** Name of the CSI driver (the StorageClass provisioner), e.g. `ebs.csi.aws.com`. */
      readonly csiDriver: string;
      /** The cluster's VolumeSnapshotClass for that driver. */
      readonly volumeSnapshotClass: string;
    };

/**
 * Pod annotation (Velero's own) listing the volumes of a pod that the file-system backup skips,
 * comma-separated: the per-volume opt-out.
 */
export const VOLUME_OPT_OUT_ANNOTATION = 'backup.velero.io/backup-volumes-excludes';

/** Backup annotation (Velero's own) naming the VolumeSnapshotClass for a CSI driver: the suffix is the driver. */
export const VOLUME_SNAPSHOT_CLASS_ANNOTATION_PREFIX = 'velero.io/csi-volumesnapshot-class_';

/** Where the kubelet keeps the volumes of the pods on a node; the node agent reads (and restores into) it. */
export const KUBELET_PODS_PATH = '/var/lib/kubelet/pods';
