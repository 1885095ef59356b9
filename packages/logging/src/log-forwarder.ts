import {
  apiServerPeer,
  type ChartCatalog,
  type ClusterConfig,
  Component,
  type Fleet,
  HardenedNamespace,
  HelmChart,
  NetworkAllow,
  PLATFORM_NAMESPACES,
  serviceClusterOf,
  serviceClusterPeer,
  serviceEndpoints,
  PROMETHEUS_PEER,
} from '@ck8s/core';
import type { Construct } from 'constructs';
import { fluentBitPipeline, LOG_FORWARDER_ENV, LOG_FORWARDER_METRICS_PORT, LOG_FORWARDER_STATE_DIR } from './fluent-bit-pipeline.js';
import type { FluentBitValues } from './fluent-bit-values.js';

export interface LogForwarderProps {
  readonly cluster: ClusterConfig;
  /** The fleet, to find the service cluster that receives the logs. */
  readonly fleet: Fleet;
  readonly catalog: ChartCatalog;
  /** Pod Security Standards version of the namespace, e.g. `v1.33`. @default 'latest' */
  readonly podSecurityVersion?: string;
}

/** sops Secret in the logging namespace with the forwarder's account on the log store. */
export const LOG_FORWARDER_CREDENTIALS_SECRET = 'fluent-bit-credentials';

/** Labels of the Fluent Bit pods, as the chart sets them; allow rules select them. */
export const LOG_FORWARDER_POD_LABELS: Readonly<Record<string, string>> = { 'app.kubernetes.io/name': 'fluent-bit' };

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
 * falcosidekick (index `falco`), not through this pipeline.
 *
 * This component owns the `logging` namespace; the log store of a service cluster lives in it too.
 */
export class LogForwarder extends Component {
  constructor(scope: Construct, id: string, props: LogForwarderProps) {
    super(scope, id, { layer: 'controllers' });
    const { cluster } = props;
    const namespace = PLATFORM_NAMESPACES.logging;
    const logs = new URL(serviceEndpoints(serviceClusterOf(cluster, props.fleet).domain).logs);
    // both checked before anything is built, so a missing address fails synth with the field to set
    const toServiceCluster = serviceClusterPeer(cluster, 'fluent-bit');
    const toApiServer = apiServerPeer(cluster, 'fluent-bit (kubernetes metadata filter)');

    this.requireSecret({
      namespace,
      name: LOG_FORWARDER_CREDENTIALS_SECRET,
      keys: [LOG_FORWARDER_ENV.username, LOG_FORWARDER_ENV.password],
      purpose: "Fluent Bit's write-only account (role log_writer) on the service cluster's log store",
    });

    new HardenedNamespace(this, 'namespace', {
      name: namespace,
      podSecurity: 'privileged',
      podSecurityException: LOG_FORWARDER_POD_SECURITY_EXCEPTION,
      ...(props.podSecurityVersion ? { podSecurityVersion: props.podSecurityVersion } : {}),
    });

    const secretEnv = (name: string) => ({ name, valueFrom: { secretKeyRef: { name: LOG_FORWARDER_CREDENTIALS_SECRET, key: name } } });
    new HelmChart<FluentBitValues>(this, 'chart', {
      catalog: props.catalog,
      chart: 'fluent-bit',
      namespace,
      values: {
        kind: 'DaemonSet',
        rbac: { create: true },
        // the chart's test pod pulls busybox:latest; Flux never runs helm test
        testFramework: { enabled: false },
        hostNetwork: false,
        podSecurityContext: { seccompProfile: { type: 'RuntimeDefault' } },
        securityContext: {
          // root only to read root-owned log files; no capability, no escalation, nothing writable but the state dir
          runAsUser: 0,
          runAsNonRoot: false,
          privileged: false,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        },
        // the audit log exists only on control-plane nodes
        tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
        env: [secretEnv(LOG_FORWARDER_ENV.username), secretEnv(LOG_FORWARDER_ENV.password)],
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
        config: fluentBitPipeline({ clusterName: cluster.name, host: logs.hostname, port: logs.port ? Number(logs.port) : 443 }),
      },
    });

    const pods = { ...LOG_FORWARDER_POD_LABELS };
    new NetworkAllow(this, 'to-service-cluster', { namespace, name: 'allow-fluent-bit-to-service-cluster', direction: 'egress', podLabels: pods, ...toServiceCluster });
    new NetworkAllow(this, 'to-api-server', { namespace, name: 'allow-fluent-bit-to-api-server', direction: 'egress', podLabels: pods, ...toApiServer });
    new NetworkAllow(this, 'metrics', {
      namespace,
      name: 'allow-fluent-bit-metrics-from-prometheus',
      direction: 'ingress',
      podLabels: pods,
      peers: [PROMETHEUS_PEER],
      ports: [{ port: LOG_FORWARDER_METRICS_PORT }],
    });
  }
}
