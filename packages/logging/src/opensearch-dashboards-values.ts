import type { SecretMount } from './opensearch-values.js';

/** An environment variable with a literal value or one read from a Secret. */
export type EnvVar =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly valueFrom: { readonly secretKeyRef: { readonly name: string; readonly key: string } } };

/** The values of the opensearch-dashboards chart this platform sets (a typed subset of the chart's values.yaml). */
export interface OpenSearchDashboardsValues {
  readonly replicaCount: number;
  readonly opensearchHosts: string;
  /** Secret with `username`, `password` and `cookie`, passed as OPENSEARCH_USERNAME, OPENSEARCH_PASSWORD and COOKIE_PASS. */
  readonly opensearchAccount: { readonly secret: string; readonly keyPassphrase: { readonly enabled: boolean } };
  readonly config: { readonly 'opensearch_dashboards.yml': string };
  readonly extraEnvs: readonly EnvVar[];
  readonly secretMounts: readonly SecretMount[];
  readonly podSecurityContext: Record<string, unknown>;
  readonly securityContext: Record<string, unknown>;
  readonly resources: { readonly requests: Record<string, string>; readonly limits: Record<string, string> };
  readonly ingress: { readonly enabled: boolean };
  /** `automountServiceAccountToken: false` keeps the API token out of the pods (the chart's default is true). */
  readonly serviceAccount: { readonly create: boolean; readonly automountServiceAccountToken: boolean };
  readonly rbac: { readonly create: boolean };
}
