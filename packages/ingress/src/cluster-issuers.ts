import { Component, PLATFORM_NAMESPACES } from '@ck8s/core';
import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { INGRESS_CLASS } from './ingress-controller.js';

export interface ClusterIssuersProps {
  /** Contact address for Let's Encrypt; without it there are no Let's Encrypt issuers. @default none */
  readonly acmeEmail?: string;
  /** Common name of the private root CA, e.g. naming the cluster. @default 'ck8s root CA' */
  readonly rootCaName?: string;
}

/** ACME directories of Let's Encrypt. */
export const LETSENCRYPT = {
  'letsencrypt-production': 'https://acme-v02.api.letsencrypt.org/directory',
  'letsencrypt-staging': 'https://acme-staging-v02.api.letsencrypt.org/directory',
} as const;

/** Secret in cert-manager's namespace that holds the private root CA. */
export const PRIVATE_CA_SECRET = 'ck8s-root-ca';

/**
 * The cluster issuers (`platform/cluster-issuers.yaml`): Let's Encrypt staging and production
 * with HTTP-01 through the ingress class (when a contact address is configured), and a private
 * CA for environments without public DNS: a self-signed issuer signs the root certificate, whose
 * Secret backs the `private-ca` issuer.
 */
export class ClusterIssuers extends Component {
  constructor(scope: Construct, id: string, props: ClusterIssuersProps = {}) {
    super(scope, id, { layer: 'platform' });
    if (props.acmeEmail) {
      for (const [name, server] of Object.entries(LETSENCRYPT)) {
        new ApiObject(this, name, {
          apiVersion: 'cert-manager.io/v1',
          kind: 'ClusterIssuer',
          metadata: { name },
          spec: {
            acme: {
              server,
              email: props.acmeEmail,
              privateKeySecretRef: { name: `${name}-account-key` },
              solvers: [{ http01: { ingress: { ingressClassName: INGRESS_CLASS } } }],
            },
          },
        });
      }
    }

    new ApiObject(this, 'selfsigned', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: { name: 'selfsigned' },
      spec: { selfSigned: {} },
    });
    new ApiObject(this, 'root', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: PRIVATE_CA_SECRET, namespace: PLATFORM_NAMESPACES.certManager },
      spec: {
        isCA: true,
        commonName: props.rootCaName ?? 'ck8s root CA',
        secretName: PRIVATE_CA_SECRET,
        duration: '87600h',
        privateKey: { algorithm: 'ECDSA', size: 256 },
        issuerRef: { name: 'selfsigned', kind: 'ClusterIssuer', group: 'cert-manager.io' },
      },
    });
    new ApiObject(this, 'private-ca', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: { name: 'private-ca' },
      spec: { ca: { secretName: PRIVATE_CA_SECRET } },
    });
  }
}
