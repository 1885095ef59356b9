import { at, compare, containersOf, type InputObject, list, podSpecOf, record, str } from './input-objects.js';
import { ingressClassOf, type Relations } from './relations.js';
import type {
  ContainerInventory,
  IngressInventory,
  Inventory,
  NamespaceInventory,
  ServiceInventory,
  StorageInventory,
  WorkloadInventory,
} from './scan-model.js';

/** Registry host of an image reference, as a container runtime reads it. */
export function registryOf(image: string): string {
  const first = image.split('/')[0] ?? '';
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
}

function quantities(value: unknown): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record(value))
      .map(([k, v]) => [k, String(v)] as const)
      .sort((a, b) => compare(a[0], b[0])),
  );
}

function containerInventory(container: Record<string, unknown>): ContainerInventory {
  const image = str(container['image']) ?? '';
  return {
    name: str(container['name']) ?? '',
    image,
    registry: registryOf(image),
    requests: quantities(at(container, ['resources', 'requests'])),
    limits: quantities(at(container, ['resources', 'limits'])),
    ports: list(container['ports'])
      .map((p) => record(p)['containerPort'])
      .filter((p): p is number => typeof p === 'number')
      .sort((a, b) => a - b),
  };
}

/** Declared replicas; 1 when unset (and for kinds without replicas). */
export function replicasOf(object: InputObject): number {
  const replicas = at(object.raw, ['spec', 'replicas']);
  return typeof replicas === 'number' ? replicas : 1;
}

/** Workloads, Services, Ingresses, storage and config per namespace; ConfigMaps and Secrets by name only. */
export function buildInventory(objects: readonly InputObject[], relations: Relations): Inventory {
  const namespaces = new Map<
    string,
    {
      workloads: WorkloadInventory[];
      services: ServiceInventory[];
      ingresses: IngressInventory[];
      storage: StorageInventory[];
      configMaps: string[];
      secrets: string[];
    }
  >();
  const bucket = (name: string) => {
    let entry = namespaces.get(name);
    if (!entry) namespaces.set(name, (entry = { workloads: [], services: [], ingresses: [], storage: [], configMaps: [], secrets: [] }));
    return entry;
  };
  const registries: Record<string, number> = {};

  for (const w of relations.workloads) {
    const containers = containersOf(podSpecOf(w.object) ?? {});
    const inventory: WorkloadInventory = {
      id: w.id,
      kind: w.object.kind,
      namespace: w.namespace,
      name: w.object.name,
      file: w.object.file,
      replicas: replicasOf(w.object),
      containers: containers.filter((c) => c.field === 'containers').map((c) => containerInventory(c.container)),
      initContainers: containers.filter((c) => c.field === 'initContainers').map((c) => containerInventory(c.container)),
      serviceAccount: w.serviceAccount === 'default' ? null : w.serviceAccount,
      configMaps: [...w.configMaps].sort(compare),
      secrets: [...w.secrets].sort(compare),
      persistentVolumeClaims: [...w.claims].sort(compare),
    };
    for (const c of [...inventory.containers, ...inventory.initContainers]) registries[c.registry] = (registries[c.registry] ?? 0) + 1;
    bucket(w.namespace).workloads.push(inventory);
    if (w.object.kind === 'StatefulSet') {
      for (const template of list(at(w.object.raw, ['spec', 'volumeClaimTemplates'])).map(record)) {
        bucket(w.namespace).storage.push({
          namespace: w.namespace,
          name: `${w.object.name}/${str(at(template, ['metadata', 'name'])) ?? ''}`,
          storageClass: str(at(template, ['spec', 'storageClassName'])) ?? null,
          size: str(at(template, ['spec', 'resources', 'requests', 'storage'])) ?? null,
          accessModes: list(at(template, ['spec', 'accessModes'])).filter((m): m is string => typeof m === 'string'),
          copies: inventory.replicas,
        });
      }
    }
  }

  const clusterObjects: string[] = [];
  for (const object of objects) {
    if (object.namespace === null && object.kind !== 'Namespace') {
      clusterObjects.push(object.label);
      continue;
    }
    const ns = object.namespace ?? object.name;
    const spec = record(object.raw['spec']);
    switch (object.kind) {
      case 'Namespace':
        bucket(ns);
        break;
      case 'Service':
        bucket(ns).services.push({
          namespace: ns,
          name: object.name,
          type: str(spec['type']) ?? 'ClusterIP',
          ports: list(spec['ports']).map((p) => {
            const port = record(p);
            const nodePort = port['nodePort'];
            return {
              port: Number(port['port']),
              targetPort:
                typeof port['targetPort'] === 'number' || typeof port['targetPort'] === 'string' ? port['targetPort'] : Number(port['port']),
              ...(typeof nodePort === 'number' ? { nodePort } : {}),
            };
          }),
          workloads: relations.consumers(object),
        });
        break;
      case 'Ingress': {
        const hosts = [
          ...new Set(
            list(spec['rules'])
              .map((r) => str(record(r)['host']))
              .filter((h): h is string => h !== undefined),
          ),
        ].sort(compare);
        const backends = list(spec['rules'])
          .flatMap((rule) => list(at(rule, ['http', 'paths'])).map((p) => record(record(p)['backend'])))
          .map((b) => ({
            service: str(at(b, ['service', 'name'])) ?? str(b['serviceName']) ?? '',
            port: (at(b, ['service', 'port', 'number']) ?? at(b, ['service', 'port', 'name']) ?? b['servicePort'] ?? '') as string | number,
          }));
        bucket(ns).ingresses.push({ namespace: ns, name: object.name, className: ingressClassOf(object), hosts, backends });
        break;
      }
      case 'PersistentVolumeClaim':
        bucket(ns).storage.push({
          namespace: ns,
          name: object.name,
          storageClass: str(spec['storageClassName']) ?? null,
          size: str(at(spec, ['resources', 'requests', 'storage'])) ?? null,
          accessModes: list(spec['accessModes']).filter((m): m is string => typeof m === 'string'),
          copies: 1,
        });
        break;
      case 'ConfigMap':
        bucket(ns).configMaps.push(object.name);
        break;
      case 'Secret':
        bucket(ns).secrets.push(object.name);
        break;
      default:
        break;
    }
  }

  const byName = <T extends { name: string }>(items: T[]) => items.sort((a, b) => compare(a.name, b.name));
  const result: NamespaceInventory[] = [...namespaces.entries()]
    .sort((a, b) => compare(a[0], b[0]))
    .map(([name, entry]) => ({
      name,
      workloads: entry.workloads.sort((a, b) => compare(a.name, b.name) || compare(a.kind, b.kind)),
      services: byName(entry.services),
      ingresses: byName(entry.ingresses),
      storage: byName(entry.storage),
      configMaps: [...new Set(entry.configMaps)].sort(compare),
      secrets: [...new Set(entry.secrets)].sort(compare),
    }));
  return {
    namespaces: result,
    clusterObjects: [...new Set(clusterObjects)].sort(compare),
    registries: Object.fromEntries(Object.entries(registries).sort((a, b) => compare(a[0], b[0]))),
  };
}
