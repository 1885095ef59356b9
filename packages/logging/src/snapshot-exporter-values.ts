import type { ContainerSecurityContextValues, PodSecurityContextValues } from '@ck8s/core';
import type { SecretMount } from './opensearch-values.js';

/** The values of the prometheus-elasticsearch-exporter chart this platform sets (a typed subset of its values.yaml). */
export interface ElasticsearchExporterValues {
  readonly fullnameOverride: string;
  readonly replicaCount: number;
  /** The cluster's URL; credentials come from ES_USERNAME and ES_PASSWORD (extraEnvSecrets), never from the URL. */
  readonly es: {
    readonly uri: string;
    readonly all: boolean;
    readonly indices: boolean;
    readonly indices_settings: boolean;
    readonly indices_mappings: boolean;
    readonly shards: boolean;
    /** `--collector.snapshots`: GET _snapshot and GET _snapshot/<repository>/_all. */
    readonly snapshots: boolean;
    readonly ssl: {
      readonly enabled: boolean;
      /** true: the CA comes from secretMounts, not from the chart's own `<fullname>-cert` Secret. */
      readonly useExistingSecrets: boolean;
      readonly ca: { readonly path: string };
      readonly client: { readonly enabled: boolean };
    };
  };
  /** Environment variables read from Secrets: `{ NAME: { secret, key } }`. */
  readonly extraEnvSecrets: Readonly<Record<string, { readonly secret: string; readonly key: string }>>;
  readonly secretMounts: readonly SecretMount[];
  readonly podSecurityContext: PodSecurityContextValues;
  readonly securityContext: ContainerSecurityContextValues;
  readonly resources: { readonly requests: Record<string, string>; readonly limits: Record<string, string> };
  readonly serviceAccount: { readonly create: boolean; readonly name: string; readonly automountServiceAccountToken: boolean };
  readonly serviceMonitor: { readonly enabled: boolean };
}
