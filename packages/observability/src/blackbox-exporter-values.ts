import type { ContainerSecurityContextValues, PodSecurityContextValues, ResourcesValues } from './kube-prometheus-stack-values.js';

/** A blackbox exporter module (a subset of blackbox.yml's module settings). */
export interface BlackboxModule {
  readonly prober: 'http';
  readonly timeout: string;
  readonly http: {
    readonly valid_http_versions: readonly string[];
    readonly follow_redirects: boolean;
    readonly fail_if_not_ssl: boolean;
    readonly preferred_ip_protocol: 'ip4' | 'ip6';
  };
}

/** The values of the prometheus-blackbox-exporter chart this platform sets (a typed subset of its values.yaml). */
export interface BlackboxExporterValues {
  readonly replicas: number;
  readonly podSecurityContext: PodSecurityContextValues;
  readonly securityContext: ContainerSecurityContextValues;
  readonly config: { readonly modules: Readonly<Record<string, BlackboxModule>> };
  readonly resources: ResourcesValues;
}
