import { PLATFORM_NAMESPACES } from '@ck8s/core';

/** Namespace of the registry. */
export const REGISTRY_NAMESPACE = PLATFORM_NAMESPACES.registry;
/** Harbor's front Service with `expose.type: clusterIP` (its nginx, which routes to core and portal). */
export const HARBOR_SERVICE = 'harbor';
export const HARBOR_HTTP_PORT = 80;
/** Port of the nginx pods behind HARBOR_SERVICE (the chart's nginx runs unprivileged on 8080). */
export const HARBOR_NGINX_PORT = 8080;

/**
 * Annotations the registry's Ingress needs (NGINX Ingress Controller's `nginx.org/*`): image layers
 * are far larger than nginx's default 1 MiB body limit, and pushes of large layers outlast its
 * default 60 s timeouts.
 */
export const REGISTRY_INGRESS_ANNOTATIONS: Readonly<Record<string, string>> = {
  'nginx.org/client-max-body-size': '0',
  'nginx.org/proxy-read-timeout': '900s',
  'nginx.org/proxy-send-timeout': '900s',
};
