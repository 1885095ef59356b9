import {
  type ChartCatalog,
  Component,
  type ContainerResources,
  containerResources,
  HelmChart,
  PLATFORM_NAMESPACES,
  type Pods,
  restrictedPodSecurityContext,
} from '@ck8s/core';
import type { Construct } from 'constructs';
import type { NginxIngressContainerSecurityContext, NginxIngressValues } from './nginx-ingress-values.js';

export interface IngressControllerProps {
  readonly catalog: ChartCatalog;
  /** Controller replicas. @default 2 */
  readonly replicas?: number;
  /** PodDisruptionBudget: controllers that must stay up during voluntary disruptions. @default 1 */
  readonly minAvailable?: number;
  /** HSTS max-age in seconds. @default 31536000 (one year) */
  readonly hstsMaxAge?: number;
  /** Requests and memory limits of its containers, by container. @default NGINX_INGRESS_RESOURCES */
  readonly resources?: NginxIngressResources;
}

/** Requests and memory limits of the NGINX Ingress Controller's containers (the `resource-requirements` rule holds for the platform too). */
export interface NginxIngressResources {
  /** The controller (nginx and its Go process). @default 100m CPU, 128Mi memory, 512Mi limit */
  readonly controller?: ContainerResources;
  /** The init container that copies nginx's configuration into the writable volume of the read-only root filesystem. @default 10m CPU, 16Mi memory, 64Mi limit */
  readonly init?: ContainerResources;
}

/** The sizes the controller's containers get unless the props say otherwise: the one place they are written. */
export const NGINX_INGRESS_RESOURCES: Required<NginxIngressResources> = {
  controller: containerResources('100m', '128Mi', '512Mi'),
  init: containerResources('10m', '16Mi', '64Mi'),
};

/**
 * Name of the IngressClass every platform and tenant Ingress uses: the name ingress-nginx had, so
 * tenants' Ingress objects (`ingressClassName: nginx`) keep their class across the change of controller.
 */
export const INGRESS_CLASS = 'nginx';

/** Catalog key and Helm release of the controller's chart; its objects are named after it. */
const RELEASE = 'nginx-ingress';

/** Port of the chart's Prometheus exporter (`prometheus.port`). */
export const INGRESS_METRICS_PORT = 9113;

/** The controller pods, as the chart labels them: the cluster's ingress controller (role `ingress-controller`). */
export const INGRESS_CONTROLLER_PODS: Pods = {
  name: 'ingress-controller',
  namespace: PLATFORM_NAMESPACES.ingress,
  labels: { 'app.kubernetes.io/name': RELEASE, 'app.kubernetes.io/instance': RELEASE },
};

/** nginx runs as the image's user 101 and binds 80 and 443 with NET_BIND_SERVICE, the one capability the restricted profile allows. */
function containerSecurityContext(capabilities: NginxIngressContainerSecurityContext['capabilities']): NginxIngressContainerSecurityContext {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: 101,
    capabilities,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * The F5 NGINX Ingress Controller (chart `nginx-ingress`, github.com/nginx/kubernetes-ingress),
 * hardened (`controllers/nginx-ingress.yaml`). Chosen over NGINX Gateway Fabric because the
 * service description names an Nginx ingress controller and tenants migrating from other
 * clusters arrive with Ingress objects, which it serves (Gateway Fabric serves only the Gateway
 * API); it replaces ingress-nginx, retired upstream in March 2026.
 *
 * HTTPS redirect and HSTS, server tokens off, TLS 1.2 and 1.3 only, snippets off (the
 * `ingress-snippets` admission rule refuses the annotations of both controllers), the restricted
 * security context with a read-only root filesystem (the chart's init container copies nginx's
 * configuration into a writable volume), the Prometheus exporter, replicas and a
 * PodDisruptionBudget, and the default IngressClass. Its custom resources (VirtualServer,
 * TransportServer, Policy, ...) are off and their CRDs not installed: the platform and tenants use
 * plain Ingress objects, which the admission rules check; a VirtualServer would route around them.
 * Telemetry reporting to F5 is off. It plays the cluster's `ingress-controller` role: it admits
 * traffic from anywhere on 80/443, and every endpoint and tenant port it forwards to is derived
 * from what the components and tenants declare.
 */
export class IngressController extends Component {
  constructor(scope: Construct, id: string, props: IngressControllerProps) {
    super(scope, id, { layer: 'controllers' });
    const namespace = PLATFORM_NAMESPACES.ingress;
    const controller = INGRESS_CONTROLLER_PODS;
    const resources = { ...NGINX_INGRESS_RESOURCES, ...props.resources };
    this.addNamespace({ name: namespace });
    this.provideRole('ingress-controller', controller);

    const values: NginxIngressValues = {
      controller: {
        kind: 'deployment',
        replicaCount: props.replicas ?? 2,
        config: {
          entries: {
            'ssl-redirect': 'true',
            hsts: 'true',
            'hsts-max-age': String(props.hstsMaxAge ?? 31536000),
            'hsts-include-subdomains': 'true',
            'server-tokens': 'false',
            'ssl-protocols': 'TLSv1.2 TLSv1.3',
          },
        },
        ingressClass: { name: INGRESS_CLASS, create: true, setAsDefaultIngress: true },
        enableCustomResources: false,
        enableSnippets: false,
        // per-Ingress latency and status codes (labels resource_namespace, resource_name, code) for the golden-signal dashboards
        enableLatencyMetrics: true,
        telemetryReporting: { enable: false },
        readOnlyRootFilesystem: true,
        podSecurityContext: restrictedPodSecurityContext(),
        securityContext: containerSecurityContext({ drop: ['ALL'], add: ['NET_BIND_SERVICE'] }),
        initContainerSecurityContext: containerSecurityContext({ drop: ['ALL'] }),
        resources: resources.controller,
        initContainerResources: resources.init,
        podDisruptionBudget: { enabled: true, minAvailable: props.minAvailable ?? 1 },
        service: { type: 'LoadBalancer', externalTrafficPolicy: 'Local' },
      },
      // the platform scrapes what the component declares (addMetrics), not the chart's ServiceMonitor
      prometheus: { create: true, port: INGRESS_METRICS_PORT, serviceMonitor: { create: false } },
    };
    new HelmChart<NginxIngressValues>(this, 'chart', {
      catalog: props.catalog,
      chart: RELEASE,
      namespace,
      values,
      // the chart's crds/ hold the custom resources switched off above
      crds: 'Skip',
      // upstream issue nginx/kubernetes-ingress#7193: the schema's $refs point at raw.githubusercontent.com
      skipSchemaValidation:
        "the chart's values.schema.json $refs Kubernetes schemas on raw.githubusercontent.com, which helm-controller cannot reach (no internet egress) and which would be fetched unpinned at every install",
      expects: {
        workloads: [`Deployment/${RELEASE}-controller`],
        clusterObjects: [`ClusterRole/${RELEASE}`, `ClusterRoleBinding/${RELEASE}`],
      },
    });

    this.addFlow({
      from: { peer: 'internet', reason: 'the ingress controller is how people and other clusters reach the platform' },
      to: controller,
      ports: [{ port: 80 }, { port: 443 }],
      name: 'allow-http-https-from-anywhere',
    });
    this.addMetrics({ name: RELEASE, pods: controller, port: INGRESS_METRICS_PORT });
    this.addFlow({ from: controller, to: { peer: 'api-server' }, name: 'allow-api-server' });
  }
}
