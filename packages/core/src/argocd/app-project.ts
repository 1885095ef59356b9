import { ApiObject, type ApiObjectMetadata } from 'cdk8s';
import type { Construct } from 'constructs';
import { ARGOCD_API } from './common.js';

/** A group and kind, as AppProject whitelists name them (`group: ''` for the core API). */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

export interface AppProjectSpec {
  readonly description?: string;
  readonly sourceRepos: readonly string[];
  readonly destinations: readonly { readonly server: string; readonly namespace: string }[];
  readonly clusterResourceWhitelist: readonly GroupKind[];
  /** @default none: the project's Applications cannot deploy into other projects' namespaces' */
  readonly sourceNamespaces?: readonly string[];
  readonly orphanedResources?: { readonly warn: boolean };
}

export interface AppProjectProps {
  readonly metadata: ApiObjectMetadata;
  /** The spec; fields may be cdk8s Lazy values resolved when the project is rendered. */
  readonly spec: AppProjectSpec | Record<string, unknown>;
}

/** Argo CD `AppProject` (argoproj.io/v1alpha1). */
export class AppProject extends ApiObject {
  constructor(scope: Construct, id: string, props: AppProjectProps) {
    super(scope, id, { apiVersion: ARGOCD_API, kind: 'AppProject', ...props });
  }
}
