import type { DexConnector, SamlCaVolume, SecretEnvVar } from './dex-connectors.js';

/** A static client in Dex's config. */
export interface DexStaticClientConfig {
  readonly id: string;
  readonly name: string;
  readonly redirectURIs: readonly string[];
  readonly public?: true;
  /** Environment variable with the client secret (Dex reads it at start; never in the config). */
  readonly secretEnv?: string;
  /** Clients that may obtain ID tokens with this client as their audience (Dex's cross-client trust). */
  readonly trustedPeers?: readonly string[];
}

/** Dex's configuration file (the chart writes `config` into a Secret as config.yaml). */
export interface DexConfig {
  readonly issuer: string;
  readonly storage: { readonly type: 'kubernetes'; readonly config: { readonly inCluster: true } };
  readonly web: { readonly http: string };
  readonly telemetry: { readonly http: string };
  readonly logger: { readonly level: 'debug' | 'info' | 'error'; readonly format: 'text' | 'json' };
  readonly oauth2: { readonly skipApprovalScreen: boolean; readonly responseTypes: readonly string[] };
  readonly expiry: { readonly idTokens: string; readonly refreshTokens: { readonly validIfNotUsedFor: string; readonly absoluteLifetime: string } };
  readonly enablePasswordDB: boolean;
  readonly connectors: readonly DexConnector[];
  readonly staticClients: readonly DexStaticClientConfig[];
}

/** The values of the dex chart this platform sets (a typed subset of the chart's values.yaml). */
export interface DexValues {
  readonly replicaCount: number;
  readonly config: DexConfig;
  /** Environment variables with `valueFrom` (the chart's `env` takes plain values only). */
  readonly envVars: readonly SecretEnvVar[];
  readonly volumes: readonly SamlCaVolume['volume'][];
  readonly volumeMounts: readonly SamlCaVolume['mount'][];
  readonly podSecurityContext: Record<string, unknown>;
  readonly securityContext: Record<string, unknown>;
  readonly resources: { readonly requests: Record<string, string>; readonly limits: Record<string, string> };
  readonly podDisruptionBudget: { readonly enabled: boolean; readonly minAvailable: number };
  readonly rbac: { readonly create: boolean; readonly createClusterScoped: boolean };
  readonly ingress: { readonly enabled: false };
  readonly serviceMonitor: { readonly enabled: false };
}
