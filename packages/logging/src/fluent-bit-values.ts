/** A hostPath volume of the DaemonSet. */
export interface FluentBitHostPathVolume {
  readonly name: string;
  readonly hostPath: { readonly path: string; readonly type: 'Directory' | 'DirectoryOrCreate' };
}

export interface FluentBitVolumeMount {
  readonly name: string;
  readonly mountPath: string;
  readonly readOnly: boolean;
}

/** An environment variable read from a Secret. */
export interface FluentBitSecretEnv {
  readonly name: string;
  readonly valueFrom: { readonly secretKeyRef: { readonly name: string; readonly key: string } };
}

/** The values of the fluent-bit chart this platform sets (a typed subset of the chart's values.yaml). */
export interface FluentBitValues {
  readonly kind: 'DaemonSet';
  readonly rbac: { readonly create: boolean };
  readonly testFramework: { readonly enabled: boolean };
  readonly hostNetwork: boolean;
  readonly podSecurityContext: Record<string, unknown>;
  readonly securityContext: Record<string, unknown>;
  readonly tolerations: readonly Record<string, string>[];
  readonly resources: { readonly requests: Record<string, string>; readonly limits: Record<string, string> };
  readonly env: readonly FluentBitSecretEnv[];
  readonly metricsPort: number;
  readonly serviceMonitor: { readonly enabled: boolean };
  /** Replaces the chart's default host volumes (which mount /var/log read-write). */
  readonly daemonSetVolumes: readonly FluentBitHostPathVolume[];
  readonly daemonSetVolumeMounts: readonly FluentBitVolumeMount[];
  /** Classic-mode configuration sections; the chart passes them through `tpl`, so they must not contain `{{`. */
  readonly config: { readonly service: string; readonly inputs: string; readonly filters: string; readonly outputs: string };
}
