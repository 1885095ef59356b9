import { DEFAULT_RESOURCES } from './admission-precheck.js';
import { at, compare, containersOf, type InputObject, list, podSpecOf, record, str } from './input-objects.js';
import type { Relations } from './relations.js';
import type { CloudDependency } from './scan-model.js';

/** Quota headroom over what the inventory asks for: rolling updates, growth, the odd debug pod. */
export const QUOTA_HEADROOM = 1.5;
/** The smallest pod quota the stub proposes. */
const MIN_PODS = 10;

/** The tenant data service that replaces an Azure data store or bus (`tenants[].services`). */
const DATA_SERVICE: Readonly<Record<string, string>> = {
  postgresql: 'postgresql',
  'azure-sql': 'postgresql',
  mysql: 'mariadb',
  mariadb: 'mariadb',
  redis: 'redis',
  'cosmos-db': 'tikv',
  'table-storage': 'tikv',
  'service-bus': 'rabbitmq',
  'queue-storage': 'rabbitmq',
  'event-hubs': 'nats',
};

const UNITS: Readonly<Record<string, number>> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
};

/** A Kubernetes quantity as a number (cores, bytes); 0 when unparseable. */
export function parseQuantity(value: unknown): number {
  if (typeof value === 'number') return value;
  const m = typeof value === 'string' ? /^([0-9.]+(?:e[0-9]+)?)(m|k|K|M|G|T|P|Ki|Mi|Gi|Ti|Pi)?$/.exec(value.trim()) : null;
  return m ? Number(m[1]) * (UNITS[m[2] ?? ''] ?? 0) : 0;
}

/** The most pods a workload runs: its replicas, or the maximum of a HorizontalPodAutoscaler or KEDA ScaledObject scaling it. */
function maxReplicas(workload: InputObject, objects: readonly InputObject[]): number {
  const replicas = at(workload.raw, ['spec', 'replicas']);
  let max = typeof replicas === 'number' ? replicas : 1;
  for (const o of objects) {
    if ((o.kind !== 'HorizontalPodAutoscaler' && o.kind !== 'ScaledObject') || o.namespace !== workload.namespace) continue;
    const target = record(at(o.raw, ['spec', 'scaleTargetRef']));
    if (str(target['name']) !== workload.name || (str(target['kind']) ?? 'Deployment') !== workload.kind) continue;
    const value = at(o.raw, ['spec', o.kind === 'ScaledObject' ? 'maxReplicaCount' : 'maxReplicas']);
    if (typeof value === 'number') max = Math.max(max, value);
  }
  return max;
}

function ports(values: Iterable<number>): string {
  return `[${[...new Set(values)].sort((a, b) => a - b).join(', ')}]`;
}

/**
 * The `tenants:` entries for the target's cluster.yaml, one per namespace of the input: the quota
 * sized from the inventory (requests and limits at the workloads' maximum replicas, claims; the
 * `--fix` defaults where a container declares none) with 50% headroom; the pods' ports behind
 * Ingresses and exposed Services as ingressPorts; metrics ports from prometheus.io/port and ports
 * named metrics; its Ingress hosts as the tenant's hosts; the data services the namespace needs, as
 * comments until the schema has them.
 */
export function tenantStub(objects: readonly InputObject[], relations: Relations, dependencies: readonly CloudDependency[], cluster: string): string {
  const namespaces = [...new Set(relations.workloads.map((w) => w.namespace))].sort(compare);
  const lines = [
    `# tenants for cluster ${cluster}, from \`ck8s migrate scan\`: paste under tenants: in its cluster.yaml and fill in the groups.`,
    `# quota: requests and limits at the maximum replicas (HPA/KEDA), plus ${Math.round((QUOTA_HEADROOM - 1) * 100)}% headroom.`,
  ];
  for (const ns of namespaces) {
    const workloads = relations.workloads.filter((w) => w.namespace === ns);
    let cpu = 0;
    let memory = 0;
    let pods = 0;
    const metrics = new Set<number>();
    for (const w of workloads) {
      const copies = maxReplicas(w.object, objects);
      pods += copies;
      const spec = podSpecOf(w.object) ?? {};
      for (const { container } of containersOf(spec)) {
        const requests = record(at(container, ['resources', 'requests']));
        const limits = record(at(container, ['resources', 'limits']));
        const cpuRequest = parseQuantity(requests['cpu'] ?? limits['cpu'] ?? DEFAULT_RESOURCES.cpu);
        const memoryRequest = parseQuantity(requests['memory'] ?? limits['memory'] ?? DEFAULT_RESOURCES.memory);
        cpu += copies * Math.max(cpuRequest, parseQuantity(limits['cpu'] ?? 0));
        memory += copies * Math.max(memoryRequest, parseQuantity(limits['memory'] ?? requests['memory'] ?? DEFAULT_RESOURCES.memoryLimit));
        for (const port of list(container['ports']).map(record)) {
          const name = str(port['name']) ?? '';
          if (typeof port['containerPort'] === 'number' && (name === 'metrics' || name.endsWith('-metrics'))) metrics.add(port['containerPort']);
        }
      }
      const annotation = Number(
        record(at(w.object.raw, w.object.kind === 'Pod' ? ['metadata', 'annotations'] : ['spec', 'template', 'metadata', 'annotations']))[
          'prometheus.io/port'
        ],
      );
      if (Number.isInteger(annotation) && annotation > 0) metrics.add(annotation);
    }
    let storage = 0;
    for (const o of objects) {
      if (o.kind === 'PersistentVolumeClaim' && o.namespace === ns) storage += parseQuantity(at(o.raw, ['spec', 'resources', 'requests', 'storage']));
    }
    for (const w of workloads.filter((x) => x.object.kind === 'StatefulSet')) {
      for (const t of list(at(w.object.raw, ['spec', 'volumeClaimTemplates'])))
        storage += maxReplicas(w.object, objects) * parseQuantity(at(t, ['spec', 'resources', 'requests', 'storage']));
    }

    const ingress = new Set<number>();
    const exposed = objects.filter(
      (o) =>
        o.kind === 'Service' &&
        o.namespace === ns &&
        (isExposedByIngress(o, objects) || ['LoadBalancer', 'NodePort'].includes(str(at(o.raw, ['spec', 'type'])) ?? '')),
    );
    for (const service of exposed) {
      const selected = relations.selected(ns, at(service.raw, ['spec', 'selector']));
      for (const port of list(at(service.raw, ['spec', 'ports'])).map(record)) {
        const target = port['targetPort'] ?? port['port'];
        if (typeof target === 'number') ingress.add(target);
        else if (typeof target === 'string') {
          for (const w of selected) {
            for (const { container } of containersOf(podSpecOf(w.object) ?? {})) {
              for (const p of list(container['ports']).map(record))
                if (p['name'] === target && typeof p['containerPort'] === 'number') ingress.add(p['containerPort']);
            }
          }
        }
      }
    }

    const hosts = [
      ...new Set(
        objects
          .filter((o) => o.kind === 'Ingress' && o.namespace === ns)
          .flatMap((o) =>
            list(at(o.raw, ['spec', 'rules']))
              .map((r) => str(record(r)['host']))
              .filter((h): h is string => !!h),
          ),
      ),
    ].sort(compare);

    const gib = 2 ** 30;
    lines.push(
      `- name: ${ns}${ns === 'default' ? '   # default cannot be a tenant namespace: choose a name' : ''}`,
      '  adminGroups: []   # the OIDC groups that administer the namespace',
      '  viewGroups: []',
      '  quota:',
      `    cpu: "${Math.max(1, Math.ceil(cpu * QUOTA_HEADROOM))}"`,
      `    memory: ${Math.max(1, Math.ceil((memory * QUOTA_HEADROOM) / gib))}Gi`,
      `    storage: ${Math.max(1, Math.ceil((storage * QUOTA_HEADROOM) / gib))}Gi`,
      `    pods: ${Math.max(MIN_PODS, Math.ceil(pods * QUOTA_HEADROOM))}`,
      `  ingressPorts: ${ports(ingress)}`,
      `  metricsPorts: ${ports(metrics)}`,
      ...(hosts.length > 0 ? [`  hosts: [${hosts.join(', ')}]   # the Ingress hosts; the DNS names must point at the platform ingress`] : []),
    );
    const services = new Map<string, string[]>();
    for (const d of dependencies) {
      const service = DATA_SERVICE[d.service];
      const users = d.usedBy.filter((u) => u.startsWith(`${ns}/`));
      if (!service || users.length === 0) continue;
      services.set(service, [...(services.get(service) ?? []), `${d.title}${d.instance ? ` ${d.instance}` : ''} (${users.join(', ')})`]);
    }
    if (services.size > 0) {
      lines.push('  # data services the namespace needs (tenants[].services, planned in the platform):');
      for (const [service, replaces] of [...services.entries()].sort((a, b) => compare(a[0], b[0])))
        lines.push(`  #   ${service}: replaces ${replaces.join('; ')}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function isExposedByIngress(service: InputObject, objects: readonly InputObject[]): boolean {
  return objects.some(
    (o) =>
      o.kind === 'Ingress' &&
      o.namespace === service.namespace &&
      [
        record(at(o.raw, ['spec', 'defaultBackend'])),
        ...list(at(o.raw, ['spec', 'rules'])).flatMap((r) => list(at(r, ['http', 'paths'])).map((p) => record(record(p)['backend']))),
      ].some((b) => (str(at(b, ['service', 'name'])) ?? str(b['serviceName'])) === service.name),
  );
}
