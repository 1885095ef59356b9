import { apiServerPeer, type ChartCatalog, type ClusterConfig, Component, HardenedNamespace, HelmChart, NetworkAllow } from '@ck8s/core';
import type { Construct } from 'constructs';

export interface ExternalDnsProps {
  readonly cluster: ClusterConfig;
  readonly catalog: ChartCatalog;
  /** Pod Security Standards version of the namespace, e.g. `v1.33`. @default 'latest' */
  readonly podSecurityVersion?: string;
}

export const EXTERNAL_DNS_NAMESPACE = 'external-dns';

/**
 * external-dns (`controllers/external-dns.yaml`) for the configured provider, with its
 * credentials read from a sops-encrypted Secret (`secrets/<cluster>/external-dns.<name>.sops.yaml`)
 * as environment variables, and records limited to the cluster's domain.
 */
export class ExternalDns extends Component {
  constructor(scope: Construct, id: string, props: ExternalDnsProps) {
    super(scope, id, { layer: 'controllers' });
    const { cluster } = props;
    const api = apiServerPeer(cluster, 'external-dns');
    this.requireSecret({ namespace: EXTERNAL_DNS_NAMESPACE, name: cluster.externalDns.credentialsSecret, keys: [], purpose: `credentials of the ${cluster.externalDns.provider} DNS provider` });
    new HardenedNamespace(this, 'namespace', { name: EXTERNAL_DNS_NAMESPACE, ...(props.podSecurityVersion ? { podSecurityVersion: props.podSecurityVersion } : {}) });
    new HelmChart(this, 'chart', {
      catalog: props.catalog,
      chart: 'external-dns',
      namespace: EXTERNAL_DNS_NAMESPACE,
      values: {
        provider: { name: cluster.externalDns.provider },
        domainFilters: [cluster.domain],
        sources: ['ingress', 'service'],
        policy: 'sync',
        txtOwnerId: cluster.name,
        envFrom: [{ secretRef: { name: cluster.externalDns.credentialsSecret } }],
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, runAsUser: 65534 },
        podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      },
    });
    const pods = { 'app.kubernetes.io/name': 'external-dns' };
    new NetworkAllow(this, 'api', { namespace: EXTERNAL_DNS_NAMESPACE, name: 'allow-api-server', direction: 'egress', podLabels: pods, ...api });
    new NetworkAllow(this, 'provider', {
      namespace: EXTERNAL_DNS_NAMESPACE,
      name: 'allow-dns-provider-api',
      direction: 'egress',
      podLabels: pods,
      peers: [{ cidrs: ['0.0.0.0/0', '::/0'] }],
      ports: [{ port: 443 }, ...(cluster.externalDns.provider === 'rfc2136' ? [{ port: 53, protocol: 'UDP' as const }, { port: 53 }] : [])],
    });
  }
}
