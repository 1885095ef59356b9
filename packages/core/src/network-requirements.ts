import type { ClusterConfig } from './config/cluster-config-schema.js';
import { ConfigError } from './config/config-error.js';
import type { NetworkPeer, NetworkPort } from './network-allow.js';

function required(cluster: ClusterConfig, field: string, message: string): never {
  throw new ConfigError([{ file: `clusters/${cluster.name}/cluster.yaml`, path: field, message }]);
}

/**
 * Where the API server is, for components that must reach it. There is no silent default:
 * without `network.apiServer` such a component cannot be allowed out of its default deny.
 * @throws ConfigError naming the field and the component that needs it
 */
export function apiServerPeer(cluster: ClusterConfig, component: string): { peers: NetworkPeer[]; ports: NetworkPort[] } {
  const api = cluster.network.apiServer;
  if (!api) required(cluster, 'network.apiServer', `is required: ${component} must reach the Kubernetes API server (set cidrs and port), or switch the component off`);
  return { peers: [{ cidrs: api.cidrs }], ports: [{ port: api.port }] };
}

/**
 * The service cluster's ingress, for components that ship evidence there over HTTPS.
 * @throws ConfigError naming the field and the component that needs it
 */
export function serviceClusterPeer(cluster: ClusterConfig, component: string): { peers: NetworkPeer[]; ports: NetworkPort[] } {
  const cidrs = cluster.network.serviceClusterCidrs;
  if (cidrs.length === 0) required(cluster, 'network.serviceClusterCidrs', `is required: ${component} sends to the service cluster's ingress (its addresses), or switch the component off`);
  return { peers: [{ cidrs }], ports: [{ port: 443 }] };
}
