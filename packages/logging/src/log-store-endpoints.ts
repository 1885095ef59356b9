import { type ClusterConfig, PLATFORM_NAMESPACES, serviceEndpoints } from '@ck8s/core';

/** An endpoint the log store serves, for the caller to create its Certificate and Ingress. */
export interface LogStoreEndpoint {
  /** Endpoint name: the first label of the host and the name of its Certificate and Ingress. */
  readonly name: 'opensearch' | 'opensearch-dashboards';
  /** Fully qualified host. */
  readonly host: string;
  /** Namespace of the Service. */
  readonly namespace: string;
  /** Service the Ingress sends to. */
  readonly service: string;
  readonly port: number;
  /**
   * Protocol between the ingress controller and the Service. OpenSearch only speaks TLS (the
   * security plugin's HTTP TLS is on), so its Ingress needs
   * `nginx.ingress.kubernetes.io/backend-protocol: HTTPS`.
   */
  readonly backendProtocol: 'HTTP' | 'HTTPS';
}

/** Service of the OpenSearch nodes, named by the chart after `clusterName` and `nodeGroup`. */
export const OPENSEARCH_SERVICE = 'opensearch-cluster-master';
export const OPENSEARCH_HTTP_PORT = 9200;
export const OPENSEARCH_TRANSPORT_PORT = 9300;
/** Service of OpenSearch Dashboards, named by the chart after the release. */
export const DASHBOARDS_SERVICE = 'opensearch-dashboards';
export const DASHBOARDS_PORT = 5601;

/**
 * The endpoints of a service cluster's log store: the ingest and API (`opensearch.<domain>`, what
 * the forwarders of every cluster write to) and Dashboards (`opensearch-dashboards.<domain>`).
 * Hosts come from serviceEndpoints, so they match what the forwarders are told.
 */
export function logStoreEndpoints(cluster: ClusterConfig): readonly LogStoreEndpoint[] {
  const endpoints = serviceEndpoints(cluster.domain);
  const namespace = PLATFORM_NAMESPACES.logStore;
  return [
    { name: 'opensearch', host: new URL(endpoints.logs).hostname, namespace, service: OPENSEARCH_SERVICE, port: OPENSEARCH_HTTP_PORT, backendProtocol: 'HTTPS' },
    { name: 'opensearch-dashboards', host: new URL(endpoints.logDashboards).hostname, namespace, service: DASHBOARDS_SERVICE, port: DASHBOARDS_PORT, backendProtocol: 'HTTP' },
  ];
}
