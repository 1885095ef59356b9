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

export interface VeleroProps {
  readonly catalog: ChartCatalog;
  /** The S3-compatible endpoint backups are written to (its addresses come from the cluster's network settings). */
  readonly objectStorageEndpoint: string;
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
  };
  readonly snapshotsEnabled: boolean;
  readonly upgradeCRDs: boolean;
  readonly deployNodeAgent: boolean;
  readonly metrics: { readonly enabled: boolean };
  readonly podSecurityContext: Record<string, unknown>;
  readonly containerSecurityContext: Record<string, unknown>;
  readonly resources: { readonly requests: Record<string, string>; readonly limits: Record<string, string> };
}

const VELERO_PODS: Pods = { name: 'velero', namespace: PLATFORM_NAMESPACES.backup, labels: { 'app.kubernetes.io/name': 'velero' } };

const RESTRICTED = restrictedContainerSecurityContext({ runAsUser: 65534 });

/**
 * The Velero server (`controllers/velero.yaml`) in a restricted namespace: no node agent (it
 * would need host paths), the S3 plugin, credentials from a sops Secret, and a garbage
 * collection frequency short enough for the schedule's retention to hold.
 */
export class Velero extends Component {
  constructor(scope: Construct, id: string, props: VeleroProps) {
    super(scope, id, { layer: 'controllers' });
    const namespace = PLATFORM_NAMESPACES.backup;
    this.requireSecret({
      namespace,
      name: VELERO_CREDENTIALS_SECRET,
      keys: ['cloud'],
      purpose: 'object storage credentials of Velero (an AWS credentials file)',
      generate: (context) => ({
        cloud: `[default]\naws_access_key_id=${context.outside('s3-access-key-id')}\naws_secret_access_key=${context.outside('s3-secret-access-key')}\n`,
      }),
    });
    this.addNamespace({ name: namespace });

    new HelmChart<VeleroValues>(this, 'chart', {
      catalog: props.catalog,
      chart: 'velero',
      namespace,
      // Velero backs up and restores every kind of object, so the chart binds it to cluster-admin
      expects: { workloads: ['Deployment/velero'], clusterObjects: ['ClusterRoleBinding/velero-server'] },
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
        configuration: { backupStorageLocation: [], volumeSnapshotLocation: [], garbageCollectionFrequency: '1h' },
        snapshotsEnabled: false,
        // The chart's CRD upgrade hook Job has no pod labels (so no NetworkPolicy lets it reach the API
        // server; chart 12 moved it to registry.k8s.io/kubectl). Flux applies the chart's crds/ on
        // install and upgrade instead.
        upgradeCRDs: false,
        deployNodeAgent: false,
        metrics: { enabled: true },
        podSecurityContext: restrictedPodSecurityContext(),
        containerSecurityContext: RESTRICTED,
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
      },
    });

    this.addFlow({ from: VELERO_PODS, to: { peer: 'api-server' }, name: 'allow-api-server' });
    this.addFlow({ from: VELERO_PODS, to: { peer: 'object-storage', endpoint: props.objectStorageEndpoint }, name: 'allow-object-storage' });
    this.addMetrics({ name: 'velero', pods: VELERO_PODS, port: 8085 });
  }
}
