import { apiServerPeer, type ChartCatalog, type ClusterConfig, Component, HardenedNamespace, HelmChart, NetworkAllow, PLATFORM_NAMESPACES, PROMETHEUS_PEER } from '@ck8s/core';
import type { Construct } from 'constructs';
import type { IngressNginxValues } from './ingress-nginx-values.js';

export interface IngressControllerProps {
  readonly cluster: ClusterConfig;
  readonly catalog: ChartCatalog;
  /** Pod Security Standards version of the namespace, e.g. `v1.33`. @default 'latest' */
  readonly podSecurityVersion?: string;
  /** Platform backends the controller forwards to (namespace and port of each endpoint). @default none */
  readonly backends?: readonly { readonly namespace: string; readonly port: number }[];
}

/** Name of the IngressClass every platform and tenant Ingress uses. */
export const INGRESS_CLASS = 'nginx';

/** Labels of the controller pods, as the chart sets them; allow rules select them. */
const CONTROLLER = { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' };

/**
 * ingress-nginx, hardened (`controllers/ingress-nginx.yaml`): HTTPS redirect and HSTS, server
 * tokens off, snippet and risky annotations off, the validating admission webhook on, the
 * restricted security context (NET_BIND_SERVICE is the one capability it keeps, which the
 * restricted profile allows), metrics, replicas and a PodDisruptionBudget from config, and the
 * default IngressClass. Its namespace admits traffic from anywhere on 80/443 and lets the
 * controller reach tenants only on the ports they declare.
 */
export class IngressController extends Component {
  constructor(scope: Construct, id: string, props: IngressControllerProps) {
    super(scope, id, { layer: 'controllers' });
    const { cluster } = props;
    const namespace = PLATFORM_NAMESPACES.ingress;
    const api = apiServerPeer(cluster, 'ingress-nginx');
    new HardenedNamespace(this, 'namespace', { name: namespace, ...(props.podSecurityVersion ? { podSecurityVersion: props.podSecurityVersion } : {}) });

    const values: IngressNginxValues = {
      controller: {
        replicaCount: cluster.ingress.replicas,
        allowSnippetAnnotations: false,
        config: {
          'allow-snippet-annotations': 'false',
          // Critical-risk annotations (e.g. auth-tls-pass-certificate-to-upstream variants, alias) stay off
          'annotations-risk-level': 'High',
          'ssl-redirect': 'true',
          'force-ssl-redirect': 'true',
          hsts: 'true',
          'hsts-max-age': String(cluster.ingress.hstsMaxAge),
          'hsts-include-subdomains': 'true',
          'server-tokens': 'false',
          'ssl-protocols': 'TLSv1.2 TLSv1.3',
          'strict-validate-path-type': 'true',
          'use-forwarded-headers': 'false',
        },
        ingressClass: INGRESS_CLASS,
        ingressClassResource: { name: INGRESS_CLASS, enabled: true, default: true, controllerValue: 'k8s.io/ingress-nginx' },
        admissionWebhooks: { enabled: true, failurePolicy: 'Fail' },
        metrics: { enabled: true },
        podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        image: { runAsNonRoot: true, runAsUser: 101, allowPrivilegeEscalation: false, seccompProfile: { type: 'RuntimeDefault' }, readOnlyRootFilesystem: false },
        minAvailable: cluster.ingress.minAvailable,
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
        service: { type: 'LoadBalancer', externalTrafficPolicy: 'Local' },
      },
      defaultBackend: { enabled: false },
    };
    new HelmChart<IngressNginxValues>(this, 'chart', { catalog: props.catalog, chart: 'ingress-nginx', namespace, values });

    new NetworkAllow(this, 'from-internet', {
      namespace,
      name: 'allow-http-https-from-anywhere',
      direction: 'ingress',
      podLabels: CONTROLLER,
      peers: [{ cidrs: ['0.0.0.0/0', '::/0'] }],
      ports: [{ port: 80 }, { port: 443 }],
    });
    new NetworkAllow(this, 'webhook', {
      namespace,
      name: 'allow-admission-webhook-from-api-server',
      direction: 'ingress',
      podLabels: CONTROLLER,
      peers: api.peers,
      ports: [{ port: 8443 }],
    });
    new NetworkAllow(this, 'metrics', {
      namespace,
      name: 'allow-metrics-from-prometheus',
      direction: 'ingress',
      podLabels: CONTROLLER,
      peers: [PROMETHEUS_PEER],
      ports: [{ port: 10254 }],
    });
    new NetworkAllow(this, 'api', { namespace, name: 'allow-api-server', direction: 'egress', podLabels: CONTROLLER, ...api });
    const backendPorts = new Map<string, Set<number>>();
    for (const b of props.backends ?? []) backendPorts.set(b.namespace, (backendPorts.get(b.namespace) ?? new Set()).add(b.port));
    for (const [backend, ports] of [...backendPorts].sort(([a], [b]) => a.localeCompare(b))) {
      new NetworkAllow(this, `to-${backend}`, {
        namespace,
        name: `allow-to-${backend}`,
        direction: 'egress',
        podLabels: CONTROLLER,
        peers: [{ namespace: backend }],
        ports: [...ports].sort((a, b) => a - b).map((port) => ({ port })),
      });
    }
    for (const tenant of cluster.tenants.filter((t) => t.ingressPorts.length > 0)) {
      new NetworkAllow(this, `to-${tenant.name}`, {
        namespace,
        name: `allow-to-${tenant.name}`,
        direction: 'egress',
        podLabels: CONTROLLER,
        peers: [{ namespace: tenant.name }],
        ports: tenant.ingressPorts.map((port) => ({ port })),
      });
    }
  }
}
