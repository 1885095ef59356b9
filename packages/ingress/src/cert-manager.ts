import { apiServerPeer, type ChartCatalog, type ClusterConfig, Component, HardenedNamespace, HelmChart, NetworkAllow, PLATFORM_NAMESPACES, PROMETHEUS_PEER } from '@ck8s/core';
import type { Construct } from 'constructs';

export interface CertManagerProps {
  readonly cluster: ClusterConfig;
  readonly catalog: ChartCatalog;
  /** Pod Security Standards version of the namespace, e.g. `v1.33`. @default 'latest' */
  readonly podSecurityVersion?: string;
}

/** The values of the cert-manager chart this platform sets. */
export interface CertManagerValues {
  readonly crds: { readonly enabled: boolean; readonly keep: boolean };
  readonly replicaCount: number;
  readonly podDisruptionBudget: { readonly enabled: boolean; readonly minAvailable: number };
  readonly global: { readonly leaderElection: { readonly namespace: string } };
  readonly prometheus: { readonly enabled: boolean };
  readonly resources: { readonly requests: Record<string, string>; readonly limits: Record<string, string> };
  readonly webhook: { readonly replicaCount: number };
  readonly cainjector: { readonly replicaCount: number };
}

const CERT_MANAGER_PODS = { 'app.kubernetes.io/instance': 'cert-manager' };

/**
 * cert-manager (`controllers/cert-manager.yaml`) with its CRDs, in a restricted namespace (the
 * chart's defaults already meet the restricted profile). It may reach the API server, and the
 * internet on 80/443 only when a Let's Encrypt issuer is used (ACME API and HTTP-01 self-checks).
 */
export class CertManager extends Component {
  constructor(scope: Construct, id: string, props: CertManagerProps) {
    super(scope, id, { layer: 'controllers' });
    const { cluster } = props;
    const namespace = PLATFORM_NAMESPACES.certManager;
    const api = apiServerPeer(cluster, 'cert-manager');
    new HardenedNamespace(this, 'namespace', { name: namespace, ...(props.podSecurityVersion ? { podSecurityVersion: props.podSecurityVersion } : {}) });

    new HelmChart<CertManagerValues>(this, 'chart', {
      catalog: props.catalog,
      chart: 'cert-manager',
      namespace,
      values: {
        crds: { enabled: true, keep: true },
        replicaCount: 2,
        podDisruptionBudget: { enabled: true, minAvailable: 1 },
        global: { leaderElection: { namespace } },
        prometheus: { enabled: true },
        resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
        webhook: { replicaCount: 2 },
        cainjector: { replicaCount: 1 },
      },
    });

    new NetworkAllow(this, 'api', { namespace, name: 'allow-api-server', direction: 'egress', podLabels: CERT_MANAGER_PODS, ...api });
    new NetworkAllow(this, 'webhook', {
      namespace,
      name: 'allow-webhook-from-api-server',
      direction: 'ingress',
      podLabels: { 'app.kubernetes.io/name': 'webhook' },
      peers: api.peers,
      ports: [{ port: 10250 }],
    });
    new NetworkAllow(this, 'metrics', {
      namespace,
      name: 'allow-metrics-from-prometheus',
      direction: 'ingress',
      podLabels: CERT_MANAGER_PODS,
      peers: [PROMETHEUS_PEER],
      ports: [{ port: 9402 }],
    });
    if (cluster.certificates.issuer !== 'private-ca' || cluster.certificates.acmeEmail) {
      new NetworkAllow(this, 'acme', {
        namespace,
        name: 'allow-acme-to-internet',
        direction: 'egress',
        podLabels: { 'app.kubernetes.io/name': 'cert-manager', 'app.kubernetes.io/component': 'controller' },
        peers: [{ cidrs: ['0.0.0.0/0', '::/0'] }],
        ports: [{ port: 443 }, { port: 80 }],
      });
    }
  }
}
