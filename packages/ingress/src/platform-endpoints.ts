import { type ClusterConfig, Component } from '@ck8s/core';
import type { Construct } from 'constructs';
import { PlatformEndpoint } from './platform-endpoint.js';

/** An endpoint a component serves, as the component describes it. */
export interface EndpointSpec {
  readonly name: string;
  readonly host: string;
  readonly namespace: string;
  readonly service: string;
  readonly port: number;
  /** @default 'HTTP' */
  readonly backendProtocol?: 'HTTP' | 'HTTPS';
  /** htpasswd Secret in the endpoint's namespace for an endpoint without its own login. @default none */
  readonly basicAuthSecret?: string;
  /** Port of the backend pods, which the controller connects to (the Service may map another). @default `port` */
  readonly targetPort?: number;
  /** Extra ingress-nginx annotations the backend needs (e.g. no body size limit for a registry). @default none */
  readonly ingressAnnotations?: Readonly<Record<string, string>>;
}

export interface PlatformEndpointsProps {
  readonly cluster: ClusterConfig;
  readonly endpoints: readonly EndpointSpec[];
}

/**
 * Certificates and Ingresses of every platform endpoint of the cluster
 * (`platform/endpoints.yaml`), applied after the components that serve them.
 */
export class PlatformEndpoints extends Component {
  constructor(scope: Construct, id: string, props: PlatformEndpointsProps) {
    super(scope, id, { layer: 'platform' });
    for (const e of [...props.endpoints].sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.basicAuthSecret) {
        this.requireSecret({ namespace: e.namespace, name: e.basicAuthSecret, keys: ['auth'], purpose: `htpasswd of the clients of https://${e.host} (its backend has no login of its own)` });
      }
      new PlatformEndpoint(this, e.name, {
        cluster: props.cluster,
        namespace: e.namespace,
        name: e.name,
        host: e.host,
        service: { name: e.service, port: e.port },
        ...(e.backendProtocol ? { backendProtocol: e.backendProtocol } : {}),
        ...(e.basicAuthSecret ? { basicAuthSecret: e.basicAuthSecret } : {}),
        ...(e.ingressAnnotations ? { annotations: e.ingressAnnotations } : {}),
      });
    }
  }
}
