import { at, compare, containersOf, type InputObject, isRecord, list, podLabelsOf, podSpecOf, record, str, workloadId } from './input-objects.js';

/** What a workload reads and mounts, by name within its namespace. */
export interface WorkloadRefs {
  readonly object: InputObject;
  readonly id: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly serviceAccount: string;
  readonly configMaps: ReadonlySet<string>;
  readonly secrets: ReadonlySet<string>;
  readonly claims: ReadonlySet<string>;
  readonly secretProviderClasses: ReadonlySet<string>;
  /** Storage classes of its volumeClaimTemplates. */
  readonly templateStorageClasses: ReadonlySet<string>;
}

function workloadRefs(object: InputObject, spec: Record<string, unknown>): WorkloadRefs {
  const configMaps = new Set<string>();
  const secrets = new Set<string>();
  const claims = new Set<string>();
  const secretProviderClasses = new Set<string>();
  for (const { container } of containersOf(spec)) {
    for (const source of list(container['envFrom']).map(record)) {
      const cm = str(record(source['configMapRef'])['name']);
      const secret = str(record(source['secretRef'])['name']);
      if (cm) configMaps.add(cm);
      if (secret) secrets.add(secret);
    }
    for (const env of list(container['env']).map(record)) {
      const from = record(env['valueFrom']);
      const cm = str(record(from['configMapKeyRef'])['name']);
      const secret = str(record(from['secretKeyRef'])['name']);
      if (cm) configMaps.add(cm);
      if (secret) secrets.add(secret);
    }
  }
  for (const volume of list(spec['volumes']).map(record)) {
    const cm = str(record(volume['configMap'])['name']);
    const secret = str(record(volume['secret'])['secretName']);
    const claim = str(record(volume['persistentVolumeClaim'])['claimName']);
    const csi = record(volume['csi']);
    if (cm) configMaps.add(cm);
    if (secret) secrets.add(secret);
    if (claim) claims.add(claim);
    if (str(csi['driver']) === 'secrets-store.csi.k8s.io') {
      const spc = str(record(csi['volumeAttributes'])['secretProviderClass']);
      if (spc) secretProviderClasses.add(spc);
    }
    for (const source of list(record(volume['projected'])['sources']).map(record)) {
      const pcm = str(record(source['configMap'])['name']);
      const psecret = str(record(source['secret'])['name']);
      if (pcm) configMaps.add(pcm);
      if (psecret) secrets.add(psecret);
    }
  }
  for (const pull of list(spec['imagePullSecrets']).map(record)) {
    const name = str(pull['name']);
    if (name) secrets.add(name);
  }
  const templateStorageClasses = new Set<string>();
  if (object.kind === 'StatefulSet') {
    for (const template of list(at(object.raw, ['spec', 'volumeClaimTemplates'])).map(record)) {
      const sc = str(at(template, ['spec', 'storageClassName']));
      if (sc) templateStorageClasses.add(sc);
    }
  }
  return {
    object,
    id: workloadId(object),
    namespace: object.namespace ?? 'default',
    labels: podLabelsOf(object),
    serviceAccount: str(spec['serviceAccountName']) ?? str(spec['serviceAccount']) ?? 'default',
    configMaps,
    secrets,
    claims,
    secretProviderClasses,
    templateStorageClasses,
  };
}

function selects(selector: unknown, labels: Readonly<Record<string, string>>): boolean {
  if (!isRecord(selector)) return false;
  const matchLabels = isRecord(selector['matchLabels']) ? selector['matchLabels'] : 'matchExpressions' in selector ? {} : selector;
  const entries = Object.entries(matchLabels);
  return entries.length > 0 && entries.every(([key, value]) => labels[key] === value);
}

/**
 * How the input's objects relate to its workloads: which workloads read a ConfigMap or Secret,
 * mount a claim, run as a ServiceAccount, sit behind a Service or Ingress, use a storage or ingress class.
 */
export class Relations {
  readonly workloads: readonly WorkloadRefs[];
  private readonly objects: readonly InputObject[];

  constructor(objects: readonly InputObject[]) {
    this.objects = objects;
    this.workloads = objects
      .flatMap((object) => {
        const spec = podSpecOf(object);
        return spec ? [workloadRefs(object, spec)] : [];
      })
      .sort((a, b) => compare(a.id, b.id) || compare(a.object.kind, b.object.kind));
  }

  /** Workloads in a namespace whose pods a Service-style selector matches. */
  selected(namespace: string, selector: unknown): WorkloadRefs[] {
    return this.workloads.filter((w) => w.namespace === namespace && selects(selector, w.labels));
  }

  /** Ids of the workloads that use an object (a workload uses itself), sorted and unique. */
  consumers(object: InputObject): string[] {
    return [...new Set(this.consumerRefs(object).map((w) => w.id))].sort(compare);
  }

  private consumerRefs(object: InputObject): WorkloadRefs[] {
    const ns = object.namespace ?? 'default';
    const inNamespace = (predicate: (w: WorkloadRefs) => boolean) => this.workloads.filter((w) => w.namespace === ns && predicate(w));
    const spec = record(object.raw['spec']);
    switch (object.kind) {
      case 'ConfigMap':
        return inNamespace((w) => w.configMaps.has(object.name));
      case 'Secret':
        return inNamespace((w) => w.secrets.has(object.name));
      case 'ServiceAccount':
        return inNamespace((w) => w.serviceAccount === object.name);
      case 'SecretProviderClass':
        return inNamespace((w) => w.secretProviderClasses.has(object.name));
      case 'PersistentVolumeClaim':
        return inNamespace((w) => w.claims.has(object.name));
      case 'Service':
        return this.selected(ns, spec['selector']);
      case 'PodDisruptionBudget':
        return this.selected(ns, spec['selector']);
      case 'Ingress':
        return this.ingressBackends(object).flatMap((service) => this.serviceConsumers(ns, service));
      case 'HorizontalPodAutoscaler':
      case 'ScaledObject': {
        const target = record(spec['scaleTargetRef']);
        const kind = str(target['kind']) ?? 'Deployment';
        return inNamespace((w) => w.object.kind === kind && w.object.name === str(target['name']));
      }
      case 'TriggerAuthentication':
        return this.objects
          .filter(
            (o) =>
              o.kind === 'ScaledObject' &&
              (o.namespace ?? 'default') === ns &&
              list(at(o.raw, ['spec', 'triggers'])).some((t) => str(at(t, ['authenticationRef', 'name'])) === object.name),
          )
          .flatMap((o) => this.consumerRefs(o));
      case 'StorageClass':
        return this.workloads.filter(
          (w) =>
            w.templateStorageClasses.has(object.name) ||
            this.objects.some(
              (o) =>
                o.kind === 'PersistentVolumeClaim' &&
                (o.namespace ?? 'default') === w.namespace &&
                w.claims.has(o.name) &&
                str(at(o.raw, ['spec', 'storageClassName'])) === object.name,
            ),
        );
      case 'IngressClass':
        return this.objects.filter((o) => o.kind === 'Ingress' && ingressClassOf(o) === object.name).flatMap((o) => this.consumerRefs(o));
      case 'AzureIdentityBinding':
        return inNamespace((w) => w.labels['aadpodidbinding'] === str(spec['selector']));
      default:
        return podSpecOf(object) ? this.workloads.filter((w) => w.object === object) : [];
    }
  }

  private serviceConsumers(namespace: string, service: string): WorkloadRefs[] {
    const found = this.objects.find((o) => o.kind === 'Service' && (o.namespace ?? 'default') === namespace && o.name === service);
    return found ? this.consumerRefs(found) : [];
  }

  /** Names of the Services an Ingress routes to. */
  ingressBackends(object: InputObject): string[] {
    const spec = record(object.raw['spec']);
    const backends = [
      record(spec['defaultBackend']),
      ...list(spec['rules']).flatMap((rule) => list(at(rule, ['http', 'paths'])).map((p) => record(record(p)['backend']))),
    ];
    return [
      ...new Set(backends.map((b) => str(at(b, ['service', 'name'])) ?? str(b['serviceName'])).filter((n): n is string => n !== undefined)),
    ].sort(compare);
  }
}

/** The class of an Ingress: `spec.ingressClassName`, else the legacy annotation. */
export function ingressClassOf(object: InputObject): string | null {
  return str(at(object.raw, ['spec', 'ingressClassName'])) ?? str(at(object.raw, ['metadata', 'annotations', 'kubernetes.io/ingress.class'])) ?? null;
}
