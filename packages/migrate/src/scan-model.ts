/** Version of the JSON report; bumped when a field changes meaning or disappears. */
export const MIGRATION_SCAN_FORMAT = 1;

/** Where an object came from: its kind, namespace and name, and the input file. */
export interface ObjectRef {
  readonly kind: string;
  readonly namespace: string | null;
  readonly name: string;
  readonly file: string;
}

/** `Deployment shop/catalog-api`, `StorageClass managed-csi`. */
export function objectLabel(ref: Pick<ObjectRef, 'kind' | 'namespace' | 'name'>): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/** One place a dependency shows: the object, the field path and the matched text with secrets redacted. */
export interface Evidence {
  readonly object: string;
  readonly file: string;
  readonly path: string;
  readonly text: string;
}

/** What kind of thing a dependency is; decides where it comes in the migration order. */
export type DependencyCategory =
  | 'data-store'
  | 'bus'
  | 'object-storage'
  | 'secrets'
  | 'registry'
  | 'observability'
  | 'identity'
  | 'external-api'
  | 'storage'
  | 'ingress'
  | 'networking'
  | 'autoscaling'
  | 'scheduling';

/** An Azure service or AKS feature the workloads rely on, with what replaces it. */
export interface CloudDependency {
  /** Stable id: `<service>` or `<service>:<instance>` (`service-bus:shop-bus`). */
  readonly id: string;
  /** Catalog id of the Azure service or feature (`service-bus`). */
  readonly service: string;
  readonly title: string;
  /** The account, namespace, server or class name when the evidence names one. */
  readonly instance: string | null;
  readonly category: DependencyCategory;
  /** What replaces it (the white paper's mapping). */
  readonly replacement: string;
  /** The platform feature that provides the replacement. */
  readonly platformFeature: string;
  /** False when the platform does not offer the replacement yet (the team runs it, or it is planned). */
  readonly providedByPlatform: boolean;
  /** What the application and its manifests must change. */
  readonly applicationChange: string;
  /** Workloads (`namespace/name`) that use it, sorted. */
  readonly usedBy: readonly string[];
  readonly evidence: readonly Evidence[];
}

export interface ContainerInventory {
  readonly name: string;
  readonly image: string;
  /** Registry host of the image (`docker.io` when none is named). */
  readonly registry: string;
  readonly requests: Readonly<Record<string, string>>;
  readonly limits: Readonly<Record<string, string>>;
  readonly ports: readonly number[];
}

export interface WorkloadInventory {
  /** `namespace/name`. */
  readonly id: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly file: string;
  /** Declared replicas (1 when not set; the node count for a DaemonSet is unknown offline and counted as 1). */
  readonly replicas: number;
  readonly containers: readonly ContainerInventory[];
  readonly initContainers: readonly ContainerInventory[];
  readonly serviceAccount: string | null;
  /** ConfigMaps and Secrets it reads, by name. */
  readonly configMaps: readonly string[];
  readonly secrets: readonly string[];
  readonly persistentVolumeClaims: readonly string[];
}

export interface ServiceInventory {
  readonly namespace: string;
  readonly name: string;
  readonly type: string;
  readonly ports: readonly { readonly port: number; readonly targetPort: string | number; readonly nodePort?: number }[];
  /** Workloads its selector matches. */
  readonly workloads: readonly string[];
}

export interface IngressInventory {
  readonly namespace: string;
  readonly name: string;
  readonly className: string | null;
  readonly hosts: readonly string[];
  readonly backends: readonly { readonly service: string; readonly port: string | number }[];
}

export interface StorageInventory {
  readonly namespace: string;
  /** The claim, or `<workload>/<template>` for a StatefulSet's volumeClaimTemplate. */
  readonly name: string;
  readonly storageClass: string | null;
  readonly size: string | null;
  readonly accessModes: readonly string[];
  /** Copies: 1 for a claim, the replicas for a volumeClaimTemplate. */
  readonly copies: number;
}

export interface NamespaceInventory {
  readonly name: string;
  readonly workloads: readonly WorkloadInventory[];
  readonly services: readonly ServiceInventory[];
  readonly ingresses: readonly IngressInventory[];
  readonly storage: readonly StorageInventory[];
  /** Names only; values are never read into the report. */
  readonly configMaps: readonly string[];
  readonly secrets: readonly string[];
}

export interface Inventory {
  readonly namespaces: readonly NamespaceInventory[];
  /** Cluster-scoped objects (`StorageClass managed-csi`). */
  readonly clusterObjects: readonly string[];
  /** Registry host → number of containers using it. */
  readonly registries: Readonly<Record<string, number>>;
}

/** A workload's use of another workload, found by a Service DNS name in its configuration. */
export interface WorkloadLink {
  readonly workload: string;
  readonly service: string;
  readonly evidence: Evidence;
}

export interface MatrixRow {
  readonly workload: string;
  readonly kind: string;
  /** Cloud dependency ids, sorted. */
  readonly dependencies: readonly string[];
  readonly workloads: readonly WorkloadLink[];
}

export interface MigrationStep {
  readonly step: number;
  readonly type: 'service' | 'workload';
  readonly id: string;
  readonly title: string;
  readonly reason: string;
}

export interface AdmissionFix {
  readonly policy: string;
  /** What to change, in words. */
  readonly description: string;
  /** True when the `--fix` patches apply it; false when it needs a decision (a tag, a namespace, a volume). */
  readonly automatic: boolean;
}

export interface AdmissionFinding {
  readonly object: string;
  readonly file: string;
  readonly kind: string;
  readonly namespace: string | null;
  readonly name: string;
  readonly allowed: boolean;
  readonly violations: readonly { readonly policy: string; readonly message: string }[];
  readonly fixes: readonly AdmissionFix[];
}

export interface ApiVersionFinding {
  readonly object: string;
  readonly file: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly status: 'removed' | 'deprecated' | 'unknown-custom-resource';
  /** The version to use instead; null when none is served. */
  readonly replacement: string | null;
  readonly detail: string;
}

/** An ingress-nginx annotation on an input Ingress, which the target's NGINX Ingress Controller ignores. */
export interface IngressAnnotationFinding {
  readonly object: string;
  readonly file: string;
  /** `nginx.ingress.kubernetes.io/<name>`. */
  readonly annotation: string;
  /** The nginx.org annotation to use instead; null when NGINX Open Source has none on Ingress. */
  readonly replacement: string | null;
  /** How the value changes, or what to do instead. */
  readonly detail: string;
}

export interface MigrationScan {
  readonly version: typeof MIGRATION_SCAN_FORMAT;
  readonly target: {
    readonly cluster: string;
    readonly kubernetesVersion: string;
    readonly allowedRegistries: readonly string[];
    readonly rules: number;
  };
  readonly inputs: readonly string[];
  readonly objects: number;
  readonly inventory: Inventory;
  readonly dependencies: readonly CloudDependency[];
  readonly matrix: readonly MatrixRow[];
  readonly order: readonly MigrationStep[];
  readonly admission: readonly AdmissionFinding[];
  readonly apiVersions: {
    readonly source: string | null;
    readonly findings: readonly ApiVersionFinding[];
  };
  /** ingress-nginx annotations the target's ingress controller ignores, with their nginx.org equivalents. */
  readonly ingressAnnotations: readonly IngressAnnotationFinding[];
  /** YAML to paste under `tenants:` of the target's cluster.yaml. */
  readonly tenantStub: string;
}
