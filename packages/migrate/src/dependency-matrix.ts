import { STEP_CATEGORIES } from './azure-services.js';
import { compare, type InputObject, podSpecOf, record } from './input-objects.js';
import { redact } from './redact.js';
import type { Relations, WorkloadRefs } from './relations.js';
import type { CloudDependency, MatrixRow, MigrationStep, WorkloadLink } from './scan-model.js';

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Configuration text a workload reads: its pod spec and the ConfigMaps it references, with field paths. */
function workloadTexts(workload: WorkloadRefs, objects: readonly InputObject[]): { object: InputObject; path: string; text: string }[] {
  const out: { object: InputObject; path: string; text: string }[] = [];
  const walk = (object: InputObject, value: unknown, path: string) => {
    if (typeof value === 'string') out.push({ object, path, text: value });
    else if (Array.isArray(value))
      value.forEach((item, i) =>
        walk(object, item, `${path}[${typeof record(item)['name'] === 'string' ? `name=${String(record(item)['name'])}` : i}]`),
      );
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value))
        walk(object, v, /^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`);
  };
  walk(
    workload.object,
    podSpecOf(workload.object),
    workload.object.kind === 'Pod' ? 'spec' : workload.object.kind === 'CronJob' ? 'spec.jobTemplate.spec.template.spec' : 'spec.template.spec',
  );
  for (const cm of objects) {
    if (cm.kind === 'ConfigMap' && (cm.namespace ?? 'default') === workload.namespace && workload.configMaps.has(cm.name))
      walk(cm, record(cm.raw['data']), 'data');
  }
  return out;
}

/**
 * A Service's DNS names as clients write them: the qualified forms anywhere, the short name only
 * from the same namespace and only as a URL host or `name:port`, so a queue called like a
 * Service is not taken for it (a bare host name in a variable of its own is missed instead).
 */
function servicePatterns(name: string, namespace: string, sameNamespace: boolean): RegExp[] {
  const end = '(?=[:/\\s"\',;?]|$)';
  const qualified = new RegExp(`(?<![a-z0-9.-])${escape(name)}\\.${escape(namespace)}(?:\\.svc(?:\\.cluster\\.local)?)?${end}`, 'i');
  if (!sameNamespace) return [qualified];
  return [qualified, new RegExp(`://${escape(name)}(?::\\d+)?${end}`, 'i'), new RegExp(`(?<![a-z0-9.-])${escape(name)}:\\d+${end}`, 'i')];
}

/** Which workload uses which other workload, by the Service DNS names in its configuration. */
export function workloadLinks(objects: readonly InputObject[], relations: Relations): Map<string, WorkloadLink[]> {
  const services = objects.filter((o) => o.kind === 'Service');
  const links = new Map<string, WorkloadLink[]>();
  for (const workload of relations.workloads) {
    const found = new Map<string, WorkloadLink>();
    const texts = workloadTexts(workload, objects);
    for (const service of services) {
      const ns = service.namespace ?? 'default';
      const targets = relations.selected(ns, record(service.raw['spec'])['selector']).filter((t) => t.id !== workload.id);
      if (targets.length === 0) continue;
      const patterns = servicePatterns(service.name, ns, ns === workload.namespace);
      const hit = texts.find(({ text }) => patterns.some((p) => p.test(text)));
      if (!hit) continue;
      for (const target of targets) {
        if (found.has(target.id)) continue;
        found.set(target.id, {
          workload: target.id,
          service: `${ns}/${service.name}`,
          evidence: { object: hit.object.label, file: hit.object.file, path: hit.path, text: redact(hit.text) },
        });
      }
    }
    links.set(
      workload.id,
      [...found.values()].sort((a, b) => compare(a.workload, b.workload)),
    );
  }
  return links;
}

/** One row per workload: the cloud dependencies it uses and the workloads it calls. */
export function dependencyMatrix(relations: Relations, dependencies: readonly CloudDependency[], links: Map<string, WorkloadLink[]>): MatrixRow[] {
  return relations.workloads.map((w) => ({
    workload: w.id,
    kind: w.object.kind,
    dependencies: dependencies.filter((d) => d.usedBy.includes(w.id)).map((d) => d.id),
    workloads: links.get(w.id) ?? [],
  }));
}

/**
 * The white paper's planning and ranking step: first stand up the replacements of data stores and
 * buses (then object storage, secrets, registry, observability, external APIs), then move the
 * workloads, each after the workloads it calls (a cycle is broken at its first workload by name).
 */
export function migrationOrder(dependencies: readonly CloudDependency[], matrix: readonly MatrixRow[]): MigrationStep[] {
  const steps: Omit<MigrationStep, 'step'>[] = [];
  for (const d of dependencies) {
    if (!STEP_CATEGORIES.has(d.category)) continue;
    steps.push({
      type: 'service',
      id: d.id,
      title: `${d.title}${d.instance ? ` ${d.instance}` : ''} → ${d.replacement}`,
      reason: `${d.category}${d.usedBy.length > 0 ? `, used by ${d.usedBy.join(', ')}` : ''}`,
    });
  }
  const remaining = new Map(matrix.map((row) => [row.workload, new Set(row.workloads.map((l) => l.workload))]));
  const done = new Set<string>();
  while (remaining.size > 0) {
    const ready = [...remaining.entries()]
      .filter(([, needs]) => [...needs].every((n) => done.has(n) || !remaining.has(n)))
      .map(([id]) => id)
      .sort(compare);
    const cycle = ready.length === 0;
    const next = cycle ? [...remaining.keys()].sort(compare).slice(0, 1) : ready;
    for (const id of next) {
      const row = matrix.find((r) => r.workload === id);
      const calls = row?.workloads.map((l) => l.workload) ?? [];
      const uses = row?.dependencies ?? [];
      const reasons = [
        calls.length > 0 ? `after ${calls.join(', ')} (calls ${calls.length === 1 ? 'it' : 'them'})` : 'calls no other workload',
        ...(cycle
          ? [
              `breaks a dependency cycle with ${[...(remaining.get(id) ?? [])]
                .filter((n) => remaining.has(n))
                .sort(compare)
                .join(', ')}`,
            ]
          : []),
        ...(uses.length > 0 ? [`needs ${uses.join(', ')}`] : []),
      ];
      steps.push({ type: 'workload', id, title: `${row?.kind ?? 'workload'} ${id}`, reason: reasons.join('; ') });
      remaining.delete(id);
      done.add(id);
    }
  }
  return steps.map((s, i) => ({ step: i + 1, ...s }));
}
