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
import type { IngressNginxValues } from './ingress-nginx-values.js';

export interface IngressControllerProps {
  readonly catalog: ChartCatalog;
  /** Controller replicas. @default 2 */
  readonly replicas?: number;
  /** PodDisruptionBudget: controllers that must stay up during voluntary disruptions. @default 1 */
  readonly minAvailable?: number;
  /** HSTS max-age in seconds. @default 31536000 (one year) */
  readonly hstsMaxAge?: number;
  /** Requests and memory limits of its containers, by container. @default INGRESS_NGINX_RESOURCES */
  readonly resources?: IngressNginxResources;
}

/** Requests and memory limits of ingress-nginx's containers (the `resource-requirements` rule holds for the platform too). */
export interface IngressNginxResources {
  /** The controller (nginx and its Go process). @default 100m CPU, 128Mi memory, 512Mi limit */
  readonly controller?: ContainerResources;
  /** The hook Job that creates the admission webhook's certificate Secret (pre-install, pre-upgrade). @default 10m CPU, 20Mi memory, 64Mi limit */
  readonly createSecretJob?: ContainerResources;
  /** The hook Job that writes the certificate's CA into the webhook (post-install, post-upgrade). @default 10m CPU, 20Mi memory, 64Mi limit */
  readonly patchWebhookJob?: ContainerResources;
}

/** The sizes ingress-nginx's containers get unless the props say otherwise: the one place they are written. */
export const INGRESS_NGINX_RESOURCES: Required<IngressNginxResources> = {
  controller: containerResources('100m', '128Mi', '512Mi'),
  createSecretJob: containerResources('10m', '20Mi', '64Mi'),
  patchWebhookJob: containerResources('10m', '20Mi', '64Mi'),
};

/** Name of the IngressClass every platform and tenant Ingress uses. */
export const INGRESS_CLASS = 'nginx';

/** The controller pods, as the chart labels them: the cluster's ingress controller (role `ingress-controller`). */
export const INGRESS_CONTROLLER_PODS: Pods = {
  name: 'ingress-controller',
  namespace: PLATFORM_NAMESPACES.ingress,
  labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' },
};

/**
 * The chart's admission hook Jobs (`ingress-nginx-admission-create` before install and upgrade,
 * `-patch` after): they create the webhook's certificate Secret, which the controller mounts, and
 * set the webhook's caBundle, so both call the API server.
 */
export const INGRESS_ADMISSION_HOOK_PODS: Pods = {
  name: 'ingress-admission-hooks',
  namespace: PLATFORM_NAMESPACES.ingress,
  labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'admission-webhook' },
};

/**
 * ingress-nginx, hardened (`controllers/ingress-nginx.yaml`): HTTPS redirect and HSTS, server
 * tokens off, snippet and risky annotations off, the validating admission webhook on, the
 * restricted security context (NET_BIND_SERVICE is the one capability it keeps, which the
 * restricted profile allows), metrics, replicas and a PodDisruptionBudget, and the default
 * IngressClass. It plays the cluster's `ingress-controller` role: the controller admits traffic
 * from anywhere on 80/443, and every endpoint and tenant port it forwards to is derived from what
 * the components and tenants declare.
 */
export class IngressController extends Component {
  constructor(scope: Construct, id: string, props: IngressControllerProps) {
    super(scope, id, { layer: 'controllers' });
    const namespace = PLATFORM_NAMESPACES.ingress;
    const controller = INGRESS_CONTROLLER_PODS;
    const resources = { ...INGRESS_NGINX_RESOURCES, ...props.resources };
    this.addNamespace({ name: namespace });
    this.provideRole('ingress-controller', controller);

    const values: IngressNginxValues = {
      controller: {
        replicaCount: props.replicas ?? 2,
        allowSnippetAnnotations: false,
        config: {
          'allow-snippet-annotations': 'false',
          // Critical-risk annotations (e.g. auth-tls-pass-certificate-to-upstream variants, alias) stay off
          'annotations-risk-level': 'High',
          'ssl-redirect': 'true',
          'force-ssl-redirect': 'true',
          hsts: 'true',
          'hsts-max-age': String(props.hstsMaxAge ?? 31536000),
          'hsts-include-subdomains': 'true',
          'server-tokens': 'false',
          'ssl-protocols': 'TLSv1.2 TLSv1.3',
          'strict-validate-path-type': 'true',
          'use-forwarded-headers': 'false',
        },
        ingressClass: INGRESS_CLASS,
        ingressClassResource: { name: INGRESS_CLASS, enabled: true, default: true, controllerValue: 'k8s.io/ingress-nginx' },
        admissionWebhooks: {
          enabled: true,
          failurePolicy: 'Fail',
          createSecretJob: { resources: resources.createSecretJob },
          patchWebhookJob: { resources: resources.patchWebhookJob },
        },
        metrics: { enabled: true },
        podSecurityContext: restrictedPodSecurityContext(),
        // the chart's controller.image fields become the container's securityContext; nginx writes below its prefix at start
        image: {
          runAsNonRoot: true,
          runAsUser: 101,
          allowPrivilegeEscalation: false,
          seccompProfile: { type: 'RuntimeDefault' },
          readOnlyRootFilesystem: false,
        },
        minAvailable: props.minAvailable ?? 1,
        resources: resources.controller,
        service: { type: 'LoadBalancer', externalTrafficPolicy: 'Local' },
      },
      defaultBackend: { enabled: false },
    };
    new HelmChart<IngressNginxValues>(this, 'chart', {
      catalog: props.catalog,
      chart: 'ingress-nginx',
      namespace,
      values,
      expects: {
        workloads: ['Deployment/ingress-nginx-controller', 'Job/ingress-nginx-admission-create', 'Job/ingress-nginx-admission-patch'],
        clusterObjects: [
          'ClusterRole/ingress-nginx',
          'ClusterRoleBinding/ingress-nginx',
          'ClusterRole/ingress-nginx-admission',
          'ClusterRoleBinding/ingress-nginx-admission',
          'ValidatingWebhookConfiguration/ingress-nginx-admission',
        ],
      },
    });

    this.addFlow({
      from: { peer: 'internet', reason: 'the ingress controller is how people and other clusters reach the platform' },
      to: controller,
      ports: [{ port: 80 }, { port: 443 }],
      name: 'allow-http-https-from-anywhere',
    });
    this.addFlow({ from: { peer: 'api-server' }, to: controller, ports: [{ port: 8443 }], name: 'allow-admission-webhook-from-api-server' });
    this.addMetrics({ name: 'ingress-nginx', pods: controller, port: 10254 });
    this.addFlow({ from: controller, to: { peer: 'api-server' }, name: 'allow-api-server' });
    // without it the install fails: the pre-install hook cannot create the Secret the controller mounts
    this.addFlow({ from: INGRESS_ADMISSION_HOOK_PODS, to: { peer: 'api-server' }, name: 'allow-admission-hooks-to-api-server' });
  }
}
