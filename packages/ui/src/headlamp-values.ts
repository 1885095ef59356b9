import type { ContainerResources, ContainerSecurityContextValues, PodSecurityContextValues } from '@ck8s/core';

/** A container environment variable from a Secret key. */
export interface HeadlampSecretEnvVar {
  readonly name: string;
  readonly valueFrom: { readonly secretKeyRef: { readonly name: string; readonly key: string } };
}

/** A container of the pod besides Headlamp (the plugin copy), as the chart's `initContainers` takes it. */
export interface HeadlampInitContainer {
  readonly name: string;
  readonly image: string;
  readonly command: readonly string[];
  readonly volumeMounts: readonly { readonly name: string; readonly mountPath: string }[];
  readonly securityContext: ContainerSecurityContextValues;
  readonly resources: ContainerResources;
}

/** The values of the headlamp chart this platform sets (a typed subset of the chart's values.yaml; every key is one its templates read). */
export interface HeadlampValues {
  readonly replicaCount: number;
  readonly config: {
    readonly inCluster: true;
    readonly inClusterContextName: string;
    readonly sessionTTL: number;
    readonly oidc: {
      /** The chart's own Secret would hold the client secret in the values: off, it comes from a sops Secret. */
      readonly secret: { readonly create: false };
      readonly clientID: string;
      readonly issuerURL: string;
      readonly scopes: string;
      readonly callbackURL: string;
      readonly usePKCE: boolean;
    };
    readonly pluginsDir: string;
  };
  readonly env: readonly HeadlampSecretEnvVar[];
  readonly initContainers: readonly HeadlampInitContainer[];
  readonly automountServiceAccountToken: boolean;
  readonly serviceAccount: { readonly create: true };
  readonly clusterRoleBinding: { readonly create: false };
  readonly podSecurityContext: PodSecurityContextValues;
  readonly securityContext: ContainerSecurityContextValues;
  readonly resources: ContainerResources;
  readonly volumes: readonly Record<string, unknown>[];
  readonly volumeMounts: readonly Record<string, unknown>[];
  readonly ingress: { readonly enabled: false };
}
