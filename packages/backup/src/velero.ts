import { apiServerPeer, type ChartCatalog, type ClusterConfig, Component, ConfigError, HardenedNamespace, HelmChart, NetworkAllow, PLATFORM_NAMESPACES, PROMETHEUS_PEER } from '@ck8s/core';
import type { Construct } from 'constructs';

export interface VeleroProps {
  readonly cluster: ClusterConfig;
  readonly catalog: ChartCatalog;
  /** Pod Security Standards version of the namespace, e.g. `v1.33`. @default 'latest' */
  readonly podSecurityVersion?: string;
}

/** The object-store plugin, matched to the Velero release of the pinned chart. */
export const VELERO_AWS_PLUGIN_IMAGE = 'velero/velero-plugin-for-aws:v1.12.1';

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
  };
  readonly snapshotsEnabled: boolean;
  readonly deployNodeAgent: boolean;
  readonly metrics: { readonly enabled: boolean };
  readonly podSecurityContext: Record<string, unknown>;
  readonly containerSecurityContext: Record<string, unknown>;
  readonly resources: { readonly requests: Record<string, string>; readonly limits: Record<string, string> };
}

const RESTRICTED = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, runAsUser: 65534 };

/**
 * The Velero server (`controllers/velero.yaml`) in a restricted namespace: no node agent (it
 * would need host paths), the S3 plugin, credentials from a sops Secret, and a garbage
 * collection frequency short enough for the schedule's retention to hold.
 */
export class Velero extends Component {
  constructor(scope: Construct, id: string, props: VeleroProps) {
    super(scope, id, { layer: 'controllers' });
    const { cluster } = props;
    const namespace = PLATFORM_NAMESPACES.backup;
    const api = apiServerPeer(cluster, 'velero');
    if (cluster.network.objectStorageCidrs.length === 0) {
      throw new ConfigError([{ file: `clusters/${cluster.name}/cluster.yaml`, path: 'network.objectStorageCidrs', message: 'is required: velero writes backups to the object storage (its addresses), or set backup.enabled: false' }]);
    }
    this.requireSecret({ namespace, name: VELERO_CREDENTIALS_SECRET, keys: ['cloud'], purpose: 'object storage credentials of Velero (an AWS credentials file)' });
    new HardenedNamespace(this, 'namespace', { name: namespace, ...(props.podSecurityVersion ? { podSecurityVersion: props.podSecurityVersion } : {}) });

    new HelmChart<VeleroValues>(this, 'chart', {
      catalog: props.catalog,
      chart: 'velero',
      namespace,
      values: {
        initContainers: [
          {
            name: 'velero-plugin-for-aws',
            image: VELERO_AWS_PLUGIN_IMAGE,
            imagePullPolicy: 'IfNotPresent',
            volumeMounts: [{ mountPath: '/target', name: 'plugins' }],
            securityContext: RESTRICTED,
          },
        ],
        credentials: { useSecret: true, existingSecret: VELERO_CREDENTIALS_SECRET },
        // the location and the schedule are generated as objects (platform/backup-schedule.yaml)
        configuration: { backupStorageLocation: [], volumeSnapshotLocation: [], garbageCollectionFrequency: '1h' },
        snapshotsEnabled: false,
        deployNodeAgent: false,
        metrics: { enabled: true },
        podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        containerSecurityContext: RESTRICTED,
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
      },
    });

    const pods = { 'app.kubernetes.io/name': 'velero' };
    new NetworkAllow(this, 'api', { namespace, name: 'allow-api-server', direction: 'egress', podLabels: pods, ...api });
    new NetworkAllow(this, 'storage', { namespace, name: 'allow-object-storage', direction: 'egress', podLabels: pods, peers: [{ cidrs: cluster.network.objectStorageCidrs }], ports: [{ port: 443 }] });
    new NetworkAllow(this, 'metrics', {
      namespace,
      name: 'allow-metrics-from-prometheus',
      direction: 'ingress',
      podLabels: pods,
      peers: [PROMETHEUS_PEER],
      ports: [{ port: 8085 }],
    });
  }
}
