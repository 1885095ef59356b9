import type { ContainerResources } from '@ck8s/core';

/** The values of the falco chart this platform sets (a typed subset of the chart's values.yaml). */
export interface FalcoValues {
  readonly driver: { readonly kind: 'modern_ebpf'; readonly modernEbpf: { readonly leastPrivileged: boolean } };
  readonly tty: boolean;
  readonly tolerations: readonly Record<string, string>[];
  readonly resources: ContainerResources;
  readonly falco: {
    readonly rules_files: readonly string[];
    readonly json_output: boolean;
    readonly json_include_output_property: boolean;
    readonly priority: string;
    readonly metrics: { readonly enabled: boolean };
  };
  readonly metrics: { readonly enabled: boolean };
  readonly responseActions: { readonly enabled: boolean };
  readonly falcoctl: {
    readonly artifact: {
      readonly install: { readonly enabled: boolean; readonly resources: ContainerResources };
      readonly follow: { readonly enabled: boolean };
    };
    readonly config: { readonly artifact: { readonly install: { readonly refs: readonly string[] }; readonly allowedTypes: readonly string[] } };
  };
  readonly customRules: Record<string, string>;
  readonly falcosidekick: {
    readonly enabled: boolean;
    readonly replicaCount: number;
    readonly resources: ContainerResources;
    readonly webui: { readonly enabled: boolean };
    readonly podSecurityContext: Record<string, unknown>;
    readonly securityContext: Record<string, unknown>;
    readonly config: {
      readonly existingSecret: string;
      readonly alertmanager: { readonly hostport: string; readonly minimumpriority: string };
      readonly elasticsearch: { readonly hostport: string; readonly index: string; readonly minimumpriority: string; readonly suffix: string };
    };
  };
}
