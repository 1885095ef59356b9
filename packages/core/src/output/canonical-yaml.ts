import { CORE_SCHEMA, dump, Type } from 'js-yaml';
import { yamlPackage } from '../config/yaml-package.js';

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
  return objects.map(documentText).join('---\n');
}

/**
 * Plain scalars that a YAML 1.1 reader (the Go parsers of Kubernetes, Flux and kubeconform) takes
 * for a number, a boolean, null or a timestamp, beyond what js-yaml's own YAML 1.2 schema quotes
 * already: digits with underscores, `+.5`, base 60, `0b` and the 1.1 booleans. From the YAML 1.1
 * type repository (yaml.org/type/{bool,int,float,null,timestamp,merge,value}); floats as PyYAML
 * reads them (one dot: "9.1.0" stays a plain string, as for the Go parsers).
 */
const YAML_11_FORMS = [
  '[-+]?0b[01_]+',
  '[-+]?0[0-7_]+',
  '[-+]?(?:0|[1-9][0-9_]*)',
  '[-+]?0x[0-9a-fA-F_]+',
  '[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+',
  '[-+]?(?:[0-9][0-9_]*)?\\.[0-9_]*(?:[eE][-+]?[0-9]+)?',
  '[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+',
  '[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*',
  '[-+]?\\.(?:inf|Inf|INF)',
  '\\.(?:nan|NaN|NAN)',
  'y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF',
  '~|null|Null|NULL|',
  '[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \\t]+).*',
  '[0-9]{4}-[0-9]{2}-[0-9]{2}',
  '<<|=',
];
const YAML_11_PLAIN = new RegExp(`^(?:${YAML_11_FORMS.map((form) => `(?:${form})`).join('|')})$`);

/**
 * js-yaml quotes a string when a type of the schema would read it as plain: this type, never used
 * to read, makes it quote the YAML 1.1 forms too. It covers the timestamps and the merge key, so
 * the schema is the core one without js-yaml's own timestamp and merge types, whose patterns every
 * string written would otherwise be tested against as well.
 */
const DUMP_SCHEMA = CORE_SCHEMA.extend({
  implicit: [new Type('tag:ck8s.io,2025:yaml-1.1-plain', { kind: 'scalar', resolve: (data: string) => YAML_11_PLAIN.test(data) })],
});

/**
 * js-yaml writes YAML several times faster than the yaml package; double quotes where quotes
 * are needed, no folding, no anchors. Keys are already in canonical order.
 */
const DUMP_OPTIONS = { schema: DUMP_SCHEMA, lineWidth: -1, noRefs: true, quotingType: '"' } as const;

/**
 * Texts of documents already written in this process, by their JSON (compared whole: no hash to collide). A
 * fleet's clusters share most objects (policies, dashboards, alert rules, CRD-heavy chart values),
 * and writing YAML is the costliest step of a synth, so each distinct object is written once.
 * Bounded: cleared when keys and texts hold more than CACHE_LIMIT characters.
 */
const written = new Map<string, string>();
let writtenSize = 0;
const CACHE_LIMIT = 64 * 1024 * 1024;

/**
 * Whether JSON tells the value apart from every other value canonicalize can be given: plain
 * objects and lists of strings, booleans, null and finite numbers other than -0 (no Dates or other
 * class instances, whose JSON is not what canonicalize keeps of them; undefined only as a field,
 * which both leave out).
 */
function jsonExact(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object':
      if (value === null) return true;
      if (Array.isArray(value)) return value.every(jsonExact);
      if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return false;
      for (const field of Object.values(value)) if (field !== undefined && !jsonExact(field)) return false;
      return true;
    default:
      return false;
  }
}

/** The canonical YAML of one object; the same JSON gives the same text, so it is looked up first. */
function documentText(object: unknown): string {
  const key = jsonExact(object) ? JSON.stringify(object) : undefined;
  const cached = key === undefined ? undefined : written.get(key);
  if (cached !== undefined) return cached;
  const text = dump(canonicalize(object), DUMP_OPTIONS);
  if (key !== undefined) {
    if (writtenSize > CACHE_LIMIT) {
      written.clear();
      writtenSize = 0;
    }
    written.set(key, text);
    writtenSize += key.length + text.length;
  }
  return text;
}

/** Serializes one plain data document (no Kubernetes key order), e.g. a kustomization.yaml. */
export function toYamlDocument(data: unknown): string {
  return yamlPackage().stringify(data, { version: '1.1', lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false, indentSeq: true });
}
