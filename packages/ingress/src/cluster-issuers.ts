import { type ClusterConfig, Component, PLATFORM_NAMESPACES } from '@ck8s/core';
import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { INGRESS_CLASS } from './ingress-controller.js';

export interface ClusterIssuersProps {
  readonly cluster: ClusterConfig;
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
  constructor(scope: Construct, id: string, props: ClusterIssuersProps) {
    super(scope, id, { layer: 'platform' });
    const { certificates } = props.cluster;

    if (certificates.acmeEmail) {
      for (const [name, server] of Object.entries(LETSENCRYPT)) {
        new ApiObject(this, name, {
          apiVersion: 'cert-manager.io/v1',
          kind: 'ClusterIssuer',
          metadata: { name },
          spec: {
            acme: {
              server,
              email: certificates.acmeEmail,
              privateKeySecretRef: { name: `${name}-account-key` },
              solvers: [{ http01: { ingress: { ingressClassName: INGRESS_CLASS } } }],
            },
          },
        });
      }
    }

    new ApiObject(this, 'selfsigned', { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'selfsigned' }, spec: { selfSigned: {} } });
    new ApiObject(this, 'root', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: PRIVATE_CA_SECRET, namespace: PLATFORM_NAMESPACES.certManager },
      spec: {
        isCA: true,
        commonName: `ck8s root CA ${props.cluster.name}`,
        secretName: PRIVATE_CA_SECRET,
        duration: '87600h',
        privateKey: { algorithm: 'ECDSA', size: 256 },
        issuerRef: { name: 'selfsigned', kind: 'ClusterIssuer', group: 'cert-manager.io' },
      },
    });
    new ApiObject(this, 'private-ca', { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'private-ca' }, spec: { ca: { secretName: PRIVATE_CA_SECRET } } });
  }
}
