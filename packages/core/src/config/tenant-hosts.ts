import type { ConfigProblem } from './config-error.js';
import type { ClusterConfig, TenantConfig } from './cluster-config-schema.js';
import type { Fleet } from './load-fleet.js';
import { serviceEndpoints, uiHost } from '../service-endpoints.js';

/**
 * The host names a tenant's Ingresses and routes may use: `tenants[].hosts`, or by default its own
 * subdomain of the cluster's domain and every name below it.
 */
export function tenantHosts(cluster: ClusterConfig, tenant: TenantConfig): string[] {
  return tenant.hosts ? [...tenant.hosts] : [`${tenant.name}.${cluster.domain}`, `*.${tenant.name}.${cluster.domain}`];
}

/**
 * Whether an allowed host pattern admits a host (itself a name or a wildcard): equal, or below the
 * suffix of a `*.` pattern at any depth. The admission rule `ingress-hosts` matches the same way.
 */
export function hostCovers(pattern: string, host: string): boolean {
  return pattern === host || (pattern.startsWith('*.') && host.endsWith(pattern.slice(1)));
}

/** Whether two host patterns admit a common host. */
export function hostsOverlap(a: string, b: string): boolean {
  return hostCovers(a, b) || hostCovers(b, a);
}

/** A host one of the platform's endpoints is served at. */
export interface PlatformHost {
  readonly host: string;
  /** The cluster that serves it. */
  readonly cluster: string;
}

/**
 * Every platform endpoint host of the fleet, as serviceEndpoints derives them for each service
 * cluster (whether or not the component behind a host is switched on: the names stay reserved).
 */
export function platformHosts(fleet: Fleet): PlatformHost[] {
  return [...fleet.clusters.values()]
    .flatMap((c) => [
      ...(c.profile === 'service'
        ? Object.values(serviceEndpoints(c.domain)).map((endpoint) => ({
            host: endpoint.includes('://') ? new URL(endpoint).hostname : endpoint,
            cluster: c.name,
          }))
        : []),
      // every cluster's enterprise UI
      { host: uiHost(c.domain), cluster: c.name },
    ])
    .filter((h, i, all) => all.findIndex((o) => o.host === h.host) === i)
    .sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
}

/**
 * Tenant hosts that would let a tenant serve someone else's traffic: a pattern that covers a
 * platform endpoint of any cluster of the fleet, or that overlaps another tenant's of the same cluster.
 * @param fileOf the file to name in problems for a cluster
 */
export function tenantHostProblems(fleet: Fleet, fileOf: (cluster: string) => string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const platform = platformHosts(fleet);
  for (const cluster of fleet.clusters.values()) {
    const file = fileOf(cluster.name);
    const claimed: { tenant: number; index: number; pattern: string }[] = [];
    cluster.tenants.forEach((tenant, t) => {
      tenantHosts(cluster, tenant).forEach((pattern, index) => {
        // a default host is reported at the field that would change it
        const where = tenant.hosts ? `tenants[${t}].hosts[${index}]` : `tenants[${t}].hosts`;
        const what = tenant.hosts ? `"${pattern}"` : `the default host "${pattern}"`;
        for (const p of platform.filter((h) => hostCovers(pattern, h.host))) {
          problems.push({
            file,
            path: where,
            message: `${what} covers ${p.host}, a platform endpoint of cluster ${p.cluster}; a tenant may not serve a platform host`,
          });
        }
        const other = claimed.find((c) => c.tenant !== t && hostsOverlap(c.pattern, pattern));
        if (other) {
          const otherTenant = cluster.tenants[other.tenant]!;
          const otherWhere = otherTenant.hosts ? `tenants[${other.tenant}].hosts[${other.index}]` : `the default hosts of tenants[${other.tenant}]`;
          problems.push({
            file,
            path: where,
            message: `${what} overlaps "${other.pattern}" of tenant ${otherTenant.name} (${otherWhere}); tenants may not share hosts`,
          });
        }
        claimed.push({ tenant: t, index, pattern });
      });
    });
  }
  return problems;
}
