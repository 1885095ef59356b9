import type { ClusterConfig } from './config/cluster-config-schema.js';
import type { Fleet } from './config/load-fleet.js';
import { kubernetesClientId } from './naming.js';

/**
 * The endpoints a service cluster offers its workload clusters. Every cross-cluster address is
 * derived here from the service cluster's domain, so both sides of a connection always agree.
 */
export interface ServiceEndpoints {
  /** OIDC issuer (Dex). */
  readonly identity: string;
  /** Host of the private registry (Harbor). */
  readonly registry: string;
  /** Log store ingest (OpenSearch). */
  readonly logs: string;
  /** Prometheus remote-write receiver. */
  readonly metricsRemoteWrite: string;
  /** Alertmanager API. */
  readonly alertmanager: string;
  /** Grafana. */
  readonly grafana: string;
  /** OpenSearch Dashboards. */
  readonly logDashboards: string;
}

export function serviceEndpoints(serviceDomain: string): ServiceEndpoints {
  return {
    identity: `https://dex.${serviceDomain}`,
    registry: `registry.${serviceDomain}`,
    logs: `https://opensearch.${serviceDomain}`,
    metricsRemoteWrite: `https://prometheus.${serviceDomain}/api/v1/write`,
    alertmanager: `https://alertmanager.${serviceDomain}`,
    grafana: `https://grafana.${serviceDomain}`,
    logDashboards: `https://opensearch-dashboards.${serviceDomain}`,
  };
}

/** Host of a cluster's enterprise UI (Headlamp), in every cluster: no tenant may take it. */
export function uiHost(domain: string): string {
  return `headlamp.${domain}`;
}

/**
 * The service cluster a cluster reports to: its `serviceCluster` for a workload cluster, itself
 * for a service cluster.
 * @throws Error when a workload cluster's service cluster is not in the fleet
 */
export function serviceClusterOf(cluster: ClusterConfig, fleet: Fleet): ClusterConfig {
  if (cluster.profile === 'service') return cluster;
  const service = cluster.serviceCluster ? fleet.clusters.get(cluster.serviceCluster) : undefined;
  if (!service) throw new Error(`cluster ${cluster.name}: service cluster "${cluster.serviceCluster ?? ''}" is not in this repository`);
  return service;
}

/**
 * How a cluster's API server authenticates people: the issuer (its service cluster's identity
 * provider unless `oidc.issuerUrl` says otherwise) and its client id there (`oidc.clientId`, or
 * `kubernetes-<cluster>`). The identity provider registers the same client.
 */
export function kubernetesOidcClient(cluster: ClusterConfig, fleet: Fleet): { readonly issuer: string; readonly clientId: string } {
  return {
    issuer: cluster.oidc.issuerUrl ?? serviceEndpoints(serviceClusterOf(cluster, fleet).domain).identity,
    clientId: cluster.oidc.clientId ?? kubernetesClientId(cluster.name),
  };
}
