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
