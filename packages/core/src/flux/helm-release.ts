import { ApiObject, type ApiObjectMetadata } from 'cdk8s';
import type { Construct } from 'constructs';
import { FLUX_API, type NamespacedObjectReference } from './common.js';

export type CrdPolicy = 'Skip' | 'Create' | 'CreateReplace';

export interface HelmReleaseSpec {
  readonly interval: string;
  readonly releaseName?: string;
  /** Chart from a HelmRepository. Exactly one of chart and chartRef. */
  readonly chart?: {
    readonly spec: {
      readonly chart: string;
      readonly version: string;
      readonly sourceRef: { readonly kind: 'HelmRepository'; readonly name: string; readonly namespace?: string };
      readonly interval?: string;
    };
  };
  /** Chart from an OCIRepository. Exactly one of chart and chartRef. */
  readonly chartRef?: { readonly kind: 'OCIRepository'; readonly name: string; readonly namespace?: string };
  readonly install?: {
    readonly crds?: CrdPolicy;
    readonly createNamespace?: boolean;
    readonly disableSchemaValidation?: boolean;
    readonly remediation?: { readonly retries: number };
  };
  readonly upgrade?: {
    readonly crds?: CrdPolicy;
    readonly disableSchemaValidation?: boolean;
    readonly cleanupOnFail?: boolean;
    readonly remediation?: { readonly retries: number; readonly remediateLastFailure?: boolean; readonly strategy?: 'rollback' | 'uninstall' };
  };
  readonly driftDetection?: { readonly mode: 'enabled' | 'warn' | 'disabled' };
  readonly dependsOn?: readonly NamespacedObjectReference[];
  readonly values?: Record<string, unknown>;
  readonly valuesFrom?: readonly {
    readonly kind: 'Secret' | 'ConfigMap';
    readonly name: string;
    readonly valuesKey?: string;
    readonly targetPath?: string;
  }[];
  /**
   * ServiceAccount of the release's namespace that Flux impersonates to install, upgrade and uninstall.
   * @default the controller's `--default-service-account` (`default` under the platform's lockdown)
   */
  readonly serviceAccountName?: string;
  /** Kustomize patches helm-controller applies to the rendered chart before installing it. */
  readonly postRenderers?: readonly { readonly kustomize: { readonly patches: readonly PostRenderPatch[] } }[];
}

/** A strategic-merge patch of the objects a chart renders, for what no chart value can set. */
export interface PostRenderPatch {
  /** The objects to patch. */
  readonly target: { readonly kind: string; readonly name: string; readonly group?: string; readonly version?: string };
  /** The patch as YAML: an object of the target's kind and name with the fields to merge (lists of containers merge by name). */
  readonly patch: string;
}

export interface HelmReleaseProps {
  readonly metadata: ApiObjectMetadata;
  readonly spec: HelmReleaseSpec;
}

/** Flux `HelmRelease` (helm.toolkit.fluxcd.io/v2). */
export class HelmRelease extends ApiObject {
  constructor(scope: Construct, id: string, props: HelmReleaseProps) {
    super(scope, id, { apiVersion: FLUX_API.helm, kind: 'HelmRelease', ...props });
  }
}
