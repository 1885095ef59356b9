import { Component, FLUX_PLATFORM_APPLIER, Kustomization, LAYERS, type Layer } from '@ck8s/core';
import type { Construct } from 'constructs';
import { FLUX_INSTALL } from './flux-install.js';
import { clusterPath, FLUX_NAMESPACE, sopsDecryption } from './flux-sync.js';

export interface FluxLayersProps {
  /** The cluster's name: each layer applies `clusters/<name>/<layer>/`. */
  readonly clusterName: string;
  /** How often Flux reapplies each layer. @default '10m' */
  readonly interval?: string;
  /**
   * Wait for every object of a layer to be ready before the next layer starts, so CRDs and
   * controllers exist before the policies and configuration that use them.
   * @default true
   */
  readonly wait?: boolean;
  /** How long Flux waits for a layer to become ready. @default '10m' */
  readonly timeout?: string;
}

/** The layers Flux applies after bootstrap, in order. */
export const APPLIED_LAYERS: readonly Exclude<Layer, 'flux-system'>[] = LAYERS.filter((l): l is Exclude<Layer, 'flux-system'> => l !== 'flux-system');

/**
 * One Flux `Kustomization` per layer (`flux-system/layers.yaml`), each depending on the one
 * before (the first on Flux's own installation, so nothing is applied before Flux runs locked
 * down), with pruning so that what leaves git leaves the cluster, and sops decryption. Each
 * applies as kustomize-controller's ServiceAccount: under the lockdown, one that names no
 * account would run as flux-system's `default`, which may do nothing.
 */
export class FluxLayers extends Component {
  constructor(scope: Construct, id: string, props: FluxLayersProps) {
    super(scope, id, { layer: 'flux-system' });
    const { clusterName } = props;
    let previous: string = FLUX_INSTALL;
    for (const layer of APPLIED_LAYERS) {
      new Kustomization(this, layer, {
        metadata: { name: layer, namespace: FLUX_NAMESPACE },
        spec: {
          interval: props.interval ?? '10m',
          retryInterval: '2m',
          timeout: props.timeout ?? '10m',
          path: `${clusterPath(clusterName)}/${layer}`,
          prune: true,
          wait: props.wait ?? true,
          sourceRef: { kind: 'GitRepository', name: FLUX_NAMESPACE },
          serviceAccountName: FLUX_PLATFORM_APPLIER,
          decryption: sopsDecryption(),
          dependsOn: [{ name: previous }],
        },
      });
      previous = layer;
    }
  }
}
