import { type ClusterConfig, type Fleet, serviceEndpoints } from '@ck8s/core';

/**
 * Registries tenant images may come from: `policy.allowedRegistries` when set, otherwise the
 * private registry of the cluster's service cluster (`registry.<service cluster domain>`).
 */
export function allowedRegistries(cluster: ClusterConfig, fleet: Fleet): string[] {
  if (cluster.policy.allowedRegistries) return [...cluster.policy.allowedRegistries];
  const service = cluster.serviceCluster ? fleet.clusters.get(cluster.serviceCluster) : cluster;
  return service ? [serviceEndpoints(service.domain).registry] : [];
}
