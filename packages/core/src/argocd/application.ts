import { ApiObject, type ApiObjectMetadata } from 'cdk8s';
import type { Construct } from 'constructs';
import { ARGOCD_API, type ArgoSyncPolicy } from './common.js';

/** A Git directory rendered by a config-management plugin (the layers: sops files decrypted). */
export interface ArgoGitSource {
  readonly repoURL: string;
  readonly targetRevision: string;
  readonly path: string;
  /** @default Argo CD's own rendering (plain manifests, kustomize) */
  readonly plugin?: { readonly name: string };
  /** @default all files */
  readonly directory?: { readonly recurse?: boolean; readonly include?: string; readonly exclude?: string };
}

/** An upstream Helm chart at a pinned version with typed values. */
export interface ArgoHelmSource {
  /** Helm repository URL, or an OCI registry path without the scheme. */
  readonly repoURL: string;
  readonly chart: string;
  readonly targetRevision: string;
  readonly helm: {
    readonly releaseName: string;
    /** @default chart defaults */
    readonly valuesObject?: Record<string, unknown>;
    /** @default false: the chart's CRDs are applied */
    readonly skipCrds?: boolean;
  };
}

export interface ApplicationSpec {
  readonly project: string;
  readonly source: ArgoGitSource | ArgoHelmSource;
  readonly destination: { readonly server: string; readonly namespace?: string };
  readonly syncPolicy: ArgoSyncPolicy;
  /** @default none */
  readonly revisionHistoryLimit?: number;
}

export interface ApplicationProps {
  readonly metadata: ApiObjectMetadata;
  readonly spec: ApplicationSpec;
}

/** Argo CD `Application` (argoproj.io/v1alpha1). */
export class Application extends ApiObject {
  constructor(scope: Construct, id: string, props: ApplicationProps) {
    super(scope, id, { apiVersion: ARGOCD_API, kind: 'Application', ...props });
  }
}
