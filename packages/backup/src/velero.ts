import {
  type ChartCatalog,
  Component,
  HelmChart,
  PLATFORM_NAMESPACES,
  type Pods,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from '@ck8s/core';
import type { Construct } from 'constructs';
import { VELERO_ALERTS } from './velero-alerts.js';
import { VELERO_DASHBOARD } from './velero-dashboard.js';
import { KUBELET_PODS_PATH, type VolumeBackupMethod } from './volume-backup.js';

export interface VeleroProps {
  readonly catalog: ChartCatalog;
  /** The S3-compatible endpoint backups are written to (its addresses come from the cluster's network settings). */
  readonly objectStorageEndpoint: string;
  /** How volume data is backed up (see VolumeBackupMethod); either way through the node agent. @default 'file-system' */
  readonly volumeBackup?: VolumeBackupMethod;
}

/**
 * The object-store plugin, matched to the Velero release of the pinned chart: plugin v1.14.x is
 * built against Velero 1.18 (velero chart 12.x); bump it together with the chart.
 */
export const VELERO_AWS_PLUGIN_IMAGE = 'velero/velero-plugin-for-aws:v1.14.2';

/** sops Secret with the object storage credentials, as an AWS credentials file under key `cloud`. */
export const VELERO_CREDENTIALS_SECRET = 'velero-credentials';

/** The values of the velero chart this platform sets. */
export interface VeleroValues {
  readonly initContainers: readonly Record<string, unknown>[];
  readonly credentials: { readonly useSecret: boolean; readonly existingSecret: string };
  readonly configuration: {
    readonly backupStorageLocation: readonly unknown[];
    readonly volumeSnapshotLocation: readonly unknown[];
    readonly garbageCollectionFrequency: string;
    readonly uploaderType: 'kopia';
    readonly features?: string;
    readonly repositoryMaintenanceJob: {
      readonly repositoryConfigData: { readonly name: string; readonly global: Record<string, unknown> };
    };
  };
  readonly snapshotsEnabled: boolean;
  readonly upgradeCRDs: boolean;
  readonly deployNodeAgent: boolean;
  readonly nodeAgent: {
    readonly disableHostPath: boolean;
    readonly extraVolumes: readonly Record<string, unknown>[];
    readonly extraVolumeMounts: readonly Record<string, unknown>[];
    readonly extraArgs: readonly string[];
    readonly podSecurityContext: Record<string, unknown>;
    readonly containerSecurityContext: Record<string, unknown>;
    readonly resources: { readonly requests: Record<string, string>; readonly limits: Record<string, string> };
  };
  readonly configMaps: Record<string, { readonly data: Record<string, string> }>;
  readonly metrics: { readonly enabled: boolean };
  readonly podSecurityContext: Record<string, unknown>;
  readonly containerSecurityContext: Record<string, unknown>;
  readonly resources: { readonly requests: Record<string, string>; readonly limits: Record<string, string> };
}

/** The server and the node agents (both carry the chart's name label). */
const VELERO_PODS: Pods = { name: 'velero', namespace: PLATFORM_NAMESPACES.backup, labels: { 'app.kubernetes.io/name': 'velero' } };

/**
 * Every pod of the namespace: besides the server and the node agents, Velero starts pods of its own
 * that carry none of the chart's labels and reach the API server and the object storage: the data
 * mover pod of each volume backup or restore (label `velero.io/pod-volume-backup` and the like) and
 * the kopia repository maintenance Jobs.
 */
const VELERO_NAMESPACE_PODS: Pods = { name: 'velero', namespace: PLATFORM_NAMESPACES.backup };

const RESTRICTED = restrictedContainerSecurityContext({ runAsUser: 65534 });

/** The node agent's ConfigMap (chart value `configMaps`, prefixed with the release name). */
export const NODE_AGENT_CONFIGMAP = 'velero-node-agent-config';

/**
 * Resources of the pods Velero starts itself: the data mover pod of each volume backup or restore
 * (node agent ConfigMap) and the repository maintenance Jobs. Without them the platform's
 * resource-requirements admission rule would reject those pods.
 */
export const VELERO_JOB_RESOURCES = { cpuRequest: '100m', memoryRequest: '256Mi', memoryLimit: '1Gi' } as const;

/**
 * Why the backup namespace enforces `privileged`, the one exception to the restricted profile in
 * it: the node agent reads pod volumes (and writes them back on restore) through the kubelet's
 * pod directory on its node, a host path the baseline and restricted levels forbid.
 */
export const NODE_AGENT_POD_SECURITY_EXCEPTION = `Velero node agent backs up and restores pod volumes through the host path ${KUBELET_PODS_PATH} (mount propagation HostToContainer, nothing else of the host), as root because the kubelet's pod directories are root-only; the per-volume data mover pods it starts inherit that mount and run as root; no privileged container, no host network or PID, the node agent drops every capability; the Velero server stays restricted`;

/**
 * The Velero server and node agent (`controllers/velero.yaml`): the S3 plugin, credentials from a
 * sops Secret, a garbage collection frequency short enough for the schedule's retention to hold, and
 * the node agent DaemonSet that backs up volume data with kopia (file-system backup, or the data
 * movement of CSI snapshots). The node agent is the namespace's one documented Pod Security exception
 * (NODE_AGENT_POD_SECURITY_EXCEPTION): it gets exactly the kubelet's pod directory, not the chart's
 * second host path (/var/lib/kubelet/plugins, only for block-mode volumes, which are not supported).
 */
export class Velero extends Component {
  constructor(scope: Construct, id: string, props: VeleroProps) {
    super(scope, id, { layer: 'controllers' });
    const namespace = PLATFORM_NAMESPACES.backup;
    const csi = props.volumeBackup === 'csi-snapshot-data-movement';
    this.requireSecret({
      namespace,
      name: VELERO_CREDENTIALS_SECRET,
      keys: ['cloud'],
      purpose: 'object storage credentials of Velero (an AWS credentials file)',
      generate: (context) => ({
        cloud: `[default]\naws_access_key_id=${context.outside('s3-access-key-id')}\naws_secret_access_key=${context.outside('s3-secret-access-key')}\n`,
      }),
    });
    this.addNamespace({ name: namespace, podSecurity: 'privileged', podSecurityException: NODE_AGENT_POD_SECURITY_EXCEPTION });

    new HelmChart<VeleroValues>(this, 'chart', {
      catalog: props.catalog,
      chart: 'velero',
      namespace,
      // Velero backs up and restores every kind of object, so the chart binds it to cluster-admin
      expects: { workloads: ['DaemonSet/node-agent', 'Deployment/velero'], clusterObjects: ['ClusterRoleBinding/velero-server'] },
      values: {
        initContainers: [
          {
            name: 'velero-plugin-for-aws',
            image: VELERO_AWS_PLUGIN_IMAGE,
            imagePullPolicy: 'IfNotPresent',
            volumeMounts: [{ mountPath: '/target', name: 'plugins' }],
            securityContext: RESTRICTED,
            // it only copies the plugin binary into the shared volume
            resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } },
          },
        ],
        credentials: { useSecret: true, existingSecret: VELERO_CREDENTIALS_SECRET },
        // the location and the schedule are generated as objects (platform/backup-schedule.yaml)
        configuration: {
          backupStorageLocation: [],
          volumeSnapshotLocation: [],
          garbageCollectionFrequency: '1h',
          uploaderType: 'kopia',
          // CSI snapshots are taken by Velero's built-in CSI support, which still sits behind this flag
          ...(csi ? { features: 'EnableCSI' } : {}),
          repositoryMaintenanceJob: {
            repositoryConfigData: { name: 'velero-repo-maintenance', global: { keepLatestMaintenanceJobs: 3, podResources: VELERO_JOB_RESOURCES } },
          },
        },
        // no VolumeSnapshotLocation: CSI snapshots need none, and the provider snapshots of the AWS plugin are not used
        snapshotsEnabled: false,
        // The chart's CRD upgrade hook Job has no pod labels (so no NetworkPolicy lets it reach the API
        // server; chart 12 moved it to registry.k8s.io/kubectl). Flux applies the chart's crds/ on
        // install and upgrade instead.
        upgradeCRDs: false,
        deployNodeAgent: true,
        nodeAgent: {
          // the chart's own host paths include /var/lib/kubelet/plugins (block-mode volumes only): mount just the pods' directory
          disableHostPath: true,
          extraVolumes: [
            { name: 'host-pods', hostPath: { path: KUBELET_PODS_PATH, type: 'Directory' } },
            { name: 'tmp', emptyDir: {} },
          ],
          extraVolumeMounts: [
            // Velero finds the pod volumes under this volume name and mount point
            { name: 'host-pods', mountPath: '/host_pods', mountPropagation: 'HostToContainer' },
            { name: 'tmp', mountPath: '/tmp' },
          ],
          extraArgs: [`--node-agent-configmap=${NODE_AGENT_CONFIGMAP}`],
          podSecurityContext: { runAsUser: 0, runAsNonRoot: false, seccompProfile: { type: 'RuntimeDefault' } },
          containerSecurityContext: restrictedContainerSecurityContext({ runAsNonRoot: false, runAsUser: 0 }),
          resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
        },
        configMaps: {
          'node-agent-config': {
            data: {
              'node-agent-config.json': JSON.stringify({
                podResources: VELERO_JOB_RESOURCES,
                // one volume at a time per node, so a backup cannot starve the node's workloads
                loadConcurrency: { globalConfig: 1 },
                privilegedFsBackup: false,
              }),
            },
          },
        },
        metrics: { enabled: true },
        podSecurityContext: restrictedPodSecurityContext(),
        containerSecurityContext: RESTRICTED,
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
      },
    });

    this.addFlow({ from: VELERO_NAMESPACE_PODS, to: { peer: 'api-server' }, name: 'allow-api-server' });
    this.addFlow({
      from: VELERO_NAMESPACE_PODS,
      to: { peer: 'object-storage', endpoint: props.objectStorageEndpoint },
      name: 'allow-object-storage',
    });
    // the server and every node agent serve their metrics on 8085 (one PodMonitor selects both)
    this.addMetrics({ name: 'velero', pods: VELERO_PODS, port: 8085 });
    this.addAlerts(VELERO_ALERTS);
    this.addDashboard(VELERO_DASHBOARD);
  }
}
