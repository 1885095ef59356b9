import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { INGRESS_CLASS } from './ingress-controller.js';

/** The annotation naming the Secret (BASIC_AUTH_SECRET of @ck8s/core) the controller checks an Ingress's clients against. */
export const BASIC_AUTH_SECRET_ANNOTATION = 'nginx.org/basic-auth-secret';

/** A platform endpoint served through the ingress controller. */
export interface EndpointProps {
  /** ClusterIssuer of the certificate. */
  readonly issuer: string;
  /** Namespace of the backing Service (and of the Certificate and Ingress). */
  readonly namespace: string;
  /** Object names; also the first label of the host name. */
  readonly name: string;
  /** Fully qualified host, e.g. `grafana.demo-sc.example.com`. */
  readonly host: string;
  readonly service: { readonly name: string; readonly port: number };
  /** Protocol the controller speaks to the backend. @default 'HTTP' */
  readonly backendProtocol?: 'HTTP' | 'HTTPS';
  /** Secret (of the form BASIC_AUTH_SECRET: type `nginx.org/htpasswd`, key `htpasswd`) that guards an endpoint without its own login. @default none (the backend authenticates) */
  readonly basicAuthSecret?: string;
  /** Extra NGINX Ingress Controller annotations (`nginx.org/*`). @default none */
  readonly annotations?: Readonly<Record<string, string>>;
}

/**
 * A Certificate from the configured issuer and an Ingress for one platform endpoint (dashboards,
 * registry, identity provider, log and metrics ingest): every endpoint is served over TLS with a
 * certificate cert-manager renews.
 */
export class PlatformEndpoint extends Construct {
  constructor(scope: Construct, id: string, props: EndpointProps) {
    super(scope, id);
    const secretName = `${props.name}-tls`;
    new ApiObject(this, 'certificate', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: props.name, namespace: props.namespace },
      spec: { secretName, dnsNames: [props.host], issuerRef: { name: props.issuer, kind: 'ClusterIssuer', group: 'cert-manager.io' } },
    });
    new ApiObject(this, 'ingress', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name: props.name,
        namespace: props.namespace,
        ...(props.backendProtocol === 'HTTPS' || props.basicAuthSecret || props.annotations
          ? {
              annotations: {
                ...props.annotations,
                // the controller speaks TLS to the Services it names here
                ...(props.backendProtocol === 'HTTPS' ? { 'nginx.org/ssl-services': props.service.name } : {}),
                ...(props.basicAuthSecret ? { [BASIC_AUTH_SECRET_ANNOTATION]: props.basicAuthSecret, 'nginx.org/basic-auth-realm': props.name } : {}),
              },
            }
          : {}),
      },
      spec: {
        ingressClassName: INGRESS_CLASS,
        tls: [{ hosts: [props.host], secretName }],
        rules: [
          {
            host: props.host,
            http: {
              paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: props.service.name, port: { number: props.service.port } } } }],
            },
          },
        ],
      },
    });
  }
}
