import { BASIC_AUTH_SECRET, Component, type ServedEndpoint } from '@ck8s/core';
import type { Construct } from 'constructs';
import { PlatformEndpoint } from './platform-endpoint.js';

export interface PlatformEndpointsProps {
  /** ClusterIssuer of the endpoints' certificates. */
  readonly issuer: string;
  /** The endpoints the cluster's components serve. */
  readonly endpoints: readonly ServedEndpoint[];
}

/**
 * Certificates and Ingresses of every platform endpoint of the cluster
 * (`platform/endpoints.yaml`), applied after the components that serve them. An endpoint without
 * a login of its own needs its htpasswd Secret, of the type and key the controller reads (BASIC_AUTH_SECRET).
 */
export class PlatformEndpoints extends Component {
  constructor(scope: Construct, id: string, props: PlatformEndpointsProps) {
    super(scope, id, { layer: 'platform' });
    for (const e of [...props.endpoints].sort((a, b) => a.name.localeCompare(b.name))) {
      const namespace = e.pods.namespace;
      if (e.basicAuthSecret) {
        this.requireSecret({
          namespace,
          name: e.basicAuthSecret,
          keys: [BASIC_AUTH_SECRET.key],
          type: BASIC_AUTH_SECRET.type,
          purpose: `htpasswd of the clients of https://${e.host} (its backend has no login of its own)`,
        });
      }
      new PlatformEndpoint(this, e.name, {
        issuer: props.issuer,
        namespace,
        name: e.name,
        host: e.host,
        service: e.service,
        ...(e.backendProtocol ? { backendProtocol: e.backendProtocol } : {}),
        ...(e.basicAuthSecret ? { basicAuthSecret: e.basicAuthSecret } : {}),
        ...(e.ingressAnnotations ? { annotations: e.ingressAnnotations } : {}),
      });
    }
  }
}
