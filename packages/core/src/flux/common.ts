/** Reference to an object in another (or the same) namespace. */
export interface NamespacedObjectReference {
  readonly name: string;
  /** @default the namespace of the referring object */
  readonly namespace?: string;
}

/** Reference to a Flux source. */
export interface SourceReference {
  readonly kind: 'GitRepository' | 'OCIRepository' | 'Bucket' | 'HelmRepository' | 'HelmChart';
  readonly name: string;
  /** @default the namespace of the referring object */
  readonly namespace?: string;
}

/** Flux API versions this project generates; Flux 2.7 serves all of them. */
export const FLUX_API = {
  source: 'source.toolkit.fluxcd.io/v1',
  kustomize: 'kustomize.toolkit.fluxcd.io/v1',
  helm: 'helm.toolkit.fluxcd.io/v2',
  // Alert and Provider are served as v1beta3 (notification's v1 has Receiver only)
  notification: 'notification.toolkit.fluxcd.io/v1beta3',
} as const;
