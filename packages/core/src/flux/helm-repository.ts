import { ApiObject, type ApiObjectMetadata } from 'cdk8s';
import type { Construct } from 'constructs';
import { FLUX_API } from './common.js';

export interface HelmRepositoryProps {
  readonly metadata: ApiObjectMetadata;
  readonly spec: { readonly url: string; readonly interval: string };
}

/** Flux `HelmRepository` (source.toolkit.fluxcd.io/v1) for a classic HTTPS chart repository. */
export class HelmRepository extends ApiObject {
  constructor(scope: Construct, id: string, props: HelmRepositoryProps) {
    super(scope, id, { apiVersion: FLUX_API.source, kind: 'HelmRepository', ...props });
  }
}
