import {
  type ChartCatalog,
  Component,
  HelmChart,
  PLATFORM_NAMESPACES,
  type Pods,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from '@ck8s/core';
import type { Construct } from 'constructs';

export type DnsProvider = 'aws' | 'azure' | 'cloudflare' | 'google' | 'rfc2136';

export interface ExternalDnsProps {
  readonly catalog: ChartCatalog;
  readonly provider: DnsProvider;
  /** Records are managed only below this domain. */
  readonly domain: string;
  /** Owner id written in the TXT records, so two clusters never take each other's records (the cluster name). */
  readonly owner: string;
  /** sops Secret in the namespace with the provider credentials, read as environment variables. @default 'external-dns-credentials' */
  readonly credentialsSecret?: string;
}

export const EXTERNAL_DNS_NAMESPACE = PLATFORM_NAMESPACES.externalDns;
const PODS: Pods = { name: 'external-dns', namespace: EXTERNAL_DNS_NAMESPACE, labels: { 'app.kubernetes.io/name': 'external-dns' } };

/**
 * external-dns (`controllers/external-dns.yaml`) for the configured provider, with its
 * credentials read from a sops-encrypted Secret (`secrets/<cluster>/external-dns.<name>.sops.yaml`)
 * as environment variables, and records limited to the cluster's domain.
 */
export class ExternalDns extends Component {
  constructor(scope: Construct, id: string, props: ExternalDnsProps) {
    super(scope, id, { layer: 'controllers' });
    const secret = props.credentialsSecret ?? 'external-dns-credentials';
    this.requireSecret({ namespace: EXTERNAL_DNS_NAMESPACE, name: secret, keys: [], purpose: `credentials of the ${props.provider} DNS provider` });
    this.addNamespace({ name: EXTERNAL_DNS_NAMESPACE });
    new HelmChart(this, 'chart', {
      catalog: props.catalog,
      chart: 'external-dns',
      namespace: EXTERNAL_DNS_NAMESPACE,
      // the ClusterRole reads the ingresses, services and nodes it publishes records for
      expects: { workloads: ['Deployment/external-dns'], clusterObjects: ['ClusterRole/external-dns', 'ClusterRoleBinding/external-dns-viewer'] },
      values: {
        provider: { name: props.provider },
        domainFilters: [props.domain],
        sources: ['ingress', 'service'],
        policy: 'sync',
        txtOwnerId: props.owner,
        envFrom: [{ secretRef: { name: secret } }],
        securityContext: restrictedContainerSecurityContext({ runAsUser: 65534 }),
        podSecurityContext: restrictedPodSecurityContext(),
      },
    });
    this.addFlow({ from: PODS, to: { peer: 'api-server' }, name: 'allow-api-server' });
    this.addFlow({
      from: PODS,
      to: { peer: 'internet', reason: "the DNS provider's API (and, for rfc2136, its name server)" },
      ports: [{ port: 443 }, ...(props.provider === 'rfc2136' ? [{ port: 53, protocol: 'UDP' as const }, { port: 53 }] : [])],
      name: 'allow-dns-provider-api',
    });
  }
}
