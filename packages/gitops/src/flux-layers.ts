import { Component, Kustomization, LAYERS, type ClusterConfig, type Layer } from '@ck8s/core';
import type { Construct } from 'constructs';
import { clusterPath, FLUX_NAMESPACE, sopsDecryption } from './flux-sync.js';

export interface FluxLayersProps {
  /** The cluster, with defaults applied. */
  readonly cluster: ClusterConfig;
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
 * before, with pruning so that what leaves git leaves the cluster, and sops decryption.
 */
export class FluxLayers extends Component {
  constructor(scope: Construct, id: string, props: FluxLayersProps) {
    super(scope, id, { layer: 'flux-system' });
    const { cluster } = props;
    let previous: string | undefined;
    for (const layer of APPLIED_LAYERS) {
      new Kustomization(this, layer, {
        metadata: { name: layer, namespace: FLUX_NAMESPACE },
        spec: {
          interval: cluster.gitops.interval,
          retryInterval: '2m',
          timeout: props.timeout ?? '10m',
          path: `${clusterPath(cluster)}/${layer}`,
          prune: true,
          wait: props.wait ?? true,
          sourceRef: { kind: 'GitRepository', name: FLUX_NAMESPACE },
          decryption: sopsDecryption(),
          ...(previous ? { dependsOn: [{ name: previous }] } : {}),
        },
      });
      previous = layer;
    }
  }
}
