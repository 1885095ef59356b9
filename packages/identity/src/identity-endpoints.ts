import { PLATFORM_NAMESPACES, type Pods } from '@ck8s/core';

/** Namespace of the identity provider. */
export const IDENTITY_NAMESPACE = PLATFORM_NAMESPACES.identity;
/** Service of Dex, named by the chart after the release. */
export const DEX_SERVICE = 'dex';
/** Dex's HTTP port (the chart's `--web-http-addr`), on the Service and the pods alike. */
export const DEX_HTTP_PORT = 5556;
/** Dex's telemetry port: Prometheus metrics and the health checks. */
export const DEX_TELEMETRY_PORT = 5558;
/** The Dex pods, as the chart labels them. */
export const DEX_PODS: Pods = { name: 'dex', namespace: IDENTITY_NAMESPACE, labels: { 'app.kubernetes.io/name': 'dex' } };
