import type { IConstruct } from 'constructs';

/** Argo CD's API version for Application and AppProject (served by Argo CD 2.x and 3.x). */
export const ARGOCD_API = 'argoproj.io/v1alpha1';

/** Namespace Argo CD runs in and keeps its Applications and AppProjects in. */
export const ARGOCD_NAMESPACE = 'argocd';

/** The cluster Argo CD runs in, as Argo CD names it: every Application of a cluster deploys only there. */
export const IN_CLUSTER = 'https://kubernetes.default.svc';

/**
 * The ServiceAccount in Argo CD's namespace as which its application-controller applies and prunes
 * every Application's objects (the argo-cd chart's name): the platform's applier, as Flux's
 * kustomize-controller is on a Flux cluster.
 */
export const ARGOCD_APPLIER = 'argocd-application-controller';

/** Annotation Argo CD's default (annotation) resource tracking puts on every object it applies. */
export const ARGOCD_TRACKING_ANNOTATION = 'argocd.argoproj.io/tracking-id';

/** AppProject every generated Application belongs to (never Argo CD's permissive `default`). */
export const ARGOCD_PROJECT = 'platform';

/**
 * Finalizer that makes deleting an Application delete what it deployed (cascading), as removing a
 * Flux Kustomization with `prune: true` does; without it a removed layer's objects stay orphaned.
 */
export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

/** Annotation ordering objects within one sync: lower waves are applied and healthy first. */
export const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';

/** Name of the config-management plugin that decrypts sops files in the repo-server's sidecar. */
export const SOPS_PLUGIN = 'sops';

/** The GitOps engines a cluster may use (cluster.yaml `gitops.engine`). */
export const GITOPS_ENGINES = ['flux', 'argocd'] as const;
export type GitOpsEngine = (typeof GITOPS_ENGINES)[number];

/** Construct context key holding the cluster's GitOps engine; components read it (HelmChart). */
export const GITOPS_ENGINE_CONTEXT = 'ck8s:gitopsEngine';

/** The GitOps engine of the cluster a construct belongs to (its context). @default 'flux' when none is set */
export function gitopsEngineOf(scope: IConstruct): GitOpsEngine {
  return (scope.node.tryGetContext(GITOPS_ENGINE_CONTEXT) as GitOpsEngine | undefined) ?? 'flux';
}

/** Where an engine runs and keeps the cluster's age key. */
export const ENGINE_NAMESPACE: Record<GitOpsEngine, string> = { flux: 'flux-system', argocd: ARGOCD_NAMESPACE };

/** Automated sync, server-side apply and retries, as every generated Application syncs. */
export interface ArgoSyncPolicy {
  readonly automated: { readonly prune: boolean; readonly selfHeal: boolean };
  readonly syncOptions: readonly string[];
  readonly retry: { readonly limit: number; readonly backoff: { readonly duration: string; readonly factor: number; readonly maxDuration: string } };
}

/**
 * The sync policy of the platform's Applications: what leaves git is pruned, manual changes are
 * reverted (selfHeal), objects are applied server-side (large CRDs exceed client-side apply's
 * annotation limit), a missing CRD defers a dry run instead of failing the whole sync, and a failed
 * sync is retried with backoff (the next layer's CRDs may not be there yet: see ArgoCdLayers).
 * @param extraOptions further sync options, e.g. `CreateNamespace=false`
 */
export function platformSyncPolicy(extraOptions: readonly string[] = []): ArgoSyncPolicy {
  return {
    automated: { prune: true, selfHeal: true },
    syncOptions: ['ServerSideApply=true', 'PruneLast=true', 'FailOnSharedResource=true', ...extraOptions],
    retry: { limit: 10, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } },
  };
}
