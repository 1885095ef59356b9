import type { ContainerResources, ContainerSecurityContextValues, PodSecurityContextValues } from '@ck8s/core';

/** The values of the argo-cd chart (argoproj/argo-helm) the platform sets; the chart's own defaults stand for the rest. */
export interface ArgoCdValues {
  readonly global: {
    readonly networkPolicy: { readonly create: boolean };
    readonly securityContext: PodSecurityContextValues;
  };
  readonly configs: {
    readonly cm: Readonly<Record<string, unknown>>;
    readonly params: Readonly<Record<string, unknown>>;
    readonly cmp: { readonly create: boolean; readonly plugins: Readonly<Record<string, ConfigManagementPluginSpec>> };
  };
  readonly controller: ArgoCdWorkloadValues;
  readonly repoServer: ArgoCdWorkloadValues & {
    readonly copyutil: { readonly resources: ContainerResources };
    readonly extraContainers: readonly Record<string, unknown>[];
    readonly volumes: readonly Record<string, unknown>[];
  };
  readonly server: ArgoCdWorkloadValues & { readonly replicas: number };
  readonly redis: ArgoCdWorkloadValues & { readonly exporter: { readonly enabled: boolean; readonly resources: ContainerResources } };
  readonly redisSecretInit: { readonly enabled: boolean };
  readonly dex: { readonly enabled: boolean };
  readonly notifications: { readonly enabled: boolean };
  readonly applicationSet: ArgoCdWorkloadValues & { readonly replicas: number };
}

/** What every Argo CD workload of the chart gets. */
export interface ArgoCdWorkloadValues {
  readonly containerSecurityContext: ContainerSecurityContextValues;
  readonly resources: ContainerResources;
  readonly metrics?: { readonly enabled: boolean; readonly serviceMonitor?: { readonly enabled: boolean } };
}

/** A config-management plugin (`ConfigManagementPlugin` of argoproj.io/v1alpha1, read by the cmp-server from a file). */
export interface ConfigManagementPluginSpec {
  readonly generate: { readonly command: readonly string[]; readonly args: readonly string[] };
  readonly discover?: { readonly fileName: string };
}
