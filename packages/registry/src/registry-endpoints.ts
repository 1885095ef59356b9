import { type ClusterConfig, serviceEndpoints } from '@ck8s/core';

/** Namespace of the registry. */
export const REGISTRY_NAMESPACE = 'harbor';
/** Harbor's front Service with `expose.type: clusterIP` (its nginx, which routes to core and portal). */
export const HARBOR_SERVICE = 'harbor';
export const HARBOR_HTTP_PORT = 80;
/** Port of the nginx pods behind HARBOR_SERVICE (the chart's nginx runs unprivileged on 8080). */
export const HARBOR_NGINX_PORT = 8080;

/** An endpoint the registry serves, for the caller to create its Certificate and Ingress. */
export interface RegistryEndpoint {
  /** Endpoint name: the first label of the host and the name of its Certificate and Ingress. */
  readonly name: 'registry';
  /** Fully qualified host: the registry part of every tenant image reference. */
  readonly host: string;
  /** Namespace of the Service. */
  readonly namespace: string;
  /** Service the Ingress sends to. */
  readonly service: string;
  /** Port of the Service. */
  readonly port: number;
  /**
   * Port of the pods behind the Service. The ingress controller connects to pod addresses, so this,
   * not `port`, is what its egress NetworkPolicy must open.
   */
  readonly targetPort: number;
  /** Protocol between the ingress controller and the Service (TLS ends at the ingress). */
  readonly backendProtocol: 'HTTP';
  /**
   * Annotations the Ingress needs: image layers are far larger than ingress-nginx's default 1 MiB
   * body limit, and pushes of large layers outlast its default 60 s timeouts.
   */
  readonly ingressAnnotations: Readonly<Record<string, string>>;
}

/**
 * Host of a service cluster's registry, `registry.<domain>`. Tenant images of its workload clusters
 * must come from here: the policy package's default of `policy.allowedRegistries` derives the same
 * host from serviceEndpoints.
 */
export function registryHost(cluster: ClusterConfig): string {
  return serviceEndpoints(cluster.domain).registry;
}

/** The endpoint of a service cluster's registry: `registry.<domain>` to Harbor's nginx. */
export function registryEndpoints(cluster: ClusterConfig): readonly RegistryEndpoint[] {
  return [
    {
      name: 'registry',
      host: registryHost(cluster),
      namespace: REGISTRY_NAMESPACE,
      service: HARBOR_SERVICE,
      port: HARBOR_HTTP_PORT,
      targetPort: HARBOR_NGINX_PORT,
      backendProtocol: 'HTTP',
      ingressAnnotations: {
        'nginx.ingress.kubernetes.io/proxy-body-size': '0',
        'nginx.ingress.kubernetes.io/proxy-read-timeout': '900',
        'nginx.ingress.kubernetes.io/proxy-send-timeout': '900',
      },
    },
  ];
}
