import type { ContainerResources } from '@ck8s/core';

/** A container environment variable, plain or from a Secret key. */
export type HarborEnvVar =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly valueFrom: { readonly secretKeyRef: { readonly name: string; readonly key: string } } };

/** The values of the harbor chart this platform sets (a typed subset of the chart's values.yaml). */
export interface HarborValues {
  readonly expose: {
    readonly type: 'clusterIP';
    readonly tls: { readonly enabled: false };
    readonly clusterIP: { readonly name: string; readonly ports: { readonly httpPort: number } };
  };
  readonly externalURL: string;
  readonly persistence: {
    readonly enabled: true;
    readonly resourcePolicy: 'keep';
    readonly imageChartStorage: {
      readonly type: 's3';
      readonly disableredirect: boolean;
      readonly s3: {
        readonly region: string;
        readonly bucket: string;
        readonly regionendpoint: string;
        /** Secret with REGISTRY_STORAGE_S3_ACCESSKEY and REGISTRY_STORAGE_S3_SECRETKEY. */
        readonly existingSecret: string;
        readonly secure: boolean;
        readonly v4auth: boolean;
      };
    };
  };
  /** Secret with the initial admin password under existingSecretAdminPasswordKey. */
  readonly existingSecretAdminPassword: string;
  readonly existingSecretAdminPasswordKey: string;
  /** Secret with the key `secretKey`: Harbor's 16-character encryption key for stored credentials. */
  readonly existingSecretSecretKey: string;
  readonly updateStrategy: { readonly type: 'Recreate' | 'RollingUpdate' };
  readonly containerSecurityContext: Record<string, unknown>;
  readonly core: { readonly replicas: number; readonly resources: ContainerResources; readonly extraEnvVars: readonly HarborEnvVar[] };
  readonly portal: { readonly replicas: number; readonly resources: ContainerResources };
  readonly jobservice: { readonly resources: ContainerResources };
  readonly nginx: { readonly resources: ContainerResources };
  readonly registry: {
    readonly replicas: number;
    readonly registry: { readonly resources: ContainerResources };
    readonly controller: { readonly resources: ContainerResources };
    /** Secret with REGISTRY_PASSWD and REGISTRY_HTPASSWD (core's account at the registry). */
    readonly credentials: { readonly existingSecret: string };
  };
  readonly database: {
    readonly internal: {
      readonly image: { readonly repository: string; readonly tag: string };
      readonly resources: ContainerResources;
      readonly initContainer: { readonly permissions: { readonly resources: ContainerResources } };
    };
  };
  readonly redis: { readonly internal: { readonly resources: ContainerResources } };
  readonly trivy: { readonly enabled: true; readonly skipUpdate: boolean; readonly offlineScan: boolean; readonly ignoreUnfixed: boolean };
  readonly metrics: { readonly enabled: boolean };
  readonly exporter: { readonly resources: ContainerResources };
}
