import { type ChangeKind, deepEqual, diffFields, type FieldChange } from './field-changes.js';
import { type ClusterFiles, compareFiles, type ManifestObject, parseManifests } from '@ck8s/core';

/** An object of a cluster's output that was added, removed or changed. */
export interface ObjectChange {
  readonly change: ChangeKind;
  /** See ManifestObject.id. */
  readonly id: string;
  /** @default none: the document has no apiVersion */
  readonly apiVersion?: string;
  /** @default none: the document has no kind */
  readonly kind?: string;
  /** @default none: cluster-scoped or not a Kubernetes object */
  readonly namespace?: string;
  /** @default none: not a named Kubernetes object */
  readonly name?: string;
  /** Its file relative to the cluster folder (the old one when removed). */
  readonly file: string;
  /** The file it was in before, when it moved. @default none */
  readonly previousFile?: string;
  /** See ManifestObject.component. */
  readonly component: string;
  /** A Kubernetes Secret: its field changes name keys only. */
  readonly secret: boolean;
  /** The fields that differ; empty for an added or removed object. */
  readonly fields: readonly FieldChange[];
}

/**
 * The object-level difference between two versions of a cluster's output. Objects are matched by
 * identity (API group, kind, namespace, name), so an object that moves to another file is one change.
 */
export function diffClusterFiles(before: ClusterFiles, after: ClusterFiles): ObjectChange[] {
  const old = new Map(parseManifests(before).map((o) => [o.id, o]));
  const current = new Map(parseManifests(after).map((o) => [o.id, o]));
  const changes: ObjectChange[] = [];
  for (const [id, a] of current) {
    const b = old.get(id);
    if (!b) {
      changes.push(describe(a, 'added', []));
      continue;
    }
    const fields = compare(b, a);
    if (fields.length > 0 || a.file !== b.file) {
      changes.push({ ...describe(a, 'changed', fields), ...(a.file !== b.file ? { previousFile: b.file } : {}) });
    }
  }
  for (const [id, b] of old) if (!current.has(id)) changes.push(describe(b, 'removed', []));
  return changes.sort(compareChanges);
}

function compare(before: ManifestObject, after: ManifestObject): FieldChange[] {
  if (before.unparsable !== undefined || after.unparsable !== undefined) {
    // not YAML: its text could be anything, so only the fact of a change is reported
    return before.unparsable === after.unparsable && deepEqual(before.body, after.body)
      ? []
      : [{ path: '(document root)', change: 'changed', redacted: true }];
  }
  return diffFields(before.body, after.body, { secret: before.secret || after.secret });
}

function describe(o: ManifestObject, change: ChangeKind, fields: FieldChange[]): ObjectChange {
  return {
    change,
    id: o.id,
    ...(o.apiVersion !== undefined ? { apiVersion: o.apiVersion } : {}),
    ...(o.kind !== undefined ? { kind: o.kind } : {}),
    ...(o.namespace !== undefined ? { namespace: o.namespace } : {}),
    ...(o.name !== undefined ? { name: o.name } : {}),
    file: o.file,
    component: o.component,
    secret: o.secret,
    fields,
  };
}

function compareChanges(a: ObjectChange, b: ObjectChange): number {
  const text = (x: string | undefined, y: string | undefined): number => ((x ?? '') < (y ?? '') ? -1 : (x ?? '') > (y ?? '') ? 1 : 0);
  return compareFiles(a.file, b.file) || text(a.kind, b.kind) || text(a.namespace, b.namespace) || text(a.name, b.name) || text(a.id, b.id);
}

/** How people name an object: `ResourceQuota team-a/quota`, `Namespace team-a`, or just its kind when it has no name. */
export function objectLabel(o: Pick<ObjectChange, 'kind' | 'namespace' | 'name'>): string {
  if (o.name === undefined) return o.kind ?? 'document';
  return `${o.kind ?? 'object'} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
}
