import { AZURE_SERVICES, CATEGORY_RANK, ENDPOINT_PATTERNS } from './azure-services.js';
import { at, compare, type InputObject, isRecord, list, podLabelsOf, podSpecOf, podSpecPath, record, str } from './input-objects.js';
import { redact } from './redact.js';
import type { Relations } from './relations.js';
import type { CloudDependency, Evidence } from './scan-model.js';

/** One sighting of an Azure service or AKS feature in one field of one object. */
interface Hit {
  readonly service: string;
  readonly instance: string | null;
  readonly object: InputObject;
  readonly path: string;
  readonly text: string;
}

const DISK_PROVISIONERS = new Set(['disk.csi.azure.com', 'kubernetes.io/azure-disk']);
const FILE_PROVISIONERS = new Set(['file.csi.azure.com', 'kubernetes.io/azure-file']);
/** The storage classes every AKS cluster has, so claims are recognised without a StorageClass in the input. */
const AKS_DISK_CLASSES = ['managed', 'managed-premium', 'managed-csi', 'managed-csi-premium'];
const AKS_FILE_CLASSES = ['azurefile', 'azurefile-premium', 'azurefile-csi', 'azurefile-csi-premium', 'azurefile-csi-nfs'];
const AGIC_CLASSES = new Set(['azure-application-gateway', 'azure/application-gateway']);
const APP_ROUTING_CLASSES = new Set(['webapprouting.kubernetes.azure.com']);
const AGIC_CONTROLLER = 'azure/application-gateway';
const APP_ROUTING_CONTROLLER = 'webapprouting.kubernetes.azure.com/nginx';
/** KEDA trigger types of Azure services and the service each one reads, with the metadata key naming the instance. */
const KEDA_TRIGGERS: Readonly<Record<string, { service: string; instanceKey?: string }>> = {
  'azure-servicebus': { service: 'service-bus', instanceKey: 'namespace' },
  'azure-eventhub': { service: 'event-hubs' },
  'azure-queue': { service: 'queue-storage', instanceKey: 'accountName' },
  'azure-blob': { service: 'blob-storage', instanceKey: 'accountName' },
  'azure-app-insights': { service: 'app-insights' },
  'azure-monitor': { service: 'app-insights' },
  'azure-log-analytics': { service: 'app-insights' },
};

/** A field path segment: `.name`, or `["a.b/c"]` for keys that are not identifiers. */
function key(path: string, name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(name) ? (path ? `${path}.${name}` : name) : `${path}[${JSON.stringify(name)}]`;
}

/** A list element: `[name=web]` when it has a name, else its index. */
function element(path: string, item: unknown, index: number): string {
  const name = isRecord(item) ? str(item['name']) : undefined;
  return `${path}[${name !== undefined ? `name=${name}` : index}]`;
}

/** Every string leaf of a value with its field path. */
function strings(value: unknown, path: string, out: { path: string; text: string }[]): void {
  if (typeof value === 'string') out.push({ path, text: value });
  else if (Array.isArray(value)) value.forEach((item, index) => strings(item, element(path, item, index), out));
  else if (isRecord(value)) for (const [k, v] of Object.entries(value)) strings(v, key(path, k), out);
}

/** The fields of an object that are configuration: not status, not server bookkeeping, not a copy of the object. */
function configurationStrings(object: InputObject): { path: string; text: string; secret: boolean }[] {
  const out: { path: string; text: string }[] = [];
  const metadata = record(object.raw['metadata']);
  const annotations = Object.fromEntries(
    Object.entries(record(metadata['annotations'])).filter(([k]) => k !== 'kubectl.kubernetes.io/last-applied-configuration'),
  );
  strings(annotations, 'metadata.annotations', out);
  strings(record(metadata['labels']), 'metadata.labels', out);
  if (object.kind === 'Secret' && object.apiVersion === 'v1') {
    // Secret values are decoded only to find endpoints in them; what is quoted is the endpoint alone.
    const secretOut: { path: string; text: string }[] = [];
    for (const [k, v] of Object.entries(record(object.raw['data'])))
      if (typeof v === 'string') secretOut.push({ path: key('data', k), text: Buffer.from(v, 'base64').toString('utf8') });
    for (const [k, v] of Object.entries(record(object.raw['stringData'])))
      if (typeof v === 'string') secretOut.push({ path: key('stringData', k), text: v });
    return [...out.map((s) => ({ ...s, secret: false })), ...secretOut.map((s) => ({ ...s, secret: true }))];
  }
  for (const [k, v] of Object.entries(object.raw)) {
    if (k === 'metadata' || k === 'status' || k === 'apiVersion' || k === 'kind') continue;
    strings(v, k, out);
  }
  return out.map((s) => ({ ...s, secret: false }));
}

function endpointHits(object: InputObject): Hit[] {
  const hits: Hit[] = [];
  for (const { path, text, secret } of configurationStrings(object)) {
    for (const { service, pattern } of ENDPOINT_PATTERNS) {
      for (const match of text.matchAll(pattern)) {
        const instance = match[1]?.toLowerCase() ?? null;
        // From a Secret only the matched endpoint is quoted, redacted; never the rest of the value.
        const shown = secret ? `${redact(match[0])} (in a Secret value, not shown)` : redact(text);
        hits.push({ service, instance, object, path, text: shown });
      }
    }
  }
  return hits;
}

function structuralHits(object: InputObject, objects: readonly InputObject[]): Hit[] {
  const hits: Hit[] = [];
  const hit = (service: string, instance: string | null, path: string, text: string) =>
    hits.push({ service, instance, object, path, text: redact(text) });
  const spec = record(object.raw['spec']);
  const annotations = record(at(object.raw, ['metadata', 'annotations']));
  const labels = record(at(object.raw, ['metadata', 'labels']));
  const storageClasses = objects.filter((o) => o.kind === 'StorageClass');
  const classService = (name: string): string | undefined => {
    const declared = storageClasses.find((o) => o.name === name);
    const provisioner = declared ? str(declared.raw['provisioner']) : undefined;
    if (provisioner) return DISK_PROVISIONERS.has(provisioner) ? 'azure-disk' : FILE_PROVISIONERS.has(provisioner) ? 'azure-files' : undefined;
    return AKS_DISK_CLASSES.includes(name) ? 'azure-disk' : AKS_FILE_CLASSES.includes(name) ? 'azure-files' : undefined;
  };
  const claimClass = (claimSpec: Record<string, unknown>, path: string) => {
    const name = str(claimSpec['storageClassName']);
    const service = name ? classService(name) : undefined;
    if (service && name) hit(service, name, path, name);
  };

  switch (object.kind) {
    case 'StorageClass': {
      const provisioner = str(object.raw['provisioner']) ?? '';
      if (DISK_PROVISIONERS.has(provisioner)) hit('azure-disk', object.name, 'provisioner', provisioner);
      if (FILE_PROVISIONERS.has(provisioner)) hit('azure-files', object.name, 'provisioner', provisioner);
      break;
    }
    case 'PersistentVolumeClaim':
      claimClass(spec, 'spec.storageClassName');
      break;
    case 'PersistentVolume': {
      const driver = str(at(spec, ['csi', 'driver']));
      if ((driver && DISK_PROVISIONERS.has(driver)) || 'azureDisk' in spec)
        hit('azure-disk', str(spec['storageClassName']) ?? null, driver ? 'spec.csi.driver' : 'spec.azureDisk', driver ?? 'azureDisk');
      if ((driver && FILE_PROVISIONERS.has(driver)) || 'azureFile' in spec)
        hit('azure-files', str(spec['storageClassName']) ?? null, driver ? 'spec.csi.driver' : 'spec.azureFile', driver ?? 'azureFile');
      break;
    }
    case 'Ingress': {
      const className = str(spec['ingressClassName']);
      const legacy = str(annotations['kubernetes.io/ingress.class']);
      for (const [path, name] of [
        ['spec.ingressClassName', className],
        ['metadata.annotations["kubernetes.io/ingress.class"]', legacy],
      ] as const) {
        if (name && AGIC_CLASSES.has(name)) hit('agic', null, path, name);
        if (name && APP_ROUTING_CLASSES.has(name)) hit('app-routing', null, path, name);
      }
      for (const [k, v] of Object.entries(annotations)) {
        if (k.startsWith('appgw.ingress.kubernetes.io/')) hit('agic', null, key('metadata.annotations', k), `${k}: ${String(v)}`);
        if (k.startsWith('kubernetes.azure.com/')) hit('app-routing', null, key('metadata.annotations', k), `${k}: ${String(v)}`);
      }
      break;
    }
    case 'IngressClass': {
      const controller = str(spec['controller']);
      if (controller === AGIC_CONTROLLER) hit('agic', null, 'spec.controller', controller);
      if (controller === APP_ROUTING_CONTROLLER) hit('app-routing', null, 'spec.controller', controller);
      break;
    }
    case 'Service':
      for (const [k, v] of Object.entries(annotations)) {
        if (k.startsWith('service.beta.kubernetes.io/azure-')) hit('azure-load-balancer', null, key('metadata.annotations', k), `${k}: ${String(v)}`);
      }
      break;
    case 'ServiceAccount':
      for (const [where, values] of [
        ['metadata.annotations', annotations],
        ['metadata.labels', labels],
      ] as const) {
        for (const [k, v] of Object.entries(values))
          if (k.startsWith('azure.workload.identity/')) hit('workload-identity', null, key(where, k), `${k}: ${String(v)}`);
      }
      break;
    case 'SecretProviderClass':
      if (str(spec['provider']) === 'azure') {
        const vault = str(at(spec, ['parameters', 'keyvaultName']));
        hit('key-vault', vault?.toLowerCase() ?? null, 'spec.provider', 'azure');
        if (vault) hit('key-vault', vault.toLowerCase(), 'spec.parameters.keyvaultName', vault);
      }
      break;
    case 'ScaledObject':
    case 'ScaledJob':
      list(spec['triggers']).forEach((trigger, index) => {
        const type = str(record(trigger)['type']) ?? '';
        if (!type.startsWith('azure-')) return;
        const path = `spec.triggers[${index}].type`;
        hit('keda-azure-scaler', null, path, type);
        const mapped = KEDA_TRIGGERS[type];
        if (mapped) {
          const instance = mapped.instanceKey ? str(at(trigger, ['metadata', mapped.instanceKey])) : undefined;
          hit(
            mapped.service,
            instance?.toLowerCase() ?? null,
            mapped.instanceKey && instance ? `spec.triggers[${index}].metadata.${mapped.instanceKey}` : path,
            instance ?? type,
          );
        }
      });
      break;
    case 'TriggerAuthentication':
    case 'ClusterTriggerAuthentication': {
      const provider = str(at(spec, ['podIdentity', 'provider']));
      if (provider === 'azure-workload') hit('workload-identity', null, 'spec.podIdentity.provider', provider);
      if (provider === 'azure') hit('aad-pod-identity', null, 'spec.podIdentity.provider', provider);
      if (isRecord(spec['azureKeyVault'])) hit('key-vault', null, 'spec.azureKeyVault', 'azureKeyVault');
      break;
    }
    default:
      if (object.apiVersion.startsWith('aadpodidentity.k8s.io/')) hit('aad-pod-identity', null, 'kind', object.kind);
  }

  const podSpec = podSpecOf(object);
  if (podSpec) {
    const base = podSpecPath(object);
    const templateMeta = object.kind === 'Pod' ? 'metadata' : `${base.replace(/\.spec$/, '')}.metadata`;
    for (const [k, v] of Object.entries(podLabelsOf(object))) {
      if (k.startsWith('azure.workload.identity/')) hit('workload-identity', null, key(`${templateMeta}.labels`, k), `${k}: ${v}`);
      if (k === 'aadpodidbinding') hit('aad-pod-identity', null, key(`${templateMeta}.labels`, k), `${k}: ${v}`);
    }
    const podAnnotations = record(at(object.raw, [...templateMeta.split('.'), 'annotations']));
    for (const [k, v] of Object.entries(podAnnotations))
      if (k.startsWith('azure.workload.identity/')) hit('workload-identity', null, key(`${templateMeta}.annotations`, k), `${k}: ${String(v)}`);
    for (const k of Object.keys(record(podSpec['nodeSelector']))) {
      if (k.startsWith('kubernetes.azure.com/') || k === 'agentpool')
        hit('aks-node-pools', null, key(`${base}.nodeSelector`, k), `${k}: ${String(record(podSpec['nodeSelector'])[k])}`);
    }
    list(podSpec['tolerations']).forEach((toleration, index) => {
      const k = str(record(toleration)['key']) ?? '';
      if (k.startsWith('kubernetes.azure.com/'))
        hit('aks-node-pools', null, `${base}.tolerations[${index}].key`, `${k}=${str(record(toleration)['value']) ?? ''}`);
    });
    const terms = list(at(podSpec, ['affinity', 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms']));
    terms.forEach((term, t) =>
      list(record(term)['matchExpressions']).forEach((expression, e) => {
        const k = str(record(expression)['key']) ?? '';
        if (k.startsWith('kubernetes.azure.com/') || k === 'agentpool')
          hit(
            'aks-node-pools',
            null,
            `${base}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[${t}].matchExpressions[${e}].key`,
            k,
          );
      }),
    );
    list(podSpec['volumes']).forEach((volume, index) => {
      const v = record(volume);
      const path = element(`${base}.volumes`, volume, index);
      const csi = record(v['csi']);
      const driver = str(csi['driver']);
      if ('azureDisk' in v) hit('azure-disk', null, `${path}.azureDisk`, 'azureDisk');
      if ('azureFile' in v || (driver && FILE_PROVISIONERS.has(driver)))
        hit('azure-files', null, driver ? `${path}.csi.driver` : `${path}.azureFile`, driver ?? 'azureFile');
      if (driver === 'secrets-store.csi.k8s.io') {
        const name = str(record(csi['volumeAttributes'])['secretProviderClass']);
        const spc = objects.find((o) => o.kind === 'SecretProviderClass' && o.namespace === object.namespace && o.name === name);
        if (spc && str(at(spc.raw, ['spec', 'provider'])) === 'azure') {
          hit(
            'key-vault',
            str(at(spc.raw, ['spec', 'parameters', 'keyvaultName']))?.toLowerCase() ?? null,
            `${path}.csi.volumeAttributes.secretProviderClass`,
            name ?? '',
          );
        }
      }
    });
    if (object.kind === 'StatefulSet') {
      list(spec['volumeClaimTemplates']).forEach((template, index) =>
        claimClass(
          record(record(template)['spec']),
          `${element('spec.volumeClaimTemplates', { name: str(at(template, ['metadata', 'name'])) }, index)}.spec.storageClassName`,
        ),
      );
    }
  }
  return hits;
}

/**
 * Finds the input's dependencies on Azure services and AKS features: endpoints in any configuration
 * text (env vars, ConfigMaps, annotations, Secret values), images, storage and ingress classes,
 * load balancer annotations, identities, Key Vault through the Secrets Store CSI driver, KEDA
 * scalers, node pools. One dependency per service and instance, with every piece of evidence and
 * the workloads that use it, in migration order (data stores and buses first).
 */
export function detectDependencies(objects: readonly InputObject[], relations: Relations): CloudDependency[] {
  const hits = objects.flatMap((object) => [...endpointHits(object), ...structuralHits(object, objects)]);
  const grouped = new Map<string, { service: string; instance: string | null; evidence: Map<string, Evidence>; usedBy: Set<string> }>();
  for (const hit of hits) {
    const id = hit.instance ? `${hit.service}:${hit.instance}` : hit.service;
    const entry = grouped.get(id) ?? { service: hit.service, instance: hit.instance, evidence: new Map(), usedBy: new Set<string>() };
    const evidence: Evidence = { object: hit.object.label, file: hit.object.file, path: hit.path, text: hit.text };
    entry.evidence.set(`${evidence.object}\u0000${evidence.path}`, evidence);
    for (const consumer of relations.consumers(hit.object)) entry.usedBy.add(consumer);
    grouped.set(id, entry);
  }
  return [...grouped.entries()]
    .map(([id, entry]): CloudDependency => {
      const service = AZURE_SERVICES[entry.service];
      if (!service) throw new Error(`no catalog entry for azure service "${entry.service}"`);
      return {
        id,
        service: service.id,
        title: service.title,
        instance: entry.instance,
        category: service.category,
        replacement: service.replacement,
        platformFeature: service.platformFeature,
        providedByPlatform: service.providedByPlatform,
        applicationChange: service.applicationChange,
        usedBy: [...entry.usedBy].sort(compare),
        evidence: [...entry.evidence.values()].sort((a, b) => compare(a.file, b.file) || compare(a.object, b.object) || compare(a.path, b.path)),
      };
    })
    .sort((a, b) => (CATEGORY_RANK[a.category] ?? 99) - (CATEGORY_RANK[b.category] ?? 99) || compare(a.id, b.id));
}
