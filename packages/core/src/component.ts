import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { type ComponentDashboard, promqlMetricNames } from './component-dashboard.js';
import {
  type AccountSink,
  CLUSTER_METRICS_SOURCES,
  type ComponentAlertGroup,
  type Flow,
  type MetricsEndpoint,
  type OidcClient,
  PLATFORM_ADMISSION_RULES,
  type PlatformAdmissionException,
  type PlatformRole,
  type RequiredSecret,
  type ServedEndpoint,
} from './contributions.js';
import { HardenedNamespace, type HardenedNamespaceProps } from './hardened-namespace.js';
import { HelmChart } from './helm-chart.js';
import { isDnsLabel, LABELS, MANAGED_BY } from './naming.js';
import type { Pods } from './pods.js';

/**
 * Where a component's objects are applied. Flux applies the layers in this order, each
 * one after the previous is ready: bootstrap, then controllers and CRDs, policies,
 * platform configuration and finally tenants.
 */
export const LAYERS = ['flux-system', 'controllers', 'policies', 'platform', 'tenants'] as const;
export type Layer = (typeof LAYERS)[number];

/**
 * Folder for node configuration (API server flags, audit policy) that the cluster's
 * installer applies (kubeadm, Talos, ...): written next to the layers, never applied by Flux.
 */
export const NODE_FOLDER = 'node';
export type OutputFolder = Layer | typeof NODE_FOLDER;

export interface ComponentProps {
  /** The layer the component's objects are applied in. */
  readonly layer: Layer;
  /** Extra labels for every object of the component. @default none */
  readonly labels?: Record<string, string>;
}

/**
 * A unit of the platform: a cdk8s Chart whose objects are written to one file,
 * `<layer>/<id>.yaml`. The construct id is the component name, so it is part of the output
 * contract: renaming it renames a file that reviewers see.
 *
 * Components are created with the cluster's profile as scope and grouped under one construct per
 * layer, so a name only has to be unique within its layer, like the file it becomes.
 *
 * A component declares what it owns and needs (projen's `Component` is the model): the namespaces
 * it owns, the network flows of its pods, the metrics endpoints Prometheus scrapes, the endpoints
 * it serves through the ingress controller, the roles it plays for others, the Secrets it reads
 * (with how to generate them), the accounts it accepts from other clusters and the OIDC clients
 * of its web applications. The cluster's
 * profile reads these back from the construct tree and derives everything that connects
 * components: NetworkPolicies on both sides of every flow, PodMonitors, Certificates and
 * Ingresses, availability probes, reserved namespaces and onboarding's credentials.
 */
export class Component extends Chart {
  /** Returns whether a construct is a Component (works across package copies). */
  static isComponent(x: unknown): x is Component {
    return x !== null && typeof x === 'object' && (x as { [COMPONENT]?: boolean })[COMPONENT] === true;
  }

  public readonly layer: Layer;
  public readonly componentName: string;
  private readonly ownNamespaces: HardenedNamespace[] = [];
  private readonly ownFlows: Flow[] = [];
  private readonly ownMetrics: MetricsEndpoint[] = [];
  private readonly ownEndpoints: ServedEndpoint[] = [];
  private readonly ownRoles = new Map<PlatformRole, Pods>();
  private readonly secrets: RequiredSecret[] = [];
  private readonly sinks: AccountSink[] = [];
  private readonly clients: OidcClient[] = [];
  private readonly exceptions: PlatformAdmissionException[] = [];
  private readonly alertGroupList: ComponentAlertGroup[] = [];
  private readonly dashboardList: ComponentDashboard[] = [];
  private readonly registryList: { readonly namespace: string; readonly registries: readonly string[] }[] = [];
  private readonly operatorPodList: OperatorPods[] = [];

  constructor(scope: Construct, id: string, props: ComponentProps) {
    if (!isDnsLabel(id)) throw new Error(`component name "${id}" is not a DNS-1123 label`);
    super(layerScope(scope, props.layer), id, {
      disableResourceNameHashes: true,
      labels: { [LABELS.managedBy]: MANAGED_BY, [LABELS.component]: id, ...props.labels },
    });
    Object.defineProperty(this, COMPONENT, { value: true });
    this.layer = props.layer;
    this.componentName = id;
  }

  /**
   * Creates a namespace this component owns (Pod Security labels at the cluster's version, default
   * deny, DNS): no tenant can take its name, and flows into it get their ingress side here.
   */
  addNamespace(props: HardenedNamespaceProps): HardenedNamespace {
    const namespace = new HardenedNamespace(this, `namespace-${props.name}`, props);
    this.ownNamespaces.push(namespace);
    return namespace;
  }

  /** Declares a connection of this component's pods (or to them); see Flow. */
  addFlow(flow: Flow): void {
    this.ownFlows.push(flow);
  }

  /**
   * Declares a metrics endpoint of this component's pods, which the cluster's Prometheus scrapes:
   * a flow from the scraper on its port (`allow-metrics-from-prometheus`) and a PodMonitor.
   */
  addMetrics(endpoint: MetricsEndpoint): void {
    // the short name only in a namespace of its own: several components scrape in one tenant's namespace
    const first =
      this.ownNamespaces.some((n) => n.name === endpoint.pods.namespace) &&
      !this.ownMetrics.some((m) => m.pods.namespace === endpoint.pods.namespace);
    this.ownMetrics.push(endpoint);
    this.addFlow({
      from: { role: 'scraper' },
      to: endpoint.pods,
      ports: [{ port: endpoint.port }],
      name: first ? 'allow-metrics-from-prometheus' : `allow-${endpoint.name}-metrics-from-prometheus`,
    });
  }

  /**
   * Declares alerts on this component's failure modes. Each names the metrics it reads and where
   * they come from (an endpoint declared with addMetrics, or the cluster's own exporters), so an
   * alert never watches a series nobody scrapes.
   * @throws Error when an alert reads a metric from a source the component does not have
   */
  addAlerts(group: ComponentAlertGroup): void {
    const where = `component ${this.componentName}: alert group ${group.name}`;
    if (group.alerts.length === 0) throw new Error(`${where} has no alerts`);
    const sources = this.metricsSources();
    for (const a of group.alerts) {
      if (!/^[A-Z][A-Za-z0-9]*$/.test(a.alert)) throw new Error(`${where}: alert "${a.alert}" is not PascalCase`);
      if (Object.keys(a.metrics).length === 0) throw new Error(`${where}: alert ${a.alert} names no metrics`);
      for (const [metric, source] of Object.entries(a.metrics)) {
        if (!sources.has(source))
          throw new Error(
            `${where}: alert ${a.alert} reads ${metric} from "${source}", which is neither a metrics endpoint of the component nor one of ${CLUSTER_METRICS_SOURCES.join(', ')}`,
          );
      }
    }
    this.alertGroupList.push(group);
  }

  /**
   * Declares a Grafana dashboard of this component, which the service cluster's Grafana shows for
   * every cluster reporting there. Like an alert, it names the metrics its panels read and where they
   * come from, so no panel queries a series nobody scrapes.
   * @throws Error when a panel reads a metric the dashboard does not name, or a metric comes from a source the component does not have
   */
  addDashboard(dashboard: ComponentDashboard): void {
    const where = `component ${this.componentName}: dashboard ${dashboard.name}`;
    if (!isDnsLabel(dashboard.name)) throw new Error(`${where}: name is not a DNS-1123 label`);
    if (this.dashboardList.some((d) => d.name === dashboard.name)) throw new Error(`${where} is declared twice`);
    if (dashboard.rows.length === 0) throw new Error(`${where} has no rows`);
    const sources = this.metricsSources();
    for (const [metric, source] of Object.entries(dashboard.metrics)) {
      if (!sources.has(source))
        throw new Error(
          `${where}: reads ${metric} from "${source}", which is neither a metrics endpoint of the component nor one of ${CLUSTER_METRICS_SOURCES.join(', ')}`,
        );
    }
    const read = new Set<string>();
    for (const row of dashboard.rows) {
      if (row.panels.length === 0) throw new Error(`${where}: row "${row.title}" has no panels`);
      for (const panel of row.panels) {
        if (panel.queries.length === 0) throw new Error(`${where}: panel "${panel.title}" has no queries`);
        for (const query of panel.queries) {
          const names = promqlMetricNames(query.expr);
          if (names.length === 0) throw new Error(`${where}: panel "${panel.title}" has a query that reads no metric: ${query.expr}`);
          for (const metric of names) {
            if (!(metric in dashboard.metrics))
              throw new Error(`${where}: panel "${panel.title}" reads ${metric}, which the dashboard's metrics do not name with its source`);
            read.add(metric);
          }
        }
      }
    }
    const unread = Object.keys(dashboard.metrics).filter((m) => !read.has(m));
    if (unread.length > 0) throw new Error(`${where}: names metrics no panel reads: ${unread.join(', ')}`);
    this.dashboardList.push(dashboard);
  }

  /** The dashboards declared with addDashboard. */
  get dashboards(): readonly ComponentDashboard[] {
    return this.dashboardList;
  }

  /** Where an alert or a dashboard of this component may read metrics from: its endpoints (by name or job) and the cluster's exporters. */
  private metricsSources(): Set<string> {
    return new Set<string>([...CLUSTER_METRICS_SOURCES, ...this.ownMetrics.flatMap((m) => [m.name, ...(m.job ? [m.job] : [])])]);
  }

  /**
   * Declares the registries images of one of its namespaces come from, for what it installs without
   * a HelmChart (whose catalog entry says so itself): upstream manifests pinned in the catalog.
   */
  addImageRegistries(namespace: string, registries: readonly string[]): void {
    this.registryList.push({ namespace, registries });
  }

  /**
   * Declares the pods an operator makes from a custom resource this component writes (no chart
   * renders them), so the render verification checks the flows to and from them.
   */
  addOperatorPods(pods: OperatorPods): void {
    this.operatorPodList.push(pods);
  }

  /** The pods declared with addOperatorPods. */
  get operatorPods(): readonly OperatorPods[] {
    return this.operatorPodList;
  }

  /** The registries declared with addImageRegistries. */
  get imageRegistries(): readonly { readonly namespace: string; readonly registries: readonly string[] }[] {
    return this.registryList;
  }

  /** The alert groups declared with addAlerts. */
  get alertGroups(): readonly ComponentAlertGroup[] {
    return this.alertGroupList;
  }

  /**
   * Declares an endpoint this component serves through the ingress controller: a flow from the
   * controller to its pods (`allow-<endpoint>-from-ingress-controller`), a Certificate and an
   * Ingress, and an availability probe.
   */
  addEndpoint(endpoint: ServedEndpoint): void {
    this.ownEndpoints.push(endpoint);
    this.addFlow({
      from: { role: 'ingress-controller' },
      to: endpoint.pods,
      ports: [{ port: endpoint.targetPort ?? endpoint.service.port }],
      name: `allow-${endpoint.name}-from-ingress-controller`,
    });
  }

  /** Declares that these pods play a role for the other components (the ingress controller, the scraper). */
  provideRole(role: PlatformRole, pods: Pods): void {
    if (this.ownRoles.has(role)) throw new Error(`component ${this.componentName}: role ${role} is provided twice`);
    this.ownRoles.set(role, pods);
  }

  /**
   * Declares a Secret the component's objects read (credentials of a HelmRelease, say). Synth
   * fails when `secrets/<cluster>/<namespace>.<name>.sops.yaml` does not exist, naming the
   * command that creates it, so a missing credential is caught before Flux applies anything.
   */
  requireSecret(secret: RequiredSecret): void {
    this.secrets.push(secret);
  }

  /** Declares a Secret of this (service cluster) component that lists other clusters' accounts of a kind. */
  acceptAccounts(sink: AccountSink): void {
    this.sinks.push(sink);
  }

  /** Declares a web application of this component that signs people in at the identity provider. */
  addOidcClient(client: OidcClient): void {
    this.clients.push(client);
  }

  /**
   * Declares that one of this component's namespaces is exempt from one of the platform's admission
   * rules (PLATFORM_ADMISSION_RULES), with why: its binding leaves the namespace out.
   */
  addAdmissionException(exception: PlatformAdmissionException): void {
    if (!(PLATFORM_ADMISSION_RULES as readonly string[]).includes(exception.rule))
      throw new Error(
        `component ${this.componentName}: admission exception ${exception.name}: rule "${exception.rule}" is not one of ${PLATFORM_ADMISSION_RULES.join(', ')}`,
      );
    if (!exception.reason.trim()) throw new Error(`component ${this.componentName}: admission exception ${exception.name} needs a reason`);
    this.exceptions.push(exception);
  }

  /**
   * The exceptions of this component's namespaces from the platform's admission rules: those declared
   * with addAdmissionException and those its charts declare for a workload (`expects.admissionExceptions`).
   */
  get admissionExceptions(): readonly PlatformAdmissionException[] {
    const fromCharts = this.node
      .findAll()
      .filter((c): c is HelmChart => c instanceof HelmChart)
      .flatMap((chart) =>
        (chart.expects?.admissionExceptions ?? []).map((e): PlatformAdmissionException => ({
          name: `${this.componentName}-${e.workload.split('/')[1]!}-${e.rule}`,
          namespace: chart.namespace,
          rule: e.rule,
          object: e.workload,
          reason: e.reason,
        })),
      );
    return [...this.exceptions, ...fromCharts];
  }

  /** Names of the namespaces this component owns. */
  get namespaces(): readonly string[] {
    return this.ownNamespaces.map((n) => n.name);
  }

  get flows(): readonly Flow[] {
    return this.ownFlows;
  }

  get metrics(): readonly MetricsEndpoint[] {
    return this.ownMetrics;
  }

  get endpoints(): readonly ServedEndpoint[] {
    return this.ownEndpoints;
  }

  /** The roles this component plays, with the pods that play them. */
  get roles(): ReadonlyMap<PlatformRole, Pods> {
    return this.ownRoles;
  }

  /** The Secrets declared with requireSecret. */
  get requiredSecrets(): readonly RequiredSecret[] {
    return this.secrets;
  }

  get accountSinks(): readonly AccountSink[] {
    return this.sinks;
  }

  get oidcClients(): readonly OidcClient[] {
    return this.clients;
  }

  /** File of this component relative to the cluster folder. */
  get outputFile(): string {
    return `${this.layer}/${this.componentName}.yaml`;
  }
}

/** Pods an operator makes from a custom resource a component writes: their labels and container ports. */
export interface OperatorPods {
  /** `Kind/name` of the custom resource. */
  readonly resource: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ports: readonly number[];
}

const COMPONENT = Symbol.for('@ck8s/core.Component');

/** The construct that groups the components of one layer, created on first use. */
function layerScope(scope: Construct, layer: Layer): Construct {
  const id = `layer-${layer}`;
  return scope.node.tryFindChild(id) ?? new Construct(scope, id);
}
