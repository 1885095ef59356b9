import { ApiObject, type ApiObjectMetadata } from 'cdk8s';
import type { Construct } from 'constructs';
import { FLUX_API } from './common.js';

export interface OCIRepositorySpec {
  readonly url: string;
  readonly interval: string;
  readonly ref: { readonly tag?: string; readonly semver?: string; readonly digest?: string };
  /** @default Flux's default: the first layer, extracted */
  readonly layerSelector?: { readonly mediaType: string; readonly operation: 'extract' | 'copy' };
  /** Plain HTTP to the registry (loopback test registries only). @default false */
  readonly insecure?: boolean;
}

export interface OCIRepositoryProps {
  readonly metadata: ApiObjectMetadata;
  readonly spec: OCIRepositorySpec;
}

/** Flux `OCIRepository` (source.toolkit.fluxcd.io/v1): Helm charts published to OCI registries, and Flux's own install manifests. */
export class OCIRepository extends ApiObject {
  constructor(scope: Construct, id: string, props: OCIRepositoryProps) {
    super(scope, id, { apiVersion: FLUX_API.source, kind: 'OCIRepository', ...props });
  }
}
