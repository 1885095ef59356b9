import { ApiObject, type ApiObjectMetadata } from 'cdk8s';
import type { Construct } from 'constructs';
import { FLUX_API, type NamespacedObjectReference, type SourceReference } from './common.js';

export interface KustomizationSpec {
  readonly interval: string;
  /** Path inside the source, starting with `./`. */
  readonly path: string;
  readonly sourceRef: SourceReference;
  readonly prune: boolean;
  /** @default no ordering */
  readonly dependsOn?: readonly NamespacedObjectReference[];
  /** @default no decryption */
  readonly decryption?: { readonly provider: 'sops'; readonly secretRef?: { readonly name: string } };
  /** @default false */
  readonly wait?: boolean;
  /** @default the interval */
  readonly retryInterval?: string;
  /** @default 5m (Flux) */
  readonly timeout?: string;
  /**
   * ServiceAccount of the Kustomization's namespace that Flux impersonates to apply and prune.
   * @default the controller's `--default-service-account` (`default` under the platform's lockdown)
   */
  readonly serviceAccountName?: string;
  /** Kustomize patches applied to the source's manifests before they are applied. @default none */
  readonly patches?: readonly KustomizationPatch[];
  /** What happens to the applied objects when the Kustomization is deleted. @default 'MirrorPrune' (Flux) */
  readonly deletionPolicy?: 'MirrorPrune' | 'Delete' | 'WaitForTermination' | 'Orphan';
}

/** A strategic merge or JSON 6902 patch (YAML text) and the objects it applies to. */
export interface KustomizationPatch {
  readonly patch: string;
  /** Selects the objects; `name` is a regular expression. @default the object the patch names */
  readonly target?: {
    readonly group?: string;
    readonly version?: string;
    readonly kind?: string;
    readonly name?: string;
    readonly namespace?: string;
  };
}

export interface KustomizationProps {
  readonly metadata: ApiObjectMetadata;
  readonly spec: KustomizationSpec;
}

/** Flux `Kustomization` (kustomize.toolkit.fluxcd.io/v1), not to be confused with kustomize's own file. */
export class Kustomization extends ApiObject {
  constructor(scope: Construct, id: string, props: KustomizationProps) {
    super(scope, id, { apiVersion: FLUX_API.kustomize, kind: 'Kustomization', ...props });
  }
}
