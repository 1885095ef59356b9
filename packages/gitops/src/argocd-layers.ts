import {
  Application,
  ARGOCD_NAMESPACE,
  ARGOCD_PROJECT,
  Component,
  IN_CLUSTER,
  platformSyncPolicy,
  RESOURCES_FINALIZER,
  SOPS_PLUGIN,
  SYNC_WAVE,
} from '@ck8s/core';
import type { Construct } from 'constructs';
import { APPLIED_LAYERS } from './flux-layers.js';

/** Folder of a cluster Argo CD syncs that holds its bootstrap objects (Flux's is `flux-system`). */
export const ARGOCD_FOLDER = 'argocd';

/** Name of the root Application, applied once at bootstrap. */
export const ARGOCD_ROOT = 'root';

export interface ArgoCdLayersProps {
  /** The cluster's name: each layer syncs `clusters/<name>/<layer>/`. */
  readonly clusterName: string;
  /** URL of the git repository holding the fleet (`ssh://` or `https://`). */
  readonly repository: string;
  /** Branch the cluster follows. @default 'main' */
  readonly branch?: string;
}

/**
 * The Argo CD sync of a cluster (`argocd/layers.yaml`): the root Application, applied once at
 * bootstrap like Flux's gotk-sync, syncs `argocd/` (itself, the project and the layers), and one
 * Application per layer syncs that layer's folder, in sync waves of layer order, so at bootstrap
 * each layer is applied only once the one before is healthy (Argo CD's health of an Application
 * is restored in argocd-cm: see the Argo CD component). Every folder is rendered by the sops
 * config-management plugin, which decrypts the layer's `*.sops.yaml` files in the repo-server's
 * sidecar. Each Application prunes, reverts manual changes, applies server-side, retries with
 * backoff, and deletes what it deployed when it is deleted (the resources finalizer). The root
 * has no finalizer: deleting it never uninstalls the platform.
 */
export class ArgoCdLayers extends Component {
  constructor(scope: Construct, id: string, props: ArgoCdLayersProps) {
    super(scope, id, { layer: 'flux-system' });
    const source = (folder: string) => ({
      repoURL: props.repository,
      targetRevision: props.branch ?? 'main',
      path: `clusters/${props.clusterName}/${folder}`,
      plugin: { name: SOPS_PLUGIN },
    });
    new Application(this, 'root', {
      metadata: { name: ARGOCD_ROOT, namespace: ARGOCD_NAMESPACE },
      spec: {
        project: ARGOCD_PROJECT,
        source: source(ARGOCD_FOLDER),
        destination: { server: IN_CLUSTER, namespace: ARGOCD_NAMESPACE },
        syncPolicy: platformSyncPolicy(),
      },
    });
    APPLIED_LAYERS.forEach((layer, i) => {
      new Application(this, layer, {
        metadata: {
          name: layer,
          namespace: ARGOCD_NAMESPACE,
          annotations: { [SYNC_WAVE]: String(i + 1) },
          finalizers: [RESOURCES_FINALIZER],
        },
        spec: {
          project: ARGOCD_PROJECT,
          source: source(layer),
          // every object of a layer names its namespace; this one only gets what names none
          destination: { server: IN_CLUSTER, namespace: ARGOCD_NAMESPACE },
          syncPolicy: platformSyncPolicy(),
        },
      });
    });
  }
}
