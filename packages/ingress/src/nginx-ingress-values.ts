import type { ContainerResources } from '@ck8s/core';

/** A container securityContext as the chart takes it (`controller.securityContext`, `controller.initContainerSecurityContext`). */
export interface NginxIngressContainerSecurityContext {
  readonly allowPrivilegeEscalation: boolean;
  readonly readOnlyRootFilesystem: boolean;
  readonly runAsNonRoot: boolean;
  readonly runAsUser: number;
  readonly capabilities: { readonly drop: readonly string[]; readonly add?: readonly string[] };
  readonly seccompProfile: { readonly type: string };
}

/**
 * The values of the F5 NGINX Ingress Controller chart (`nginx-ingress`, github.com/nginx/kubernetes-ingress,
 * charts/nginx-ingress/values.yaml) this platform sets: a typed subset, every key one of the chart's.
 */
export interface NginxIngressValues {
  readonly controller: {
    readonly kind: 'deployment' | 'daemonset' | 'statefulset';
    readonly replicaCount: number;
    /** The ConfigMap the controller reads its global configuration from (`entries`, ConfigMap keys of the controller). */
    readonly config: { readonly entries: Readonly<Record<string, string>> };
    readonly ingressClass: { readonly name: string; readonly create: boolean; readonly setAsDefaultIngress: boolean };
    readonly enableCustomResources: boolean;
    readonly enableSnippets: boolean;
    readonly enableLatencyMetrics: boolean;
    readonly telemetryReporting: { readonly enable: boolean };
    readonly readOnlyRootFilesystem: boolean;
    readonly podSecurityContext: Readonly<Record<string, unknown>>;
    readonly securityContext: NginxIngressContainerSecurityContext;
    readonly initContainerSecurityContext: NginxIngressContainerSecurityContext;
    readonly resources: ContainerResources;
    readonly initContainerResources: ContainerResources;
    readonly podDisruptionBudget: { readonly enabled: boolean; readonly minAvailable: number };
    readonly service: { readonly type: 'LoadBalancer' | 'NodePort' | 'ClusterIP'; readonly externalTrafficPolicy: 'Local' | 'Cluster' };
  };
  readonly prometheus: { readonly create: boolean; readonly port: number; readonly serviceMonitor: { readonly create: boolean } };
}
