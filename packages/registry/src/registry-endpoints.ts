import { PLATFORM_NAMESPACES } from '@ck8s/core';

/** Namespace of the registry. */
export const REGISTRY_NAMESPACE = PLATFORM_NAMESPACES.registry;
/** Harbor's front Service with `expose.type: clusterIP` (its nginx, which routes to core and portal). */
export const HARBOR_SERVICE = 'harbor';
export const HARBOR_HTTP_PORT = 80;
/** Port of the nginx pods behind HARBOR_SERVICE (the chart's nginx runs unprivileged on 8080). */
export const HARBOR_NGINX_PORT = 8080;

/**
 * Annotations the registry's Ingress needs: image layers are far larger than ingress-nginx's
 * default 1 MiB body limit, and pushes of large layers outlast its default 60 s timeouts.
 */
export const REGISTRY_INGRESS_ANNOTATIONS: Readonly<Record<string, string>> = {
  'nginx.ingress.kubernetes.io/proxy-body-size': '0',
  'nginx.ingress.kubernetes.io/proxy-read-timeout': '900',
  'nginx.ingress.kubernetes.io/proxy-send-timeout': '900',
};
