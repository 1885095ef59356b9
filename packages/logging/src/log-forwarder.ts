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
import { AUDIT_ARCHIVE_CREDENTIAL_PLACEHOLDER, AUDIT_ARCHIVE_CREDENTIALS_SECRET, AUDIT_ARCHIVE_ENV, type AuditArchive } from './audit-archive.js';
import { fluentBitPipeline, LOG_FORWARDER_ENV, LOG_FORWARDER_METRICS_PORT, LOG_FORWARDER_STATE_DIR } from './fluent-bit-pipeline.js';
import type { FluentBitValues } from './fluent-bit-values.js';
import { LOG_SHIPPING_ALERTS } from './log-shipping-alerts.js';

export interface LogForwarderProps {
  readonly catalog: ChartCatalog;
  /** The cluster's name, on every record and in its index names (`app-<cluster>-*`, `audit-<cluster>-*`). */
  readonly clusterName: string;
  /** The service cluster's log store, e.g. `https://opensearch.<domain>`. */
  readonly logStoreUrl: string;
  /** Also archive the audit log and Falco events to a bucket with object lock, with a write-only key. @default no archive */
  readonly archive?: AuditArchive;
}

/** The account name of a cluster's Fluent Bit at its service cluster's log store. */
export function fluentBitUser(cluster: string): string {
  return `fluent-bit-${cluster}`;
}

/** sops Secret in the logging namespace with the forwarder's account on the log store. */
export const LOG_FORWARDER_CREDENTIALS_SECRET = 'fluent-bit-credentials';

/** The Fluent Bit pods, as the chart labels them. */
export const LOG_FORWARDER_PODS: Pods = {
  name: 'fluent-bit',
  namespace: PLATFORM_NAMESPACES.logging,
  labels: { 'app.kubernetes.io/name': 'fluent-bit' },
};

/**
 * Why the logging namespace runs below the restricted profile (written on the namespace).
 * Container logs under /var/log/pods and the audit log are root-owned files with mode 0640/0600,
 * so reading them needs UID 0 (no capability: root owns the files); hostPath volumes are refused
 * even by the baseline profile.
 */
export const LOG_FORWARDER_POD_SECURITY_EXCEPTION =
  'Fluent Bit reads container and audit logs through a read-only hostPath mount of /var/log and keeps read positions and its filesystem buffer in the hostPath /var/fluent-bit (hostPath is forbidden by baseline and restricted); ' +
  'it runs as UID 0 only because those logs are root-owned with mode 0640/0600; the container is not privileged, drops all capabilities, disallows privilege escalation and has a read-only root filesystem';

/**
 * Fluent Bit (`controllers/fluent-bit.yaml`), in every cluster: a DaemonSet that collects container
 * logs with Kubernetes metadata and, on control-plane nodes, the API server's audit log, and ships
 * them over verified TLS to the service cluster's log store, into `app-<cluster>-YYYY.MM.DD` and
 * `audit-<cluster>-YYYY.MM.DD`. Records wait in a filesystem buffer on the node while the service
 * cluster is unreachable and are retried without limit. Falco events reach the log store through
 * falcosidekick (index `falco`), not through this pipeline. With `archive`, the audit log and Falco's
 * events (read from the Falco containers' logs) also go to a bucket with object lock (see
 * auditArchiveBucketPolicy), with a key that can only add objects.
 *
 * This component owns the `logging` namespace; the log store of a service cluster lives in it too.
 */
export class LogForwarder extends Component {
  constructor(scope: Construct, id: string, props: LogForwarderProps) {
    super(scope, id, { layer: 'controllers' });
    const namespace = PLATFORM_NAMESPACES.logging;
    const logs = new URL(props.logStoreUrl);

    this.requireSecret({
      namespace,
      name: LOG_FORWARDER_CREDENTIALS_SECRET,
      keys: [LOG_FORWARDER_ENV.username, LOG_FORWARDER_ENV.password],
      purpose: "Fluent Bit's write-only account (role log_writer) on the service cluster's log store",
      generate: (context) => {
        const user = fluentBitUser(context.cluster);
        return { [LOG_FORWARDER_ENV.username]: user, [LOG_FORWARDER_ENV.password]: context.account('log-writer', user) };
      },
    });

    if (props.archive) {
      this.requireSecret({
        namespace,
        name: AUDIT_ARCHIVE_CREDENTIALS_SECRET,
        keys: [AUDIT_ARCHIVE_ENV.accessKeyId, AUDIT_ARCHIVE_ENV.secretAccessKey],
        purpose: `the write-only object storage key of ${props.archive.writer} for the audit archive in bucket ${props.archive.bucket}`,
        // a placeholder until the store's administrator issues the writer's key (see AUDIT_ARCHIVE_CREDENTIAL_PLACEHOLDER)
        generate: () => ({
          [AUDIT_ARCHIVE_ENV.accessKeyId]: AUDIT_ARCHIVE_CREDENTIAL_PLACEHOLDER,
          [AUDIT_ARCHIVE_ENV.secretAccessKey]: AUDIT_ARCHIVE_CREDENTIAL_PLACEHOLDER,
        }),
      });
    }

    this.addNamespace({ name: namespace, podSecurity: 'privileged', podSecurityException: LOG_FORWARDER_POD_SECURITY_EXCEPTION });

    const secretEnv = (name: string, secret = LOG_FORWARDER_CREDENTIALS_SECRET) => ({
      name,
      valueFrom: { secretKeyRef: { name: secret, key: name } },
    });
    const archiveEnv = props.archive
      ? [
          secretEnv(AUDIT_ARCHIVE_ENV.accessKeyId, AUDIT_ARCHIVE_CREDENTIALS_SECRET),
          secretEnv(AUDIT_ARCHIVE_ENV.secretAccessKey, AUDIT_ARCHIVE_CREDENTIALS_SECRET),
        ]
      : [];
    new HelmChart<FluentBitValues>(this, 'chart', {
      catalog: props.catalog,
      chart: 'fluent-bit',
      namespace,
      // the ClusterRole reads pods and namespaces for the kubernetes filter's metadata
      expects: { workloads: ['DaemonSet/fluent-bit'], clusterObjects: ['ClusterRole/fluent-bit', 'ClusterRoleBinding/fluent-bit'] },
      values: {
        kind: 'DaemonSet',
        rbac: { create: true },
        // the chart's test pod pulls busybox:latest; Flux never runs helm test
        testFramework: { enabled: false },
        hostNetwork: false,
        // root only to read root-owned log files (the documented exception); no capability, no escalation, nothing writable but the state dir
        podSecurityContext: restrictedPodSecurityContext({ runAsNonRoot: false }),
        securityContext: restrictedContainerSecurityContext({ runAsUser: 0, runAsNonRoot: false }),
        // the audit log exists only on control-plane nodes
        tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
        env: [secretEnv(LOG_FORWARDER_ENV.username), secretEnv(LOG_FORWARDER_ENV.password), ...archiveEnv],
        metricsPort: LOG_FORWARDER_METRICS_PORT,
        // a ServiceMonitor needs the Prometheus Operator CRDs, which not every cluster has at this layer
        serviceMonitor: { enabled: false },
        daemonSetVolumes: [
          { name: 'varlog', hostPath: { path: '/var/log', type: 'Directory' } },
          { name: 'state', hostPath: { path: LOG_FORWARDER_STATE_DIR, type: 'DirectoryOrCreate' } },
        ],
        daemonSetVolumeMounts: [
          { name: 'varlog', mountPath: '/var/log', readOnly: true },
          { name: 'state', mountPath: LOG_FORWARDER_STATE_DIR, readOnly: false },
        ],
        config: fluentBitPipeline({
          clusterName: props.clusterName,
          host: logs.hostname,
          port: logs.port ? Number(logs.port) : 443,
          ...(props.archive ? { archive: { endpoint: props.archive.endpoint, bucket: props.archive.bucket, region: props.archive.region } } : {}),
        }),
      },
    });

    const pods = LOG_FORWARDER_PODS;
    this.addFlow({ from: pods, to: { peer: 'service-cluster' } });
    if (props.archive) this.addFlow({ from: pods, to: { peer: 'object-storage', endpoint: props.archive.endpoint } });
    // the kubernetes metadata filter
    this.addFlow({ from: pods, to: { peer: 'api-server' } });
    this.addMetrics({ name: 'fluent-bit', pods, port: LOG_FORWARDER_METRICS_PORT, path: '/api/v2/metrics/prometheus' });
    this.addAlerts(LOG_SHIPPING_ALERTS);
  }
}
