import { BACKUP_TIME_ZONE, BackupSchedule, dailyCron, Velero, type VolumeBackup } from '@ck8s/backup';
import {
  clusterConfigPath,
  ConfigError,
  type ConfigProblem,
  ENGINE_NAMESPACE,
  kubernetesOidcClient,
  ruleEnforcement,
  serviceClusterOf,
  Tenant,
  tenantHosts,
  uiHost,
} from '@ck8s/core';
import { addDataServices, dataServiceImages } from '@ck8s/data-services';
import { ArgoCd, ArgoCdLayers, ArgoCdProject, FluxAlerts, FluxInstall, FluxLayers, FluxSync } from '@ck8s/gitops';
import { IdentityProvider, kubernetesApiClient, type StaticClient } from '@ck8s/identity';
import { Falco } from '@ck8s/ids';
import { CertManager, ClusterIssuers, ExternalDns, IngressController } from '@ck8s/ingress';
import { LogForwarder, LogStore, type LogTenant } from '@ck8s/logging';
import { ComplianceDashboards, ComponentAlerts, ComponentDashboards, GoldenSignalDashboards, MetricsStack, runbooksUrl } from '@ck8s/observability';
import { AdmissionPolicies, ClusterAccess, clusterRules, tenantExceptions } from '@ck8s/policy';
import { MitreAttackCompliance, PostureScanner } from '@ck8s/posture';
import { Registry } from '@ck8s/registry';
import { Headlamp, headlampClientId } from '@ck8s/ui';
import type { ClusterProfile } from './cluster-profile.js';

// The entries profiles are made of: each composes one capability for a cluster, mapping its
// cluster.yaml to the components' narrow props (and nothing when cluster.yaml switches it off).

const host = (url: string): string => new URL(url).hostname;

/** The workload clusters that report to a service cluster, sorted by name. */
function workloadClusters(c: ClusterProfile) {
  return [...c.fleet.clusters.values()]
    .filter((w) => w.profile === 'workload' && w.serviceCluster === c.cluster.name)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Flux's sync of the cluster's folder, Flux's own installation (locked down for multi-tenancy), the
 * layers it applies in order, and its decryption failures sent to the service cluster's
 * Alertmanager (its own, for a service cluster) when that runs one.
 */
export function gitOps(c: ClusterProfile): void {
  const { gitops } = c.cluster;
  if (gitops.engine === 'argocd') {
    argoCd(c);
    return;
  }
  new FluxSync(c, 'gotk-sync', {
    clusterName: c.cluster.name,
    repository: gitops.repository,
    branch: gitops.branch,
    interval: gitops.interval,
    ...(gitops.secretName ? { secretName: gitops.secretName } : {}),
  });
  new FluxInstall(c, 'flux', {
    repository: c.cluster.gitops.fluxManifests ?? c.catalog.flux.repository,
    version: c.catalog.flux.version,
    interval: c.cluster.gitops.interval,
  });
  new FluxLayers(c, 'layers', { clusterName: c.cluster.name, interval: gitops.interval, wait: gitops.wait });
  if (serviceClusterOf(c.cluster, c.fleet).observability.enabled)
    new FluxAlerts(c, 'flux-alerts', { clusterName: c.cluster.name, alertmanagerUrl: c.service.alertmanager });
}

/**
 * Argo CD itself and its sync of the cluster's folder (`argocd/`): the project restricted to the fleet repository
 * and this cluster, the root Application and one Application per layer.
 */
function argoCd(c: ClusterProfile): void {
  const { gitops } = c.cluster;
  new ArgoCd(c, 'argocd', { catalog: c.catalog, repository: gitops.repository });
  new ArgoCdProject(c, 'project', { repository: gitops.repository });
  new ArgoCdLayers(c, 'layers', { clusterName: c.cluster.name, repository: gitops.repository, branch: gitops.branch });
}

/** Admission policies (Pod Security Standards and the platform's rules) and cluster-wide access. */
export function policies(c: ClusterProfile): void {
  const { cluster } = c;
  new AdmissionPolicies(c, 'admission-policies', {
    rules: clusterRules(cluster, c.fleet),
    enforcement: Object.fromEntries(Object.keys(cluster.policy.enforcement).map((rule) => [rule, ruleEnforcement(cluster, rule)])),
    exceptions: [...cluster.policy.exceptions, ...tenantExceptions(cluster)],
    configFile: clusterConfigPath(cluster.name),
  });
  new ClusterAccess(c, 'cluster-access', { operatorGroups: c.cluster.rbac.operatorGroups });
}

/** Fluent Bit, shipping the cluster's logs to its service cluster's log store. */
export function logForwarder(c: ClusterProfile): void {
  const { logging, name } = c.cluster;
  if (!logging.enabled) return;
  new LogForwarder(c, 'fluent-bit', {
    catalog: c.catalog,
    clusterName: name,
    logStoreUrl: c.service.logs,
    ...(logging.auditArchive ? { archive: logging.auditArchive } : {}),
  });
}

/** A workload cluster's Prometheus, writing everything to the service cluster, with the tenants' rules and alerts. */
export function workloadMetrics(c: ClusterProfile): void {
  if (!c.cluster.observability.enabled) return;
  new MetricsStack(c, 'kube-prometheus-stack', {
    mode: 'workload',
    catalog: c.catalog,
    clusterName: c.cluster.name,
    remoteWriteUrl: c.service.metricsRemoteWrite,
    tenantNamespaces: c.cluster.tenants.map((t) => t.name),
  });
}

/** A service cluster's Prometheus, Alertmanager and Grafana, for every cluster reporting to it. */
export function metricsServer(c: ClusterProfile): void {
  const { observability, rbac, name } = c.cluster;
  if (!observability.enabled) return;
  new MetricsStack(c, 'kube-prometheus-stack', {
    mode: 'server',
    catalog: c.catalog,
    clusterName: name,
    retentionTime: observability.retentionTime,
    retentionSize: observability.retentionSize,
    receivers: observability.receivers,
    grafana: {
      url: c.service.grafana,
      issuer: c.service.identity,
      operatorGroups: rbac.operatorGroups,
      auditorGroups: rbac.auditorGroups,
      tenants: workloadClusters(c).flatMap((w) =>
        w.tenants.map((t) => ({ cluster: w.name, namespace: t.name, adminGroups: t.adminGroups, viewGroups: t.viewGroups })),
      ),
    },
    hosts: { grafana: host(c.service.grafana), prometheus: host(c.service.metricsRemoteWrite), alertmanager: host(c.service.alertmanager) },
  });
}

/**
 * The object storage of a cluster's application-consistent backups (log store snapshots, registry
 * database dumps) and when they run: the backups' own bucket and daily time, unless the cluster
 * switched backups off.
 */
function dailyBackupTarget(c: ClusterProfile) {
  const { backup: settings } = c.cluster;
  return {
    objectStorage: settings.enabled ? settings.objectStorage : undefined,
    schedule: { cron: dailyCron(settings.time), timeZone: BACKUP_TIME_ZONE },
  };
}

/** Where the service cluster's log store takes its snapshots: logging.snapshots, else the backup bucket; none without a log store. */
function logSnapshotStorage(c: ClusterProfile) {
  const { logging } = c.cluster;
  return logging.enabled ? (logging.snapshots ?? dailyBackupTarget(c).objectStorage) : undefined;
}

/** The service cluster's log store: OpenSearch and Dashboards, with daily snapshots (to the backup bucket unless logging.snapshots names another). */
export function logStore(c: ClusterProfile): void {
  const { logging, oidc, rbac, name } = c.cluster;
  if (!logging.enabled) return;
  const target = dailyBackupTarget(c);
  const snapshotStorage = logSnapshotStorage(c);
  new LogStore(c, 'opensearch', {
    catalog: c.catalog,
    hosts: { opensearch: host(c.service.logs), dashboards: host(c.service.logDashboards) },
    issuer: c.service.identity,
    claims: { username: oidc.usernameClaim, groups: oidc.groupsClaim },
    operatorGroups: rbac.operatorGroups,
    auditorGroups: rbac.auditorGroups,
    tenants: logTenants(c),
    retentionDays: logging.retentionDays,
    retentionSize: logging.retentionSize,
    ...(snapshotStorage ? { snapshots: { ...snapshotStorage, prefix: name, schedule: target.schedule } } : {}),
  });
}

/** The tenants of the workload clusters reporting to this service cluster, with the groups that read their logs. */
function logTenants(c: ClusterProfile): LogTenant[] {
  return [...c.fleet.clusters.values()]
    .filter((w) => w.profile === 'workload' && w.serviceCluster === c.cluster.name)
    .flatMap((w) => w.tenants.map((t) => ({ cluster: w.name, namespace: t.name, groups: [...new Set([...t.adminGroups, ...t.viewGroups])].sort() })));
}

/** The service cluster's registry, with a project for every tenant of its workload clusters. */
export function registry(c: ClusterProfile): void {
  const { registry: settings, oidc, rbac, name } = c.cluster;
  if (!settings.enabled || !settings.storage) return;
  const target = dailyBackupTarget(c);
  new Registry(c, 'harbor', {
    catalog: c.catalog,
    host: c.service.registry,
    clusterName: name,
    storage: settings.storage,
    issuer: c.service.identity,
    claims: { username: oidc.usernameClaim, groups: oidc.groupsClaim },
    ...(rbac.operatorGroups[0] ? { adminGroup: rbac.operatorGroups[0] } : {}),
    tenants: workloadClusters(c).flatMap((wc) =>
      wc.tenants.map((t) => ({ cluster: wc.name, tenant: t.name, adminGroups: t.adminGroups, viewGroups: t.viewGroups })),
    ),
    blockSeverity: settings.blockSeverity,
    robotAccounts: settings.robotAccounts,
    ...(target.objectStorage
      ? { databaseDump: { objectStorage: target.objectStorage, prefix: name, schedule: target.schedule, keep: c.cluster.backup.keep } }
      : {}),
  });
}

/**
 * The service cluster's identity provider: a client for every Kubernetes API that trusts it and for
 * every web application the components composed before it declare.
 */
export function identityProvider(c: ClusterProfile): void {
  const { cluster, service } = c;
  if (!cluster.identity.enabled) return;
  const apis = [cluster, ...workloadClusters(c)]
    .map((w) => ({ name: w.name, ...kubernetesOidcClient(w, c.fleet) }))
    .filter((w) => w.issuer.replace(/\/$/, '') === service.identity);
  const apps = [...c.components.flatMap((k) => k.oidcClients), ...c.reportingOidcClients()];
  // a web UI that passes people's tokens to an API server obtains them with that API's client as audience
  const peers = (clientId: string) => apps.filter((a) => a.tokenAudiences?.includes(clientId)).map((a) => a.id);
  const clients: StaticClient[] = [
    ...apis.map((w) => {
      const trustedPeers = peers(w.clientId);
      return { ...kubernetesApiClient(w.name, w.clientId), ...(trustedPeers.length > 0 ? { trustedPeers } : {}) };
    }),
    ...apps.map(({ tokenAudiences: _, ...k }) => ({ ...k, public: false })),
  ];
  // the platform's own ids are fixed, so a clash is always some cluster's oidc.clientId
  const problems: ConfigProblem[] = [];
  const seen = new Map<string, StaticClient>();
  for (const client of clients) {
    const first = seen.get(client.id);
    if (!first) {
      seen.set(client.id, client);
      continue;
    }
    const culprit = client.cluster ? client : first;
    const other = culprit === client ? first : client;
    problems.push({
      file: clusterConfigPath(culprit.cluster!),
      path: 'oidc.clientId',
      message: `"${client.id}" is already the client id of ${other.cluster ? `cluster ${other.cluster}` : other.name}; every client of ${service.identity} needs its own id`,
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  new IdentityProvider(c, 'dex', { catalog: c.catalog, issuer: service.identity, connectors: cluster.identity.connectors, clients });
}

/** trivy-operator and the MITRE ATT&CK report built on its checks. */
export function postureScanning(c: ClusterProfile): void {
  if (!c.cluster.posture.enabled) return;
  new PostureScanner(c, 'trivy-operator', { catalog: c.catalog });
  new MitreAttackCompliance(c, 'mitre-attack-compliance');
}

/** The ingress controller, cert-manager with the cluster issuers, and external-dns. */
export function ingress(c: ClusterProfile): void {
  const { ingress: settings, certificates, externalDns, name, domain } = c.cluster;
  if (settings.enabled)
    new IngressController(c, 'nginx-ingress', {
      catalog: c.catalog,
      replicas: settings.replicas,
      minAvailable: settings.minAvailable,
      hstsMaxAge: settings.hstsMaxAge,
    });
  if (certificates.enabled) {
    new CertManager(c, 'cert-manager', { catalog: c.catalog, acme: certificates.issuer !== 'private-ca' || certificates.acmeEmail !== undefined });
    new ClusterIssuers(c, 'cluster-issuers', {
      ...(certificates.acmeEmail ? { acmeEmail: certificates.acmeEmail } : {}),
      rootCaName: `ck8s root CA ${name}`,
    });
  }
  if (externalDns.enabled && externalDns.provider) {
    new ExternalDns(c, 'external-dns', {
      catalog: c.catalog,
      provider: externalDns.provider,
      domain,
      owner: name,
      credentialsSecret: externalDns.credentialsSecret,
    });
  }
}

/** Falco, forwarding its events to the service cluster's log store and Alertmanager. */
export function intrusionDetection(c: ClusterProfile): void {
  const { ids } = c.cluster;
  if (!ids.enabled) return;
  new Falco(c, 'falco', {
    catalog: c.catalog,
    logStoreUrl: c.service.logs,
    alertmanagerUrl: c.service.alertmanager,
    minimumPriority: ids.minimumPriority,
    incubatingRules: ids.incubatingRules,
    sandboxRules: ids.sandboxRules,
    credentialsSecret: ids.credentialsSecret,
  });
}

/** Velero and its daily schedule. */
export function backup(c: ClusterProfile): void {
  const { backup: settings, name } = c.cluster;
  if (!settings.enabled || !settings.objectStorage) return;
  const { method, csiDriver, volumeSnapshotClass } = settings.volumes;
  // the loader has checked that CSI snapshots name their driver and class
  const volumes: VolumeBackup =
    method === 'csi-snapshot-data-movement' ? { method, csiDriver: csiDriver!, volumeSnapshotClass: volumeSnapshotClass! } : { method };
  new Velero(c, 'velero', { catalog: c.catalog, objectStorageEndpoint: settings.objectStorage.endpoint, volumeBackup: method });
  new BackupSchedule(c, 'backup-schedule', {
    objectStorage: settings.objectStorage,
    prefix: name,
    keep: settings.keep,
    time: settings.time,
    volumes,
  });
}

/** The platform's alerts on every cluster reporting here, and the dashboards; after every component, whose namespaces the alerts watch. */
export function alertsAndDashboards(c: ClusterProfile): void {
  if (!c.cluster.observability.enabled) return;
  const runbookUrl = runbooksUrl(c.cluster.gitops.repository, c.cluster.gitops.branch);
  // the service cluster's metrics stack alone sees every cluster reporting here (found by its
  // method: cdk8s' Chart answers instanceof for any chart)
  const stack = c.components.find((x): x is MetricsStack => typeof (x as Partial<MetricsStack>).watchFleet === 'function');
  stack?.watchFleet({
    workloadClusters: workloadClusters(c).map((w) => w.name),
    // and the GitOps engine's of each cluster reporting here (only those: flux-system is a tenant's name on an Argo CD fleet)
    namespaces: [
      ...new Set([...c.platformNamespaces(), ...[c.cluster, ...workloadClusters(c)].map((w) => ENGINE_NAMESPACE[w.gitops.engine])]),
    ].sort(),
  });
  const groups = [...c.components.flatMap((x) => x.alertGroups), ...c.reportingAlertGroups()];
  if (groups.length > 0) new ComponentAlerts(c, 'component-alerts', { groups, runbookUrl });
  new GoldenSignalDashboards(c, 'dashboards');
  new ComplianceDashboards(c, 'compliance-dashboards');
  const dashboards = [...c.components.flatMap((x) => x.dashboards), ...c.reportingDashboards()];
  if (dashboards.length > 0) new ComponentDashboards(c, 'component-dashboards', { dashboards });
}

/**
 * The enterprise UI, when the cluster's API server trusts its service cluster's identity provider
 * (Headlamp signs people in there and passes their tokens on; otherwise nobody could sign in, and
 * the UI is left out), with links to the service cluster's tools that run.
 */
export function enterpriseUi(c: ClusterProfile): void {
  const { cluster, service } = c;
  const sc = serviceClusterOf(cluster, c.fleet);
  const api = kubernetesOidcClient(cluster, c.fleet);
  // without the platform's identity provider trusted by the API server, nobody could sign in
  if (!cluster.ui.enabled || !sc.identity.enabled || api.issuer.replace(/\/$/, '') !== service.identity) return;
  const links = [
    ...(sc.observability.enabled ? [{ name: 'grafana', label: 'Grafana (metrics)', url: service.grafana }] : []),
    ...(sc.logging.enabled ? [{ name: 'logs', label: 'OpenSearch Dashboards (logs)', url: service.logDashboards }] : []),
    ...(sc.registry.enabled && sc.registry.storage ? [{ name: 'registry', label: 'Harbor (registry)', url: `https://${service.registry}` }] : []),
  ];
  new Headlamp(c, 'headlamp', {
    catalog: c.catalog,
    host: uiHost(cluster.domain),
    clusterName: cluster.name,
    issuer: service.identity,
    clientId: headlampClientId(cluster.name),
    apiClientId: api.clientId,
    links,
    fluxPlugin: cluster.gitops.engine === 'flux',
  });
}

/** One component per tenant; its namespace admits the images the operators start there for its data services. */
export function tenants(c: ClusterProfile): void {
  for (const tenant of c.cluster.tenants)
    new Tenant(c, { tenant, hosts: tenantHosts(c.cluster, tenant), images: dataServiceImages(tenant.services) });
}

/**
 * The tenants' data services: each kind's operator when some tenant declares it, and every instance
 * in its tenant's namespace, backed up to the cluster's backup bucket at the daily backup time
 * (none when backups are off).
 */
export function dataServices(c: ClusterProfile): void {
  const { tenants: list, backup: settings, name } = c.cluster;
  if (!list.some((t) => t.services.length > 0)) return;
  const target = dailyBackupTarget(c);
  addDataServices(c, {
    catalog: c.catalog,
    tenants: list,
    file: clusterConfigPath(name),
    ...(target.objectStorage
      ? { backup: { objectStorage: target.objectStorage, prefix: name, schedule: target.schedule, keep: settings.keep } }
      : {}),
  });
}
