import { nodeFiles } from '@ck8s/apiserver';
import {
  type ChartCatalog,
  type ClusterConfig,
  clusterConfigPath,
  type Component,
  type ComponentAlertGroup,
  type ComponentDashboard,
  componentsOf,
  ConfigError,
  type ConfigProblem,
  type ExtraFile,
  type OidcClient,
  type Fleet,
  deriveNetworkPolicies,
  GITOPS_ENGINE_CONTEXT,
  HelmChart,
  KUBERNETES_NAMESPACES,
  kubernetesOidcClient,
  NODE_FOLDER,
  POD_SECURITY_VERSION_CONTEXT,
  type ServedEndpoint,
  serviceClusterOf,
  serviceEndpoints,
  type ServiceEndpoints,
} from '@ck8s/core';
import { PlatformEndpoints } from '@ck8s/ingress';
import { auditArchiveBucketPolicy, auditArchiveLifecycle, auditArchiveObjectLock } from '@ck8s/logging';
import type { AdmissionPolicies } from '@ck8s/policy';
import { AvailabilityProbes, PlatformMonitors, runbooksUrl } from '@ck8s/observability';
import { Construct } from 'constructs';

/**
 * One line of a profile: composes a capability's components for the cluster (when cluster.yaml
 * switches it on), mapping the cluster's config to their narrow props.
 */
export type ProfileEntry = (cluster: ClusterProfile) => void;

/** What a kind of cluster gets: its components, in the order they are composed. */
export interface Profile {
  readonly name: string;
  readonly entries: readonly ProfileEntry[];
}

export interface ClusterProfileProps {
  /** What the cluster gets. */
  readonly profile: Profile;
  /** The cluster, with defaults applied. */
  readonly cluster: ClusterConfig;
  /** Every cluster of the repository: a workload cluster finds its service cluster here, a service cluster its workload clusters. */
  readonly fleet: Fleet;
  readonly catalog: ChartCatalog;
  /** The alert groups of the components of the clusters that report to this one, composed on demand. @default none */
  readonly reportingAlertGroups?: () => readonly ComponentAlertGroup[];
  /** The dashboards the components of the clusters that report to this one declare, composed on demand. @default none */
  readonly reportingDashboards?: () => readonly ComponentDashboard[];
  /** The OIDC clients the components of the clusters that report to this one declare, composed on demand. @default none */
  readonly reportingOidcClients?: () => readonly OidcClient[];
}

/** Pod Security Standards version matching the cluster, e.g. `v1.33`, so upgrades never change policy silently. */
export function podSecurityVersion(cluster: ClusterConfig): string {
  const [major, minor] = cluster.kubernetesVersion.split('.');
  return `v${major}.${minor}`;
}

/**
 * A cluster: the entries of its profile composed in order, with the cluster's config mapped once
 * for them (its file, the service cluster's endpoints, the Pod Security version every namespace
 * pins), then everything that connects the components derived from what they declare.
 */
export class ClusterProfile extends Construct {
  public readonly cluster: ClusterConfig;
  public readonly fleet: Fleet;
  public readonly catalog: ChartCatalog;
  /** cluster.yaml of the cluster, relative to the repository root. */
  public readonly file: string;
  /** The endpoints of the service cluster this cluster reports to (its own, for a service cluster). */
  public readonly service: ServiceEndpoints;
  private readonly reportingAlerts: () => readonly ComponentAlertGroup[];
  private readonly reportingDashboardList: () => readonly ComponentDashboard[];
  private readonly reportingClients: () => readonly OidcClient[];

  constructor(scope: Construct, id: string, props: ClusterProfileProps) {
    super(scope, id);
    this.cluster = props.cluster;
    this.fleet = props.fleet;
    this.catalog = props.catalog;
    this.reportingAlerts = props.reportingAlertGroups ?? (() => []);
    this.reportingDashboardList = props.reportingDashboards ?? (() => []);
    this.reportingClients = props.reportingOidcClients ?? (() => []);
    this.file = clusterConfigPath(props.cluster.name);
    this.service = serviceEndpoints(serviceClusterOf(props.cluster, props.fleet).domain);
    this.node.setContext(POD_SECURITY_VERSION_CONTEXT, podSecurityVersion(props.cluster));
    this.node.setContext(GITOPS_ENGINE_CONTEXT, props.cluster.gitops.engine);
    for (const entry of props.profile.entries) entry(this);
    this.connect();
  }

  /**
   * Files that are not components: the node configuration the installer applies and, with an audit
   * archive, the settings its bucket's administrator applies (policy, object lock, lifecycle).
   */
  nodeFiles(): ExtraFile[] {
    const { issuer, clientId } = kubernetesOidcClient(this.cluster, this.fleet);
    const { usernameClaim, groupsClaim } = this.cluster.oidc;
    const archive = this.cluster.logging.enabled ? this.cluster.logging.auditArchive : undefined;
    const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
    const archiveFiles: ExtraFile[] = archive
      ? [
          { layer: NODE_FOLDER, path: 'audit-archive-bucket-policy.json', content: json(auditArchiveBucketPolicy(archive, this.cluster.name)) },
          { layer: NODE_FOLDER, path: 'audit-archive-object-lock.json', content: json(auditArchiveObjectLock(archive.retentionDays)) },
          { layer: NODE_FOLDER, path: 'audit-archive-lifecycle.json', content: json(auditArchiveLifecycle(archive.retentionDays)) },
        ]
      : [];
    return [...nodeFiles({ oidc: { issuerUrl: issuer, clientId, usernameClaim, groupsClaim } }), ...archiveFiles];
  }

  /** Namespaces the components composed so far own, sorted (tenants' excluded). */
  platformNamespaces(): string[] {
    return [...new Set(this.components.filter((c) => c.layer !== 'tenants').flatMap((c) => c.namespaces))].sort();
  }

  /** The alert groups the components of the clusters reporting here declare (their workload clusters', for a service cluster). */
  reportingAlertGroups(): readonly ComponentAlertGroup[] {
    return this.reportingAlerts();
  }

  /** The dashboards the components of the clusters reporting here declare (their workload clusters', for a service cluster). */
  reportingDashboards(): readonly ComponentDashboard[] {
    return this.reportingDashboardList();
  }

  /** The OIDC clients the components of the clusters reporting here declare, which this cluster's identity provider registers. */
  reportingOidcClients(): readonly OidcClient[] {
    return this.reportingClients();
  }

  /** Every component of the cluster, in construct order. */
  get components(): Component[] {
    return componentsOf(this);
  }

  /**
   * Derives everything that connects the components from their declarations, once they are all
   * composed: tenants never take a namespace a component owns; endpoints get their Certificates,
   * Ingresses and (in a service cluster) availability probes; metrics endpoints their PodMonitors;
   * every flow its NetworkPolicies on both sides.
   * @throws ConfigError naming the cluster.yaml field that is missing or conflicts
   */
  private connect(): void {
    const { cluster } = this;
    this.checkTenantNamespaces();
    const components = this.components;
    unique(components, (c) => c.metrics, 'metrics endpoint');
    unique(components, (c) => c.endpoints, 'endpoint');
    const endpoints = components.flatMap((c) => c.endpoints).sort((a, b) => compare(a.name, b.name));
    if (endpoints.length > 0) {
      if (!cluster.ingress.enabled || !cluster.certificates.enabled) {
        throw new ConfigError([
          {
            file: this.file,
            path: cluster.ingress.enabled ? 'certificates.enabled' : 'ingress.enabled',
            message: `must be true: the cluster serves ${endpoints.map((e) => e.host).join(', ')} to its workload clusters over TLS`,
          },
        ]);
      }
      new PlatformEndpoints(this, 'endpoints', { issuer: cluster.certificates.issuer, endpoints });
      const probed = endpoints.filter((e: ServedEndpoint) => e.probe ?? true);
      if (cluster.profile === 'service' && cluster.observability.enabled && probed.length > 0) {
        new AvailabilityProbes(this, 'availability', {
          catalog: this.catalog,
          objective: cluster.observability.availabilityObjective,
          runbookUrl: runbooksUrl(cluster.gitops.repository, cluster.gitops.branch),
          endpoints: probed.map((e) => ({ name: e.name, url: `https://${e.host}` })),
        });
      }
    }
    const scraped = components.some((c) => c.roles.has('scraper'));
    const targets = components.flatMap((c) => c.metrics).filter((m) => m.monitor ?? true);
    if (scraped && targets.length > 0)
      new PlatformMonitors(this, 'platform-monitors', { targets: [...targets].sort((a, b) => compare(a.name, b.name)) });
    deriveNetworkPolicies(this.components, {
      file: this.file,
      ...(cluster.network.apiServer ? { apiServer: cluster.network.apiServer } : {}),
      serviceClusterCidrs: cluster.network.serviceClusterCidrs,
      objectStorageCidrs: cluster.network.objectStorageCidrs,
      isServiceCluster: cluster.profile === 'service',
    });
    this.holdPlatform(endpoints.map((e) => e.pods.namespace));
  }

  /**
   * Holds the platform's own namespaces to its admission rules for workloads (see
   * AdmissionPolicies.holdPlatform), with the exceptions the components declare. A namespace may pull
   * from the catalog's registries of every chart installed in it and of every chart of the component
   * that owns it (a chart may put a workload in a second namespace of its component, as
   * kube-prometheus-stack does with node-exporter), and, where an ACME issuer is used, of
   * cert-manager, whose HTTP-01 solver pods run in the namespace of each endpoint's Certificate.
   */
  private holdPlatform(endpointNamespaces: readonly string[]): void {
    const components = this.components;
    // by its method: every Component is an instance of every Component class (Component's Symbol.hasInstance)
    const policies = components.find((c): c is AdmissionPolicies => typeof (c as Partial<AdmissionPolicies>).holdPlatform === 'function');
    if (!policies) return;
    const registries = new Map<string, Set<string>>();
    const allow = (namespace: string, list: readonly string[] | undefined): void => {
      const set = registries.get(namespace) ?? new Set<string>();
      for (const r of list ?? []) set.add(r);
      registries.set(namespace, set);
    };
    for (const c of components) {
      const charts = c.node.findAll().filter((x): x is HelmChart => x instanceof HelmChart);
      for (const chart of charts) {
        allow(chart.namespace, chart.entry.registries);
        for (const namespace of c.namespaces) allow(namespace, chart.entry.registries);
      }
      for (const declared of c.imageRegistries) allow(declared.namespace, declared.registries);
    }
    if (this.cluster.certificates.issuer.startsWith('letsencrypt') && this.catalog.names.includes('cert-manager')) {
      for (const namespace of endpointNamespaces) allow(namespace, this.catalog.get('cert-manager').registries);
    }
    const namespaces = this.platformNamespaces();
    policies.holdPlatform({
      namespaces,
      registries: new Map(namespaces.map((n) => [n, [...(registries.get(n) ?? [])].sort()])),
      exceptions: components.flatMap((c) => c.admissionExceptions.map((e) => ({ ...e, component: c.componentName }))),
    });
  }

  /** A tenant cannot take a namespace of Kubernetes or of a component of its cluster. */
  private checkTenantNamespaces(): void {
    const owned = new Map<string, string>();
    for (const c of this.components) if (c.layer !== 'tenants') for (const ns of c.namespaces) owned.set(ns, c.componentName);
    const reserved = [...new Set([...KUBERNETES_NAMESPACES, ...owned.keys()])].sort();
    const problems: ConfigProblem[] = [];
    this.cluster.tenants.forEach((t, i) => {
      if (!reserved.includes(t.name)) return;
      const owner = owned.get(t.name);
      problems.push({
        file: this.file,
        path: `tenants[${i}].name`,
        message: `"${t.name}" is a reserved namespace${owner ? ` (the platform's ${owner} runs there)` : ''}; not allowed: ${reserved.join(', ')}`,
      });
    });
    if (problems.length > 0) throw new ConfigError(problems);
  }
}

/** Declarations of one kind name what they derive (a PodMonitor, an Ingress): two of one name would collide. */
function unique(components: readonly Component[], declared: (c: Component) => readonly { readonly name: string }[], what: string): void {
  const seen = new Map<string, Component>();
  for (const c of components) {
    for (const d of declared(c)) {
      const first = seen.get(d.name);
      if (first) throw new Error(`${what} "${d.name}" is declared twice (components ${first.componentName} and ${c.componentName})`);
      seen.set(d.name, c);
    }
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
