import { alignSequences } from './align-sequences.js';
import { formatFieldPath, type PathSegment } from './field-path.js';

export type ChangeKind = 'added' | 'removed' | 'changed';

/** One field that differs between two versions of an object. */
export interface FieldChange {
  /** Where, e.g. `spec.hard.cpu`, `metadata.labels["app.kubernetes.io/name"]`, `spec.containers[name=app].image`. */
  readonly path: string;
  readonly change: ChangeKind;
  /** The old value; absent when the field was added or the value is redacted. */
  readonly before?: unknown;
  /** The new value; absent when the field was removed or the value is redacted. */
  readonly after?: unknown;
  /**
   * True when the values are secret (a Secret's data, sops metadata, anything that looks like
   * ciphertext): only the path is reported, and neither value is kept, so no renderer can show it.
   */
  readonly redacted?: true;
}

export interface FieldDiffOptions {
  /** The document is a Kubernetes Secret: keys under `data` and `stringData` are reported by name only. @default false */
  readonly secret?: boolean;
}

/** sops metadata fields that hold neither a secret nor ciphertext, so their values may be shown. */
const SOPS_PUBLIC_FIELDS = new Set([
  'lastmodified',
  'version',
  'encrypted_regex',
  'unencrypted_regex',
  'encrypted_suffix',
  'unencrypted_suffix',
  'encrypted_comment_regex',
  'unencrypted_comment_regex',
  'mac_only_encrypted',
  'recipient',
]);

/** Fields that identify an element of a list of mappings (containers, env, ports, sops recipients). */
const LIST_KEYS = ['name', 'recipient'];

const TOP_LEVEL_FIRST = ['apiVersion', 'kind', 'metadata'];

/** The fields that differ between two versions of a parsed document, in document order. */
export function diffFields(before: unknown, after: unknown, options: FieldDiffOptions = {}): FieldChange[] {
  const out: FieldChange[] = [];
  walk(before, after, [], out, options.secret ?? false);
  return out;
}

function walk(before: unknown, after: unknown, path: PathSegment[], out: FieldChange[], secret: boolean): void {
  if (deepEqual(before, after)) return;
  if (secret && path.length === 1 && (path[0] === 'data' || path[0] === 'stringData')) {
    secretKeys(before, after, path, out);
    return;
  }
  if (isMapping(before) && isMapping(after)) {
    for (const key of orderedKeys(before, after, path.length === 0)) {
      const segment = [...path, key];
      if (!Object.hasOwn(before, key)) emit(out, segment, 'added', undefined, after[key]);
      else if (!Object.hasOwn(after, key)) emit(out, segment, 'removed', before[key], undefined);
      else walk(before[key], after[key], segment, out, secret);
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    walkList(before, after, path, out, secret);
    return;
  }
  emit(out, path, 'changed', before, after);
}

/** A Secret's keys are named, never valued: not even ciphertext, which shows when a value changed. */
function secretKeys(before: unknown, after: unknown, path: PathSegment[], out: FieldChange[]): void {
  const a = isMapping(before) ? before : {};
  const b = isMapping(after) ? after : {};
  if ((before !== undefined && !isMapping(before)) || (after !== undefined && !isMapping(after))) {
    out.push({ path: formatFieldPath(path), change: before === undefined ? 'added' : after === undefined ? 'removed' : 'changed', redacted: true });
    return;
  }
  for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const change: ChangeKind | undefined = !Object.hasOwn(a, key)
      ? 'added'
      : !Object.hasOwn(b, key)
        ? 'removed'
        : deepEqual(a[key], b[key])
          ? undefined
          : 'changed';
    if (change) out.push({ path: formatFieldPath([...path, key]), change, redacted: true });
  }
}

function walkList(before: unknown[], after: unknown[], path: PathSegment[], out: FieldChange[], secret: boolean): void {
  const field = listKey(before, after);
  if (field) {
    const old = new Map(before.map((e) => [(e as Record<string, string>)[field]!, e]));
    const current = new Set(after.map((e) => (e as Record<string, string>)[field]!));
    for (const element of after) {
      const value = (element as Record<string, string>)[field]!;
      const segment = [...path, { field, value }];
      if (old.has(value)) walk(old.get(value), element, segment, out, secret);
      else emit(out, segment, 'added', undefined, element);
    }
    for (const [value, element] of old) if (!current.has(value)) emit(out, [...path, { field, value }], 'removed', element, undefined);
    return;
  }
  // a run of removals and additions between kept elements pairs up as changes, so an edited
  // element without a name (an audit rule, a port) shows its changed fields, not remove + add
  const steps = alignSequences(before, after, deepEqual);
  let removed: number[] = [];
  let added: number[] = [];
  const flush = (): void => {
    const paired = Math.min(removed.length, added.length);
    for (let k = 0; k < paired; k++) walk(before[removed[k]!], after[added[k]!], [...path, added[k]!], out, secret);
    for (const i of removed.slice(paired)) emit(out, [...path, i], 'removed', before[i], undefined);
    for (const j of added.slice(paired)) emit(out, [...path, j], 'added', undefined, after[j]);
    removed = [];
    added = [];
  };
  for (const step of steps) {
    if (step.op === 'same') flush();
    else if (step.op === 'removed') removed.push(step.a);
    else added.push(step.b);
  }
  flush();
}

/** The field that identifies every element of both lists, uniquely and in the same relative order; else none. */
function listKey(before: unknown[], after: unknown[]): string | undefined {
  for (const field of LIST_KEYS) {
    const keys = (list: unknown[]): string[] | undefined => {
      const values = list.map((e) => (isMapping(e) && typeof e[field] === 'string' ? e[field] : undefined));
      if (values.some((v) => v === undefined) || new Set(values).size !== values.length) return undefined;
      return values as string[];
    };
    const a = keys(before);
    const b = keys(after);
    if (!a || !b || (a.length === 0 && b.length === 0)) continue;
    const inB = new Set(b);
    const inA = new Set(a);
    const commonA = a.filter((k) => inB.has(k));
    const commonB = b.filter((k) => inA.has(k));
    if (commonA.every((k, i) => k === commonB[i])) return field;
  }
  return undefined;
}

function emit(out: FieldChange[], path: PathSegment[], change: ChangeKind, before: unknown, after: unknown): void {
  const formatted = formatFieldPath(path);
  if (isRedacted(path, before, after)) {
    out.push({ path: formatted, change, redacted: true });
    return;
  }
  out.push({
    path: formatted,
    change,
    ...(change !== 'added' ? { before } : {}),
    ...(change !== 'removed' ? { after } : {}),
  });
}

function isRedacted(path: PathSegment[], before: unknown, after: unknown): boolean {
  if (looksEncrypted(before) || looksEncrypted(after)) return true;
  if (path[0] !== 'sops') return false;
  // sops metadata: only plain public fields keep their values; data keys and MACs never do
  const last = [...path].reverse().find((s): s is string => typeof s === 'string');
  const scalar = (v: unknown): boolean => v === undefined || v === null || typeof v !== 'object';
  return !(last !== undefined && SOPS_PUBLIC_FIELDS.has(last) && scalar(before) && scalar(after));
}

/** Whether a value holds sops or age ciphertext anywhere. */
export function looksEncrypted(value: unknown): boolean {
  if (typeof value === 'string')
    return /ENC\[[A-Za-z0-9_]+,data:/.test(value) || value.includes('BEGIN AGE ENCRYPTED FILE') || value.includes('BEGIN PGP MESSAGE');
  if (Array.isArray(value)) return value.some(looksEncrypted);
  if (isMapping(value)) return Object.values(value).some(looksEncrypted);
  return false;
}

function orderedKeys(before: Record<string, unknown>, after: Record<string, unknown>, topLevel: boolean): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  if (!topLevel) return keys;
  return [...TOP_LEVEL_FIRST.filter((k) => keys.includes(k)), ...keys.filter((k) => !TOP_LEVEL_FIRST.includes(k))];
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Structural equality of parsed YAML; the order of mapping keys does not matter. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isMapping(a) && isMapping(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}
