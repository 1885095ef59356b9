/** A Secret mounted into the pods (`secretMounts`). */
export interface SecretMount {
  readonly name: string;
  readonly secretName: string;
  readonly path: string;
  /** Mount one key only. @default the whole Secret as a directory */
  readonly subPath?: string;
}

/** The values of the opensearch chart this platform sets (a typed subset of the chart's values.yaml). */
export interface OpenSearchValues {
  readonly clusterName: string;
  readonly nodeGroup: string;
  readonly replicas: number;
  readonly singleNode: boolean;
  readonly opensearchJavaOpts: string;
  readonly resources: { readonly requests: Record<string, string>; readonly limits: Record<string, string> };
  readonly persistence: { readonly enabled: boolean; readonly size: string; readonly enableInitChown: boolean };
  /** Files of the config directory; a string replaces the chart's whole default file. */
  readonly config: { readonly 'opensearch.yml': string };
  readonly extraEnvs: readonly { readonly name: string; readonly value: string }[];
  readonly secretMounts: readonly SecretMount[];
  readonly extraVolumes: readonly Record<string, unknown>[];
  readonly extraVolumeMounts: readonly Record<string, unknown>[];
  readonly podSecurityContext: Record<string, unknown>;
  readonly securityContext: Record<string, unknown>;
  /** Requests and limits of the chart's init containers (configfile, keystore). */
  readonly initResources: { readonly requests: Record<string, string>; readonly limits: Record<string, string> };
  readonly sysctl: { readonly enabled: boolean };
  readonly sysctlInit: { readonly enabled: boolean };
  readonly securityConfig: {
    readonly enabled: boolean;
    /** Secret with the key `internal_users.yml`, mounted over the image's file. */
    readonly internalUsersSecret: string;
    readonly config: {
      /** false: mount each key of `data` as its own file and keep the image's other files. */
      readonly dataComplete: boolean;
      readonly data: Record<string, string>;
    };
  };
  /** Secrets whose keys become keystore entries (file name = setting name). */
  readonly keystore: readonly { readonly secretName: string }[];
  /** Plugins `opensearch-plugin install` adds at every start, before OpenSearch runs. */
  readonly plugins: { readonly enabled: boolean; readonly installList: readonly string[] };
  readonly rbac: { readonly create: boolean; readonly automountServiceAccountToken: boolean };
  readonly ingress: { readonly enabled: boolean };
  readonly serviceMonitor: { readonly enabled: boolean };
}
