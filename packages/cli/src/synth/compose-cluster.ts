import { nodeFiles } from '@ck8s/apiserver';
import { type ChartCatalog, type ClusterConfig, ConfigError, type ExtraFile, type Fleet, Tenant } from '@ck8s/core';
import { BackupSchedule, Velero } from '@ck8s/backup';
import { FluxInstall, FluxLayers, FluxSync } from '@ck8s/gitops';
import { Falco } from '@ck8s/ids';
import { CertManager, ClusterIssuers, type EndpointSpec, ExternalDns, IngressController, PlatformEndpoints } from '@ck8s/ingress';
import { IdentityProvider } from '@ck8s/identity';
import { LogForwarder, LogStore } from '@ck8s/logging';
import { AvailabilityProbes, GoldenSignalDashboards, MetricsStack, PlatformAlerts, PlatformMonitors } from '@ck8s/observability';
import { AdmissionPolicies, ClusterAccess, clusterRules } from '@ck8s/policy';
import { MitreAttackCompliance, PostureScanner } from '@ck8s/posture';
import { Registry } from '@ck8s/registry';
import type { App } from 'cdk8s';

export interface ComposeClusterProps {
  readonly cluster: ClusterConfig;
  readonly fleet: Fleet;
  readonly catalog: ChartCatalog;
}

/** Pod Security Standards version matching the cluster, e.g. `v1.33`, so upgrades never change policy silently. */
export function podSecurityVersion(cluster: ClusterConfig): string {
  const [major, minor] = cluster.kubernetesVersion.split('.');
  return `v${major}.${minor}`;
}

/**
 * Composes the components of one cluster according to its profile. Both profiles get the
 * Flux bootstrap, Flux's own installation (locked down for multi-tenancy), the layer Kustomizations, admission policies, cluster access, audit and
 * OIDC node configuration, ingress with certificates, intrusion detection, and their tenants;
 * capabilities add their components here as they arrive (workload: forwarders, backup;
 * service: log store, metrics, registry, SSO). Each capability can be switched off in cluster.yaml.
 * @returns files that are not components (the node configuration)
 */
export function composeCluster(app: App, props: ComposeClusterProps): ExtraFile[] {
  const { cluster, fleet } = props;
  new FluxSync(app, 'gotk-sync', { cluster });
  new FluxInstall(app, 'flux', { repository: cluster.gitops.fluxManifests ?? props.catalog.flux.repository, version: props.catalog.flux.version, interval: cluster.gitops.interval });
  new FluxLayers(app, 'layers', { cluster, wait: cluster.gitops.wait });
  new AdmissionPolicies(app, 'admission-policies', { cluster, rules: clusterRules(cluster, fleet) });
  new ClusterAccess(app, 'cluster-access', { cluster });
  const common = { cluster, catalog: props.catalog, podSecurityVersion: podSecurityVersion(cluster) };
  // endpoints the cluster serves through its ingress (service cluster: log store, metrics, dashboards, SSO, registry)
  const endpoints: EndpointSpec[] = [];
  if (cluster.logging.enabled) {
    new LogForwarder(app, 'fluent-bit', { ...common, fleet });
    if (cluster.profile === 'service') endpoints.push(...new LogStore(app, 'opensearch', { ...common, fleet }).endpoints);
  }
  if (cluster.observability.enabled) {
    const metrics = new MetricsStack(app, 'kube-prometheus-stack', { ...common, fleet });
    // Prometheus (remote write) and Alertmanager have no login of their own: the ingress asks for one
    endpoints.push(
      ...metrics.endpoints.map((e) =>
        // Prometheus (remote write) and Alertmanager have no login of their own: the ingress asks for one; Grafana's pods listen on 3000
        e.name === 'grafana' ? { ...e, targetPort: 3000 } : { ...e, basicAuthSecret: `${e.name}-basic-auth` },
      ),
    );
    new PlatformMonitors(app, 'platform-monitors', { cluster });
    if (cluster.profile === 'service') {
      new PlatformAlerts(app, 'platform-alerts', { cluster, fleet });
      new GoldenSignalDashboards(app, 'dashboards', { cluster });
    }
  }
  if (cluster.profile === 'service' && cluster.identity.enabled) endpoints.push(...new IdentityProvider(app, 'dex', { ...common, fleet }).endpoints);
  if (cluster.profile === 'service' && cluster.registry.enabled) endpoints.push(...new Registry(app, 'harbor', { ...common, fleet }).endpoints);
  if (cluster.posture.enabled) {
    new PostureScanner(app, 'trivy-operator', { ...common, fleet });
    new MitreAttackCompliance(app, 'mitre-attack-compliance');
  }
  if (cluster.observability.enabled && cluster.profile === 'service' && endpoints.length > 0) {
    new AvailabilityProbes(app, 'availability', { cluster, catalog: props.catalog, endpoints: endpoints.map((e) => ({ name: e.name, url: `https://${e.host}` })) });
  }
  if (endpoints.length > 0 && (!cluster.ingress.enabled || !cluster.certificates.enabled)) {
    throw new ConfigError([
      {
        file: `clusters/${cluster.name}/cluster.yaml`,
        path: cluster.ingress.enabled ? 'certificates.enabled' : 'ingress.enabled',
        message: `must be true: the cluster serves ${endpoints.map((e) => e.host).join(', ')} to its workload clusters over TLS`,
      },
    ]);
  }
  if (cluster.ingress.enabled) new IngressController(app, 'ingress-nginx', { ...common, backends: endpoints.map((e) => ({ namespace: e.namespace, port: e.targetPort ?? e.port })) });
  if (endpoints.length > 0) new PlatformEndpoints(app, 'endpoints', { cluster, endpoints });
  if (cluster.certificates.enabled) {
    new CertManager(app, 'cert-manager', common);
    new ClusterIssuers(app, 'cluster-issuers', { cluster });
  }
  if (cluster.externalDns.enabled) new ExternalDns(app, 'external-dns', common);
  if (cluster.ids.enabled) new Falco(app, 'falco', { ...common, fleet });
  if (cluster.backup.enabled) {
    new Velero(app, 'velero', common);
    new BackupSchedule(app, 'backup-schedule', { cluster });
  }
  for (const tenant of cluster.tenants) {
    new Tenant(app, { tenant, podSecurityVersion: podSecurityVersion(cluster) });
  }
  return nodeFiles(cluster, fleet);
}
