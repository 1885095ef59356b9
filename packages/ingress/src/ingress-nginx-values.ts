import type { ContainerResources } from '@ck8s/core';

/** The values of the ingress-nginx chart this platform sets (a typed subset of the chart's values.yaml). */
export interface IngressNginxValues {
  readonly controller: {
    readonly replicaCount: number;
    readonly allowSnippetAnnotations: boolean;
    readonly config: Record<string, string>;
    readonly ingressClass: string;
    readonly ingressClassResource: { readonly name: string; readonly enabled: boolean; readonly default: boolean; readonly controllerValue: string };
    readonly admissionWebhooks: {
      readonly enabled: boolean;
      readonly failurePolicy: 'Fail' | 'Ignore';
      readonly createSecretJob: { readonly resources: ContainerResources };
      readonly patchWebhookJob: { readonly resources: ContainerResources };
    };
    readonly metrics: { readonly enabled: boolean };
    readonly podSecurityContext: Record<string, unknown>;
    readonly image: {
      readonly runAsNonRoot: boolean;
      readonly runAsUser: number;
      readonly allowPrivilegeEscalation: boolean;
      readonly seccompProfile: { readonly type: string };
      readonly readOnlyRootFilesystem: boolean;
    };
    readonly minAvailable: number;
    readonly resources: ContainerResources;
    readonly service: { readonly type: 'LoadBalancer' | 'NodePort' | 'ClusterIP'; readonly externalTrafficPolicy: 'Local' | 'Cluster' };
  };
  readonly defaultBackend: { readonly enabled: boolean };
}
