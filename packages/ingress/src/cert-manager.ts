import { type ChartCatalog, Component, type ContainerResources, containerResources, HelmChart, PLATFORM_NAMESPACES, type Pods } from '@ck8s/core';
import type { Construct } from 'constructs';
import { CERT_MANAGER_DASHBOARD } from './cert-manager-dashboard.js';
import { CERTIFICATE_ALERTS } from './certificate-alerts.js';

export interface CertManagerProps {
  readonly catalog: ChartCatalog;
  /** Whether an ACME issuer (Let's Encrypt) is used: the controller then reaches the internet on 80 and 443. @default true */
  readonly acme?: boolean;
  /** Requests and memory limits of its containers, by container. @default CERT_MANAGER_RESOURCES */
  readonly resources?: CertManagerResources;
  /**
   * Whether the Ingresses of ACME HTTP-01 solvers use `pathType: Exact` (cert-manager's default since
   * 1.18). ingress-nginx before controller 1.14 with `strict-validate-path-type` (the platform's
   * setting) rejects the Exact path `/.well-known/acme-challenge/<token>` (its `.`), so HTTP-01
   * challenges were never served (cert-manager issue 7791); 1.14+ accepts `.`. Off while ingress-nginx
   * is the ingress controller, so no cluster still running an older controller during the rollout
   * refuses a solver Ingress; the Prefix path works with every controller. @default false
   */
  readonly acmeHttp01PathTypeExact?: boolean;
}

/** Requests and memory limits of cert-manager's containers (the `resource-requirements` rule holds for the platform too). */
export interface CertManagerResources {
  /** The controller: issues and renews every certificate. @default 50m CPU, 128Mi memory, 512Mi limit */
  readonly controller?: ContainerResources;
  /** The admission webhook: validates and converts cert-manager's resources. @default 10m CPU, 32Mi memory, 128Mi limit */
  readonly webhook?: ContainerResources;
  /** The CA injector: watches webhooks, CRDs and API services to patch their caBundles. @default 10m CPU, 64Mi memory, 256Mi limit */
  readonly cainjector?: ContainerResources;
  /** The post-install hook Job that waits until the webhook answers. @default 10m CPU, 32Mi memory, 64Mi limit */
  readonly startupapicheck?: ContainerResources;
}

/** The sizes cert-manager's containers get unless the props say otherwise: the one place they are written. */
export const CERT_MANAGER_RESOURCES: Required<CertManagerResources> = {
  controller: containerResources('50m', '128Mi', '512Mi'),
  webhook: containerResources('10m', '32Mi', '128Mi'),
  cainjector: containerResources('10m', '64Mi', '256Mi'),
  startupapicheck: containerResources('10m', '32Mi', '64Mi'),
};

/** The values of the cert-manager chart this platform sets. */
export interface CertManagerValues {
  readonly crds: { readonly enabled: boolean; readonly keep: boolean };
  readonly replicaCount: number;
  readonly podDisruptionBudget: { readonly enabled: boolean; readonly minAvailable: number };
  readonly global: { readonly leaderElection: { readonly namespace: string } };
  readonly prometheus: { readonly enabled: boolean };
  readonly resources: ContainerResources;
  readonly webhook: { readonly replicaCount: number; readonly resources: ContainerResources };
  readonly cainjector: { readonly replicaCount: number; readonly resources: ContainerResources };
  readonly startupapicheck: { readonly resources: ContainerResources };
  /** The controller's ControllerConfiguration (apiVersion and kind default to the chart's). */
  readonly config: { readonly featureGates: { readonly ACMEHTTP01IngressPathTypeExact: boolean } };
}

const NAMESPACE = PLATFORM_NAMESPACES.certManager;
/** Every pod of the release (controller, webhook, cainjector): all of them talk to the API server. */
const CERT_MANAGER_PODS: Pods = { name: 'cert-manager', namespace: NAMESPACE, labels: { 'app.kubernetes.io/instance': 'cert-manager' } };
/** The controller: it serves the metrics and talks to ACME servers. */
const CONTROLLER_PODS: Pods = {
  name: 'controller',
  namespace: NAMESPACE,
  labels: { 'app.kubernetes.io/name': 'cert-manager', 'app.kubernetes.io/component': 'controller' },
};
const WEBHOOK_PODS: Pods = { name: 'webhook', namespace: NAMESPACE, labels: { 'app.kubernetes.io/name': 'webhook' } };

/**
 * cert-manager (`controllers/cert-manager.yaml`) with its CRDs, in a restricted namespace (the
 * chart's defaults already meet the restricted profile). It may reach the API server, and the
 * internet on 80/443 only when a Let's Encrypt issuer is used (ACME API and HTTP-01 self-checks).
 */
export class CertManager extends Component {
  constructor(scope: Construct, id: string, props: CertManagerProps) {
    super(scope, id, { layer: 'controllers' });
    this.addNamespace({ name: NAMESPACE });
    const resources = { ...CERT_MANAGER_RESOURCES, ...props.resources };

    new HelmChart<CertManagerValues>(this, 'chart', {
      catalog: props.catalog,
      chart: 'cert-manager',
      namespace: NAMESPACE,
      expects: {
        workloads: [
          'Deployment/cert-manager',
          'Deployment/cert-manager-cainjector',
          'Deployment/cert-manager-webhook',
          'Job/cert-manager-startupapicheck',
        ],
        clusterObjects: [
          ...[
            'cainjector',
            'controller-approve:cert-manager-io',
            'controller-certificates',
            'controller-certificatesigningrequests',
            'controller-challenges',
            'controller-clusterissuers',
            'controller-ingress-shim',
            'controller-issuers',
            'controller-orders',
            'webhook:subjectaccessreviews',
          ].flatMap((n) => [`ClusterRole/cert-manager-${n}`, `ClusterRoleBinding/cert-manager-${n}`]),
          // aggregated into the built-in view/edit roles, so namespace users can read and manage their certificates
          'ClusterRole/cert-manager-cluster-view',
          'ClusterRole/cert-manager-edit',
          'ClusterRole/cert-manager-view',
          'MutatingWebhookConfiguration/cert-manager-webhook',
          'ValidatingWebhookConfiguration/cert-manager-webhook',
        ],
      },
      values: {
        crds: { enabled: true, keep: true },
        replicaCount: 2,
        podDisruptionBudget: { enabled: true, minAvailable: 1 },
        global: { leaderElection: { namespace: NAMESPACE } },
        prometheus: { enabled: true },
        resources: resources.controller,
        webhook: { replicaCount: 2, resources: resources.webhook },
        cainjector: { replicaCount: 1, resources: resources.cainjector },
        startupapicheck: { resources: resources.startupapicheck },
        config: { featureGates: { ACMEHTTP01IngressPathTypeExact: props.acmeHttp01PathTypeExact ?? false } },
      },
    });

    this.addFlow({ from: CERT_MANAGER_PODS, to: { peer: 'api-server' }, name: 'allow-api-server' });
    this.addFlow({ from: { peer: 'api-server' }, to: WEBHOOK_PODS, ports: [{ port: 10250 }] });
    this.addMetrics({ name: 'cert-manager', pods: CONTROLLER_PODS, port: 9402 });
    this.addAlerts(CERTIFICATE_ALERTS);
    this.addDashboard(CERT_MANAGER_DASHBOARD);
    if (props.acme ?? true) {
      this.addFlow({
        from: CONTROLLER_PODS,
        to: { peer: 'internet', reason: "ACME servers (Let's Encrypt) and the HTTP-01 self-checks of the cluster's own hosts" },
        ports: [{ port: 443 }, { port: 80 }],
        name: 'allow-acme-to-internet',
      });
    }
  }
}
