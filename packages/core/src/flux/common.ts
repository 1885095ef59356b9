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

/**
 * The metric kube-state-metrics derives from Flux objects (the metrics stack configures it): one
 * series per object, value 1, labelled `customresource_kind`, `name`, `exported_namespace`, `ready`
 * (the Ready condition's status), `suspended` and `revision`. Flux's controllers stopped exporting
 * readiness themselves (gotk_reconcile_condition is gone), so this is what Flux's alerts read.
 */
export const FLUX_RESOURCE_INFO = 'gotk_resource_info';

/** Flux API versions this project generates; Flux 2.7 serves all of them. */
export const FLUX_API = {
  source: 'source.toolkit.fluxcd.io/v1',
  kustomize: 'kustomize.toolkit.fluxcd.io/v1',
  helm: 'helm.toolkit.fluxcd.io/v2',
  // Alert and Provider are served as v1beta3 (notification's v1 has Receiver only)
  notification: 'notification.toolkit.fluxcd.io/v1beta3',
} as const;
