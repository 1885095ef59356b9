import { type ClusterConfig, serviceEndpoints } from '@ck8s/core';

/** Namespace of the identity provider. */
export const IDENTITY_NAMESPACE = 'dex';
/** Service of Dex, named by the chart after the release. */
export const DEX_SERVICE = 'dex';
/** Dex's HTTP port (the chart's `--web-http-addr`), on the Service and the pods alike. */
export const DEX_HTTP_PORT = 5556;
/** Dex's telemetry port: Prometheus metrics and the health checks. */
export const DEX_TELEMETRY_PORT = 5558;
/** Labels of the Dex pods, as the chart sets them. */
export const DEX_PODS: Readonly<Record<string, string>> = { 'app.kubernetes.io/name': 'dex' };

/** An endpoint the identity provider serves, for the caller to create its Certificate and Ingress. */
export interface IdentityEndpoint {
  /** Endpoint name: the first label of the host and the name of its Certificate and Ingress. */
  readonly name: 'dex';
  /** Fully qualified host, the issuer's host. */
  readonly host: string;
  /** Namespace of the Service. */
  readonly namespace: string;
  /** Service the Ingress sends to. */
  readonly service: string;
  /** Port of the Service; the pods listen on the same port. */
  readonly port: number;
  /** Port of the pods behind the Service: what a NetworkPolicy of the ingress controller must open. */
  readonly targetPort: number;
  /** Protocol between the ingress controller and the Service (TLS ends at the ingress). */
  readonly backendProtocol: 'HTTP';
}

/**
 * The endpoint of a service cluster's identity provider: the OIDC issuer `dex.<domain>`. The host
 * comes from serviceEndpoints, so it is the issuer every API server and client is told about.
 */
export function identityEndpoints(cluster: ClusterConfig): readonly IdentityEndpoint[] {
  const host = new URL(serviceEndpoints(cluster.domain).identity).hostname;
  return [{ name: 'dex', host, namespace: IDENTITY_NAMESPACE, service: DEX_SERVICE, port: DEX_HTTP_PORT, targetPort: DEX_HTTP_PORT, backendProtocol: 'HTTP' }];
}

/**
 * Dex's metrics endpoint, in the shape of the observability package's scrape targets, for the
 * caller to add to the platform's PodMonitors (the component allows Prometheus in on this port).
 */
export const IDENTITY_SCRAPE_TARGET = {
  name: 'dex',
  namespace: IDENTITY_NAMESPACE,
  selector: { matchLabels: DEX_PODS },
  port: DEX_TELEMETRY_PORT,
} as const;
