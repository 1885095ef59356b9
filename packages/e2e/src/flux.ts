// Flux objects and waits for tests: a GitRepository and a Kustomization pointing at the local git
// server, a way to make Flux look at a new commit now, and a wait for a given revision.
import type { KubeClient, KubeObject, ObjectRef, WaitForOptions } from './kube-client.js';
import { conditionsOf } from './kube-client.js';

export interface GitRepositoryOptions {
  name: string;
  /** Clone URL, e.g. from `cluster.git.url('fleet')`. */
  url: string;
  /** @default 'flux-system' */
  namespace?: string;
  /** @default 'main' */
  branch?: string;
  /** How often Flux polls; tests call requestReconcile() instead of waiting. @default '10m' */
  interval?: string;
}

/** A source.toolkit.fluxcd.io/v1 GitRepository. */
export function gitRepository(options: GitRepositoryOptions): KubeObject {
  return {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name: options.name, namespace: options.namespace ?? 'flux-system' },
    spec: { url: options.url, interval: options.interval ?? '10m', ref: { branch: options.branch ?? 'main' }, timeout: '60s' },
  };
}

export interface KustomizationOptions {
  name: string;
  /** Folder in the source, e.g. `./apps`. */
  path: string;
  /** Name of the GitRepository (same namespace). */
  source: string;
  /** @default 'flux-system' */
  namespace?: string;
  /** Delete objects that left the source. @default true */
  prune?: boolean;
  /** Wait for the applied objects to become ready before reporting Ready. @default false */
  wait?: boolean;
  /** @default '10m' */
  interval?: string;
  /** @default none */
  targetNamespace?: string;
}

/** A kustomize.toolkit.fluxcd.io/v1 Kustomization of a GitRepository. */
export function kustomization(options: KustomizationOptions): KubeObject {
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: options.name, namespace: options.namespace ?? 'flux-system' },
    spec: {
      interval: options.interval ?? '10m',
      path: options.path,
      prune: options.prune ?? true,
      wait: options.wait ?? false,
      timeout: '2m',
      sourceRef: { kind: 'GitRepository', name: options.source },
      ...(options.targetNamespace ? { targetNamespace: options.targetNamespace } : {}),
    },
  };
}

/** Asks Flux to reconcile an object now, as `flux reconcile` does (the requestedAt annotation). */
export async function requestReconcile(client: KubeClient, ref: ObjectRef): Promise<void> {
  await client.patch(ref, { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': new Date().toISOString() } } });
}

/**
 * Waits until a Flux object is Ready for a commit: a GitRepository's artifact, or a
 * Kustomization's last applied revision, is `<branch>@sha1:<sha>`.
 * @returns the object
 */
export async function waitForRevision(client: KubeClient, ref: ObjectRef, sha: string, options: WaitForOptions = {}): Promise<KubeObject> {
  const object = await client.waitFor(
    ref,
    (o) => {
      const status = o?.status as { artifact?: { revision?: string }; lastAppliedRevision?: string; observedGeneration?: number } | undefined;
      const revision = ref.kind === 'GitRepository' ? status?.artifact?.revision : status?.lastAppliedRevision;
      const ready = conditionsOf(o).some((c) => c.type === 'Ready' && c.status === 'True');
      return ready && (revision?.endsWith(`:${sha}`) ?? false) && status?.observedGeneration === (o?.metadata as { generation?: number }).generation;
    },
    { ...options, what: options.what ?? `to be Ready at revision ${sha.slice(0, 12)}` },
  );
  return object as KubeObject;
}
