import type { ClusterConfig } from '@ck8s/core';

/**
 * The platform's alerting, availability and dashboards live in the service cluster, which sees
 * every cluster's metrics.
 * @throws Error naming the cluster and its profile otherwise
 */
export function requireServiceCluster(cluster: ClusterConfig, component: string): void {
  if (cluster.profile !== 'service') {
    throw new Error(`${component}: cluster "${cluster.name}" has profile "${cluster.profile}"; this component runs in a service cluster, which receives every cluster's metrics`);
  }
}
