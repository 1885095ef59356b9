import {

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
import type { FalcoValues } from './falco-values.js';
import { platformRulesFile } from './platform-exceptions.js';

export interface FalcoProps {
  readonly cluster: ClusterConfig;
  readonly fleet: Fleet;
  readonly catalog: ChartCatalog;
  /** Pod Security Standards version of the namespace, e.g. `v1.33`. @default 'latest' */
  readonly podSecurityVersion?: string;
}

/** The upstream rule sets, all enabled, so every detection this platform promises fires. */
export const FALCO_RULES_FILES: readonly string[] = ['/etc/falco/falco_rules.yaml', '/etc/falco/falco-incubating_rules.yaml', '/etc/falco/falco-sandbox_rules.yaml', '/etc/falco/rules.d'];

/**
 * The one documented exception to the restricted profile: Falco's modern eBPF probe needs the
 * host PID namespace, host paths (/proc, /etc, /dev, the container runtime socket) and
 * capabilities (BPF, PERFMON, SYS_RESOURCE, SYS_PTRACE) that even the baseline profile forbids.
 * Least-privileged mode keeps the container itself unprivileged.
 */
export const FALCO_POD_SECURITY_EXCEPTION =
  'Falco modern eBPF probe needs host PID, host paths (/proc, /etc, /dev, runtime socket) and BPF/PERFMON/SYS_RESOURCE/SYS_PTRACE capabilities; runs in least-privileged mode, not as a privileged container';

/**
 * Falco with falcosidekick (`controllers/falco.yaml`): the modern eBPF driver in least-privileged
 * mode; the stable, incubating and sandbox rule sets plus the platform's named exceptions; events
 * at or above the configured priority forwarded to the service cluster's log store and
 * Alertmanager, so they leave the cluster as they happen.
 */
export class Falco extends Component {
  constructor(scope: Construct, id: string, props: FalcoProps) {
    super(scope, id, { layer: 'controllers' });
    const { cluster } = props;
    const namespace = PLATFORM_NAMESPACES.ids;
    const endpoints = serviceEndpoints(serviceClusterOf(cluster, props.fleet).domain);
    const priority = cluster.ids.minimumPriority;
    const toServiceCluster = serviceClusterPeer(cluster, 'falcosidekick');

    this.requireSecret({
      namespace,
      name: cluster.ids.credentialsSecret,
      // ALERTMANAGER_CUSTOMHEADERS: `Authorization:Basic <base64 user:password>` for the Alertmanager endpoint's basic auth
      keys: ['ELASTICSEARCH_USERNAME', 'ELASTICSEARCH_PASSWORD', 'ALERTMANAGER_CUSTOMHEADERS'],
      purpose: "falcosidekick's accounts on the service cluster's log store and Alertmanager",
    });

    new HardenedNamespace(this, 'namespace', {
      name: namespace,
      podSecurity: 'privileged',
      podSecurityException: FALCO_POD_SECURITY_EXCEPTION,
      ...(props.podSecurityVersion ? { podSecurityVersion: props.podSecurityVersion } : {}),
    });

    const restricted = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, runAsUser: 1234 };
    new HelmChart<FalcoValues>(this, 'chart', {
      catalog: props.catalog,
      chart: 'falco',
      namespace,
      values: {
        driver: { kind: 'modern_ebpf', modernEbpf: { leastPrivileged: true } },
        tty: false,
        tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
        resources: { requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '1024Mi' } },
        falco: { rules_files: FALCO_RULES_FILES, json_output: true, json_include_output_property: true, priority: 'debug', metrics: { enabled: true } },
        falcoctl: {
          artifact: { install: { enabled: true }, follow: { enabled: false } },
          // pinned rule set majors: updates are reviewed here, not pulled at run time
          config: { artifact: { install: { refs: ['falco-rules:4', 'falco-incubating-rules:4', 'falco-sandbox-rules:4'] }, allowedTypes: ['rulesfile'] } },
        },
        customRules: { 'ck8s-exceptions.yaml': platformRulesFile() },
        falcosidekick: {
          enabled: true,
          replicaCount: 2,
          webui: { enabled: false },
          podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          securityContext: restricted,
          config: {
            existingSecret: cluster.ids.credentialsSecret,
            alertmanager: { hostport: endpoints.alertmanager, minimumpriority: priority },
            elasticsearch: { hostport: endpoints.logs, index: 'falco', suffix: 'daily', minimumpriority: priority },
          },
        },
      },
    });

    const falcoPods = { 'app.kubernetes.io/name': 'falco' };
    const sidekickPods = { 'app.kubernetes.io/name': 'falcosidekick' };
    new NetworkAllow(this, 'to-sidekick', { namespace, name: 'allow-falco-to-falcosidekick', direction: 'egress', podLabels: falcoPods, peers: [{ namespace, podLabels: sidekickPods }], ports: [{ port: 2801 }] });
    new NetworkAllow(this, 'sidekick-from-falco', { namespace, name: 'allow-falcosidekick-from-falco', direction: 'ingress', podLabels: sidekickPods, peers: [{ namespace, podLabels: falcoPods }], ports: [{ port: 2801 }] });
    new NetworkAllow(this, 'sidekick-out', { namespace, name: 'allow-falcosidekick-to-service-cluster', direction: 'egress', podLabels: sidekickPods, ...toServiceCluster });
    // falcoctl fetches the pinned rule sets from their OCI registry when a pod starts
    new NetworkAllow(this, 'rules', { namespace, name: 'allow-rules-download', direction: 'egress', podLabels: falcoPods, peers: [{ cidrs: ['0.0.0.0/0', '::/0'] }], ports: [{ port: 443 }] });
    new NetworkAllow(this, 'metrics', {
      namespace,
      name: 'allow-metrics-from-prometheus',
      direction: 'ingress',
      podLabels: falcoPods,
      peers: [PROMETHEUS_PEER],
      ports: [{ port: 8765 }],
    });
  }
}
