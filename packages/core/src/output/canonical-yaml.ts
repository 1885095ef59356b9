import { stringify } from 'yaml';

const TOP_LEVEL_FIRST = ['apiVersion', 'kind', 'metadata'];
const METADATA_FIRST = ['name', 'namespace'];

function orderKeys(keys: string[], first: readonly string[]): string[] {
  const head = first.filter((k) => keys.includes(k));
  const tail = keys.filter((k) => !first.includes(k)).sort();
  return [...head, ...tail];
}

/** Deep copy with keys in a fixed order: apiVersion, kind, metadata (name, namespace first), then alphabetical. */
export function canonicalize(value: unknown, depth = 0, parentKey?: string): unknown {
  if (Array.isArray(value)) return value.map((v) => canonicalize(v, depth + 1));
  if (value === null || typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  const first = depth === 0 ? TOP_LEVEL_FIRST : parentKey === 'metadata' && depth === 1 ? METADATA_FIRST : [];
  const out: Record<string, unknown> = {};
  for (const key of orderKeys(Object.keys(source), first)) {
    if (source[key] !== undefined) out[key] = canonicalize(source[key], depth + 1, key);
  }
  return out;
}

/**
 * Serializes objects as a YAML stream, byte-identical for identical input. YAML 1.1 quoting
 * keeps strings such as "on" or "0755" strings for the Go YAML parsers that read them later.
 */
export function toYamlStream(objects: readonly unknown[]): string {
  return objects
    .map((o) => stringify(canonicalize(o), { version: '1.1', lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false, indentSeq: true }))
    .join('---\n');
}

/** Serializes one plain data document (no Kubernetes key order), e.g. a kustomization.yaml. */
export function toYamlDocument(data: unknown): string {
  return stringify(data, { version: '1.1', lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false, indentSeq: true });
}
