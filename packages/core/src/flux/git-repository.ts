import { ApiObject, type ApiObjectMetadata } from 'cdk8s';
import type { Construct } from 'constructs';
import { FLUX_API } from './common.js';

export interface GitRepositorySpec {
  readonly url: string;
  readonly interval: string;
  readonly ref: { readonly branch?: string; readonly tag?: string; readonly commit?: string };
  /** @default no credentials (public repository) */
  readonly secretRef?: { readonly name: string };
  /** @default the whole repository */
  readonly ignore?: string;
}

export interface GitRepositoryProps {
  readonly metadata: ApiObjectMetadata;
  readonly spec: GitRepositorySpec;
}

/** Flux `GitRepository` (source.toolkit.fluxcd.io/v1). */
export class GitRepository extends ApiObject {
  constructor(scope: Construct, id: string, props: GitRepositoryProps) {
    super(scope, id, { apiVersion: FLUX_API.source, kind: 'GitRepository', ...props });
  }
}
