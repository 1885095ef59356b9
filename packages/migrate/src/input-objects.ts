import type { ManifestDocument } from '@ck8s/policy';
import { objectLabel, type ObjectRef } from './scan-model.js';

/** A Kubernetes object of the input with the file it came from. */
export interface InputObject extends ObjectRef {
  readonly apiVersion: string;
  readonly raw: Record<string, unknown>;
  /** `Deployment shop/catalog-api`. */
  readonly label: string;
}

/** Kinds that run pods, with the path of their pod template's spec. */
export const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The value at a path of keys, or undefined. */
export function at(value: unknown, keys: readonly string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}

/**
 * The input's Kubernetes objects. Pods owned by a controller in the input (a `kubectl get -A`
 * dump lists both) are left out, and so are ReplicaSets owned by a Deployment: the owner is the
 * workload to migrate.
 */
export function inputObjects(documents: readonly ManifestDocument[]): InputObject[] {
  const objects: InputObject[] = [];
  for (const { file, object } of documents) {
    if (!isRecord(object)) continue;
    const metadata = record(object['metadata']);
    const kind = str(object['kind']) ?? '';
    const name = str(metadata['name']) ?? '';
    if (!kind || !name) continue;
    if (
      (kind === 'Pod' || kind === 'ReplicaSet' || kind === 'Job') &&
      list(metadata['ownerReferences']).some((owner) => record(owner)['controller'] === true)
    )
      continue;
    const namespace = str(metadata['namespace']) ?? null;
    const ref = { kind, namespace, name, file };
    objects.push({ ...ref, apiVersion: str(object['apiVersion']) ?? '', raw: object, label: objectLabel(ref) });
  }
  return objects;
}

/** The pod spec of a workload, or undefined for other kinds. */
export function podSpecOf(object: InputObject): Record<string, unknown> | undefined {
  const path = POD_SPEC_PATHS[object.kind];
  if (!path) return undefined;
  const spec = at(object.raw, path);
  return isRecord(spec) ? spec : undefined;
}

/** The pod template's labels (a Pod's own labels). */
export function podLabelsOf(object: InputObject): Record<string, string> {
  const path = POD_SPEC_PATHS[object.kind];
  if (!path) return {};
  const metadataPath = object.kind === 'Pod' ? ['metadata'] : [...path.slice(0, -1), 'metadata'];
  const labels = record(at(object.raw, [...metadataPath, 'labels']));
  return Object.fromEntries(Object.entries(labels).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** The dotted path of the pod spec (`spec.template.spec`). */
export function podSpecPath(object: InputObject): string {
  return (POD_SPEC_PATHS[object.kind] ?? []).join('.');
}

/** `namespace/name` of a workload. */
export function workloadId(object: Pick<ObjectRef, 'namespace' | 'name'>): string {
  return `${object.namespace ?? 'default'}/${object.name}`;
}

/** Containers and init containers with their field path names (`containers[name=web]`). */
export function containersOf(spec: Record<string, unknown>): { field: 'containers' | 'initContainers'; container: Record<string, unknown> }[] {
  return (['initContainers', 'containers'] as const).flatMap((field) =>
    list(spec[field])
      .filter(isRecord)
      .map((container) => ({ field, container })),
  );
}

/** Byte order for stable output whatever the locale. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
