import { MONITORING_NAMESPACE, MONITORING_SERVICES } from './monitoring-names.js';

/**
 * The label that names the tenant a series belongs to, as `<cluster>/<namespace>`. A workload
 * cluster's Prometheus sets it when it writes to the service cluster, from the series' own `cluster`
 * and `namespace` labels (and drops whatever value a scraped target claimed), so one label carries
 * both and prom-label-proxy, which enforces exactly one label, fixes the tenant's clusters and
 * namespaces at once. Prefixed so that an application's own `tenant` label is left alone.
 */
export const TENANT_METRICS_LABEL = 'ck8s_tenant';

/** A tenant of a workload cluster reporting to the service cluster: whose series it is and who reads them. */
export interface MetricsTenant {
  /** The workload cluster. */
  readonly cluster: string;
  /** The tenant's namespace there (its name in cluster.yaml). */
  readonly namespace: string;
  /** Identity-provider groups that administer the tenant: Editors of its Grafana organisation. */
  readonly adminGroups: readonly string[];
  /** Identity-provider groups that read the tenant's metrics: Viewers of its Grafana organisation. */
  readonly viewGroups: readonly string[];
}

/** The value of TENANT_METRICS_LABEL on the series of a tenant's namespace. */
export function tenantSeriesValue(cluster: string, namespace: string): string {
  return `${cluster}/${namespace}`;
}

/** One rule of a remote write's `writeRelabelConfigs`, as the Prometheus operator takes it. */
export interface WriteRelabeling {
  readonly action: 'labeldrop' | 'replace';
  readonly regex: string;
  readonly sourceLabels?: readonly string[];
  readonly separator?: string;
  readonly targetLabel?: string;
  readonly replacement?: string;
}

function regexQuote(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The relabelling a workload cluster's remote write applies: drop any tenant label a series came with
 * (a tenant's exporter could claim another's), then set it on the series of the tenant namespaces
 * from `cluster` and `namespace` (external labels are added before write relabelling, so rules'
 * series carry `cluster` too). Series of platform namespaces get no tenant label: no tenant reads them.
 */
export function tenantWriteRelabelings(
  cluster: string,
  clusterLabel: string,
  namespaceLabel: string,
  namespaces: readonly string[],
): WriteRelabeling[] {
  const drop: WriteRelabeling = { action: 'labeldrop', regex: TENANT_METRICS_LABEL };
  if (namespaces.length === 0) return [drop];
  const alternatives = [...namespaces].sort().map(regexQuote).join('|');
  return [
    drop,
    {
      action: 'replace',
      sourceLabels: [clusterLabel, namespaceLabel],
      separator: '/',
      regex: `(${regexQuote(cluster)}/(?:${alternatives}))`,
      targetLabel: TENANT_METRICS_LABEL,
      replacement: '$1',
    },
  ];
}

/** Port the tenants' prom-label-proxies listen on (none of the ports Prometheus scrapes in monitoring). */
export const TENANT_PROXY_PORT = 9091;

/** Version of prom-label-proxy the tenants' proxies run (quay.io, a registry of the metrics stack's chart). */
export const PROM_LABEL_PROXY_IMAGE = 'quay.io/prometheuscommunity/prom-label-proxy:v0.12.0';

/** Name of a tenant's proxy Deployment and Service: `metrics-<cluster>-<namespace>`. */
export function tenantProxyName(tenant: Pick<MetricsTenant, 'cluster' | 'namespace'>): string {
  const name = `metrics-${tenant.cluster}-${tenant.namespace}`;
  if (name.length > 63)
    throw new Error(
      `tenant ${tenant.namespace} of cluster ${tenant.cluster}: its metrics proxy would be named ${name}, longer than the 63 characters a service name may have; shorten the cluster or tenant name`,
    );
  return name;
}

/** The URL Grafana reaches a tenant's proxy at. */
export function tenantProxyUrl(tenant: Pick<MetricsTenant, 'cluster' | 'namespace'>): string {
  return `http://${tenantProxyName(tenant)}.${MONITORING_NAMESPACE}.svc:${TENANT_PROXY_PORT}`;
}

/** The service cluster's Prometheus, which the proxies query. */
export const PROMETHEUS_UPSTREAM = `http://${MONITORING_SERVICES.prometheus.name}.${MONITORING_NAMESPACE}.svc:${MONITORING_SERVICES.prometheus.port}`;

/** The arguments of a tenant's prom-label-proxy: every query, series, label and rules request is held to the tenant's label value. */
export function tenantProxyArgs(tenant: Pick<MetricsTenant, 'cluster' | 'namespace'>): string[] {
  return [
    `-insecure-listen-address=0.0.0.0:${TENANT_PROXY_PORT}`,
    `-upstream=${PROMETHEUS_UPSTREAM}`,
    `-label=${TENANT_METRICS_LABEL}`,
    `-label-value=${tenantSeriesValue(tenant.cluster, tenant.namespace)}`,
    // Grafana's query editor lists label names and values: filtered to the tenant's series too
    '-enable-label-apis',
  ];
}

/** Grafana's main organisation: the operators' (every series, the chart's data sources and dashboards). */
export const GRAFANA_MAIN_ORG_ID = 1;

/** A tenant's Grafana organisation: its number, name and the tenant. */
export interface TenantOrganisation {
  readonly id: number;
  readonly name: string;
  readonly tenant: MetricsTenant;
}

/**
 * One Grafana organisation per tenant, numbered from 2 in the order of cluster and namespace. Grafana
 * keeps its database in the pod (no persistence), so every start creates them in this order and the
 * numbers hold; the start-up hook checks each and fails loudly if one does not. Numbers rather than
 * names in `org_mapping`, because Grafana resolves names once at start, before the organisations exist.
 */
export function tenantOrganisations(tenants: readonly MetricsTenant[]): TenantOrganisation[] {
  const sorted = [...tenants].sort((a, b) => a.cluster.localeCompare(b.cluster) || a.namespace.localeCompare(b.namespace));
  const seen = new Set<string>();
  return sorted.map((tenant, i) => {
    const name = tenantSeriesValue(tenant.cluster, tenant.namespace);
    if (seen.has(name)) throw new Error(`tenant ${tenant.namespace} of cluster ${tenant.cluster} is listed twice`);
    seen.add(name);
    return { id: GRAFANA_MAIN_ORG_ID + 1 + i, name, tenant };
  });
}
