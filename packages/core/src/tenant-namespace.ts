import { App } from 'cdk8s';
import type { ClusterConfig, TenantConfig } from './config/cluster-config-schema.js';
import { tenantHosts } from './config/tenant-hosts.js';
import { Tenant } from './tenant.js';

/**
 * The Namespace object a tenant gets (labels and allowed hosts as generated), for evaluating
 * admission rules offline the way the cluster does (`namespaceObject`).
 */
export function tenantNamespace(cluster: ClusterConfig, tenant: TenantConfig): Record<string, unknown> {
  const objects = new Tenant(new App(), { tenant, hosts: tenantHosts(cluster, tenant) }).toJson() as Record<string, unknown>[];
  return objects.find((o) => o['kind'] === 'Namespace')!;
}

/** The tenant namespaces of a cluster as the platform generates them (labels, allowed hosts), by name. */
export function tenantNamespaces(cluster: ClusterConfig): Map<string, Record<string, unknown>> {
  return new Map(cluster.tenants.map((tenant) => [tenant.name, tenantNamespace(cluster, tenant)]));
}
