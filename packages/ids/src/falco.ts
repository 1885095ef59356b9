import {
  type ChartCatalog,
  Component,
  type ContainerResources,
  containerResources,
  gitopsEngineOf,
  HelmChart,
  PLATFORM_NAMESPACES,
  type Pods,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from '@ck8s/core';
import type { Construct } from 'constructs';
import { FALCO_ALERTS, FALCO_EVENT_ALERTS, FALCOSIDEKICK_METRICS } from './falco-alerts.js';
import { FALCO_DASHBOARD } from './falco-dashboard.js';
import type { FalcoValues } from './falco-values.js';
import { platformRulesFile } from './platform-exceptions.js';

export type FalcoPriority = 'emergency' | 'alert' | 'critical' | 'error' | 'warning' | 'notice' | 'informational' | 'debug';

export interface FalcoProps {
  readonly catalog: ChartCatalog;
  /** The service cluster's log store URL, e.g. `https://opensearch.<domain>`: events go to its index `falco`. */
  readonly logStoreUrl: string;
  /** The service cluster's Alertmanager URL. */
  readonly alertmanagerUrl: string;
  /** Lowest priority of events forwarded to the service cluster. @default 'notice' */
  readonly minimumPriority?: FalcoPriority;
  /** sops Secret in the namespace with falcosidekick's accounts at the log store and Alertmanager. @default 'falcosidekick-credentials' */
  readonly credentialsSecret?: string;
  /** Also load the incubating rule set (more detections, more false positives from legitimate workloads). @default false */
  readonly incubatingRules?: boolean;
  /** Also load the sandbox rule set (experimental detections, the noisiest). @default false */
  readonly sandboxRules?: boolean;
  /** Requests and memory limits of its containers, by container. @default FALCO_RESOURCES */
  readonly resources?: FalcoResources;
}

/** Requests and memory limits of Falco's containers (the `resource-requirements` rule holds for the platform too). */
export interface FalcoResources {
  /** Falco itself, on every node: the eBPF probe's ring buffers and the rule engine. @default 100m CPU, 512Mi memory, 1024Mi limit */
  readonly falco?: ContainerResources;
  /** The falcoctl-artifact-install init container: downloads the pinned rule sets when a pod starts. @default 10m CPU, 32Mi memory, 128Mi limit */
  readonly falcoctlInstall?: ContainerResources;
  /** falcosidekick: forwards events to the service cluster. @default 10m CPU, 32Mi memory, 128Mi limit */
  readonly falcosidekick?: ContainerResources;
}

/** The sizes Falco's containers get unless the props say otherwise: the one place they are written. */
export const FALCO_RESOURCES: Required<FalcoResources> = {
  falco: containerResources('100m', '512Mi', '1024Mi'),
  falcoctlInstall: containerResources('10m', '32Mi', '128Mi'),
  falcosidekick: containerResources('10m', '32Mi', '128Mi'),
};

/** The account name of a cluster's falcosidekick at its service cluster's log store and Alertmanager. */
export function falcosidekickUser(cluster: string): string {
  return `falcosidekick-${cluster}`;
}

/** The `Authorization` header falcosidekick sends to Alertmanager, in its `Name:Value` format. */
export function basicAuthHeader(user: string, password: string): string {
  return `Authorization:Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

const NAMESPACE = PLATFORM_NAMESPACES.ids;
const FALCO_PODS: Pods = { name: 'falco', namespace: NAMESPACE, labels: { 'app.kubernetes.io/name': 'falco' } };
const SIDEKICK_PODS: Pods = { name: 'falcosidekick', namespace: NAMESPACE, labels: { 'app.kubernetes.io/name': 'falcosidekick' } };

/**
 * The upstream rule sets Falco can load, with their falcoctl refs pinned to one release each, of
 * the majors the pinned Falco (0.44) is released with: a floating major would let falcoctl load
 * rules nobody reviewed, and the exceptions check (data/falco-rules.names.json) proves the
 * platform's exceptions against exactly the stable release named here.
 */
export const FALCO_RULE_SETS = {
  stable: { file: '/etc/falco/falco_rules.yaml', ref: 'falco-rules:5.1.0' },
  incubating: { file: '/etc/falco/falco-incubating_rules.yaml', ref: 'falco-incubating-rules:6.0.1' },
  sandbox: { file: '/etc/falco/falco-sandbox_rules.yaml', ref: 'falco-sandbox-rules:6.1.0' },
} as const;

/** Which optional rule sets a cluster loads besides the stable one. */
export interface FalcoRuleSelection {
  readonly incubating: boolean;
  readonly sandbox: boolean;
}

/**
 * The rule sets to install and load: the stable set always (its rules are the ones upstream keeps
 * low-noise; the platform's exceptions refine only them), incubating and sandbox when a cluster
 * opts in, then the custom rules (`rules.d`, the platform's exceptions).
 */
export function falcoRuleSets(selection: FalcoRuleSelection): { files: string[]; refs: string[] } {
  const sets = [
    FALCO_RULE_SETS.stable,
    ...(selection.incubating ? [FALCO_RULE_SETS.incubating] : []),
    ...(selection.sandbox ? [FALCO_RULE_SETS.sandbox] : []),
  ];
  return { files: [...sets.map((r) => r.file), '/etc/falco/rules.d'], refs: sets.map((r) => r.ref) };
}

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
 * mode; the stable rule set (incubating and sandbox when the cluster opts in) plus the platform's named exceptions; events
 * at or above the configured priority forwarded to the service cluster's log store and
 * Alertmanager, so they leave the cluster as they happen.
 */
export class Falco extends Component {
  constructor(scope: Construct, id: string, props: FalcoProps) {
    super(scope, id, { layer: 'controllers' });
    const priority = props.minimumPriority ?? 'notice';
    const secret = props.credentialsSecret ?? 'falcosidekick-credentials';
    const resources = { ...FALCO_RESOURCES, ...props.resources };
    const ruleSets = falcoRuleSets({ incubating: props.incubatingRules ?? false, sandbox: props.sandboxRules ?? false });

    this.requireSecret({
      namespace: NAMESPACE,
      name: secret,
      // ALERTMANAGER_CUSTOMHEADERS: `Authorization:Basic <base64 user:password>` for the Alertmanager endpoint's basic auth
      keys: ['ELASTICSEARCH_USERNAME', 'ELASTICSEARCH_PASSWORD', 'ALERTMANAGER_CUSTOMHEADERS'],
      purpose: "falcosidekick's accounts on the service cluster's log store and Alertmanager",
      generate: (context) => {
        const user = falcosidekickUser(context.cluster);
        // one account, known to the log store (log-writer) and to Alertmanager's endpoint (alert-sender)
        const password = context.account('log-writer', user);
        context.account('alert-sender', user);
        return { ELASTICSEARCH_USERNAME: user, ELASTICSEARCH_PASSWORD: password, ALERTMANAGER_CUSTOMHEADERS: basicAuthHeader(user, password) };
      },
    });

    this.addNamespace({ name: NAMESPACE, podSecurity: 'privileged', podSecurityException: FALCO_POD_SECURITY_EXCEPTION });

    const restricted = restrictedContainerSecurityContext({ runAsUser: 1234 });
    new HelmChart<FalcoValues>(this, 'chart', {
      catalog: props.catalog,
      chart: 'falco',
      namespace: NAMESPACE,
      expects: {
        workloads: ['DaemonSet/falco', 'Deployment/falco-falcosidekick'],
        noApiAccess: [
          {
            workload: 'Deployment/falco-falcosidekick',
            reason:
              'the chart always binds falcosidekick to a Role that reads endpoints; its outputs here (Alertmanager, OpenSearch) never call the API server',
          },
        ],
      },
      values: {
        driver: { kind: 'modern_ebpf', modernEbpf: { leastPrivileged: true } },
        tty: false,
        tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
        resources: resources.falco,
        falco: {
          rules_files: ruleSets.files,
          json_output: true,
          json_include_output_property: true,
          priority: 'debug',
          metrics: { enabled: true },
        },
        // the chart switch that serves falco.metrics on the webserver (:8765/metrics) the PodMonitor scrapes
        metrics: { enabled: true },
        // falco-talon (a response engine whose ClusterRole deletes workloads, Secrets and namespaces) is a
        // dependency with `condition: responseActions.enabled` (chart 6+); said explicitly, so a chart whose
        // default flips cannot install it unseen
        responseActions: { enabled: false },
        falcoctl: {
          artifact: { install: { enabled: true, resources: resources.falcoctlInstall }, follow: { enabled: false } },
          // pinned rule set majors: updates are reviewed here, not pulled at run time. These majors need
          // Falco's engine 0.57 (Falco 0.42+) and the container plugin, which the chart adds to the refs
          // (collectors.containerEngine, plugin type allowed) and Falco loads.
          config: {
            artifact: { install: { refs: ruleSets.refs }, allowedTypes: ['rulesfile'] },
          },
        },
        customRules: { 'ck8s-exceptions.yaml': platformRulesFile(gitopsEngineOf(this)) },
        falcosidekick: {
          enabled: true,
          replicaCount: 2,
          resources: resources.falcosidekick,
          webui: { enabled: false },
          podSecurityContext: restrictedPodSecurityContext(),
          securityContext: restricted,
          config: {
            existingSecret: secret,
            alertmanager: { hostport: props.alertmanagerUrl, minimumpriority: priority },
            elasticsearch: { hostport: props.logStoreUrl, index: 'falco', suffix: 'daily', minimumpriority: priority },
          },
        },
      },
    });

    this.addFlow({ from: FALCO_PODS, to: SIDEKICK_PODS, ports: [{ port: 2801 }] });
    this.addFlow({ from: SIDEKICK_PODS, to: { peer: 'service-cluster' } });
    this.addFlow({
      from: FALCO_PODS,
      to: { peer: 'internet', reason: 'falcoctl fetches the pinned rule sets from their OCI registry when a pod starts' },
      ports: [{ port: 443 }],
      name: 'allow-rules-download',
    });
    this.addMetrics({ name: 'falco', pods: FALCO_PODS, port: 8765 });
    this.addAlerts(FALCO_EVENT_ALERTS);
    this.addMetrics({ name: FALCOSIDEKICK_METRICS, pods: SIDEKICK_PODS, port: 2801 });
    this.addAlerts(FALCO_ALERTS);
    this.addDashboard(FALCO_DASHBOARD);
  }
}
