import { schemaFileName } from './schema-file-name.js';

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

/** One kubeconform schema folder flavour: `standalone` or `standalone-strict`. */
export type SchemaVariant = 'standalone' | 'standalone-strict';

export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/** The schema files of one variant, keyed by file name (e.g. `deployment-apps-v1.json`). */
export type SchemaFiles = ReadonlyMap<string, string>;

const GVK_EXTENSION = 'x-kubernetes-group-version-kind';
const DEFINITIONS_PREFIX = '#/definitions/';
// Pinned rather than left to kubeconform's default draft, so the files mean the same to any validator.
const SCHEMA_DIALECT = 'http://json-schema.org/draft-04/schema#';
// Suffix of the definition that is `<definition>` or null: what an optional property refers to.
const NULLABLE_SUFFIX = '.or-null';
// Stands in for the definitions block while the rest of a file is stringified; see render().
const DEFINITIONS_PLACEHOLDER = '\u0000ck8s-definitions\u0000';

// Keywords whose values are schemas; every other keyword holds plain data (names, enums, defaults).
const SCHEMA_MAP_KEYWORDS = new Set(['properties', 'patternProperties', 'definitions']);
const SCHEMA_LIST_KEYWORDS = new Set(['allOf', 'anyOf', 'oneOf']);
const SCHEMA_KEYWORDS = new Set(['items', 'additionalProperties', 'additionalItems', 'not']);

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep copy with object keys sorted, so equal input always stringifies to the same bytes. */
function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]!);
  return out;
}

/** Calls `visit` on every schema nested in `schema` (not on plain data that merely looks like one). */
function forEachSubschema(schema: JsonObject, visit: (sub: Json) => void): void {
  for (const [key, value] of Object.entries(schema)) {
    if (SCHEMA_MAP_KEYWORDS.has(key) && isObject(value)) Object.values(value).forEach(visit);
    else if (SCHEMA_LIST_KEYWORDS.has(key) && Array.isArray(value)) value.forEach(visit);
    else if (SCHEMA_KEYWORDS.has(key)) (Array.isArray(value) ? value : [value]).forEach(visit);
  }
}

/**
 * Converts a Kubernetes OpenAPI `definitions` map into kubeconform's standalone schemas, the way
 * openapi2jsonschema does, but walking only real schema positions: JSONSchemaProps has properties
 * named `properties`, `$ref` and `additionalProperties`, which a blind recursive rewrite corrupts.
 */
export class KubernetesSchemaConverter {
  private readonly refs = new Map<string, readonly string[]>();
  private readonly rendered = new Map<string, string>();
  private readonly transformed = new Map<string, JsonObject>();

  constructor(private readonly definitions: Readonly<Record<string, JsonObject>>) {
    const clash = Object.keys(definitions).find((name) => name.endsWith(NULLABLE_SUFFIX));
    if (clash !== undefined)
      throw new Error(`definition ${clash} ends with ${NULLABLE_SUFFIX}, the suffix reserved for the nullable variants of definitions`);
  }

  get definitionCount(): number {
    return Object.keys(this.definitions).length;
  }

  /**
   * Parses the text of a `_definitions.json` / swagger file.
   * @throws Error when it has no `definitions` object
   */
  static parse(text: string, displayPath: string): KubernetesSchemaConverter {
    let parsed: Json;
    try {
      parsed = JSON.parse(text) as Json;
    } catch (e) {
      throw new Error(`${displayPath} is not valid JSON: ${(e as Error).message}`);
    }
    if (!isObject(parsed) || !isObject(parsed.definitions))
      throw new Error(`${displayPath} has no "definitions" object; expected OpenAPI v2 definitions of the Kubernetes API`);
    const definitions: Record<string, JsonObject> = {};
    for (const [name, schema] of Object.entries(parsed.definitions)) if (isObject(schema)) definitions[name] = schema;
    return new KubernetesSchemaConverter(definitions);
  }

  /** Every kind the definitions declare, with the definition that describes it, sorted by definition name. */
  kinds(): { readonly definition: string; readonly gvk: GroupVersionKind }[] {
    const kinds: { definition: string; gvk: GroupVersionKind }[] = [];
    for (const name of Object.keys(this.definitions).sort()) {
      const gvks = this.definitions[name]![GVK_EXTENSION];
      if (!Array.isArray(gvks)) continue;
      for (const gvk of gvks) {
        if (!isObject(gvk) || typeof gvk.kind !== 'string' || typeof gvk.version !== 'string') continue;
        kinds.push({ definition: name, gvk: { group: typeof gvk.group === 'string' ? gvk.group : '', version: gvk.version, kind: gvk.kind } });
      }
    }
    return kinds;
  }

  /**
   * One standalone schema file per kind and version.
   * @throws Error when two kinds map to the same file name (kubeconform could not tell them apart)
   */
  convert(variant: SchemaVariant): SchemaFiles {
    const files = new Map<string, string>();
    const owners = new Map<string, string>();
    for (const { definition, gvk } of this.kinds()) {
      const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
      const file = schemaFileName(gvk.kind, apiVersion);
      const owner = `${apiVersion} ${gvk.kind} (${definition})`;
      const previous = owners.get(file);
      if (previous !== undefined)
        throw new Error(`kinds ${previous} and ${owner} both map to schema file ${file}; kubeconform cannot tell them apart`);
      owners.set(file, owner);
      files.set(file, this.render(definition, apiVersion, gvk.kind, variant === 'standalone-strict'));
    }
    return files;
  }

  private render(definition: string, apiVersion: string, kind: string, strict: boolean): string {
    const root = { ...this.transform(definition, strict) };
    const properties = isObject(root.properties) ? { ...root.properties } : {};
    // Pin apiVersion and kind to this GVK; added when missing so strict mode accepts them at all.
    properties.apiVersion = { ...(isObject(properties.apiVersion) ? properties.apiVersion : {}), type: 'string', enum: [apiVersion] };
    properties.kind = { ...(isObject(properties.kind) ? properties.kind : {}), type: 'string', enum: [kind] };
    root.properties = sortKeys(properties);
    root.$schema = SCHEMA_DIALECT;
    const reachable = this.reachable(definition);
    if (reachable.length > 0) root.definitions = DEFINITIONS_PLACEHOLDER;
    const text = JSON.stringify(sortKeys(root), null, 2);
    if (reachable.length === 0) return `${text}\n`;
    // Each definition is stringified once and reused by every file that needs it (Pod specs are in dozens).
    const block = `{\n${reachable.map((name) => `    ${JSON.stringify(name)}: ${this.renderDefinition(name, strict)}`).join(',\n')}\n  }`;
    return `${text.replace(JSON.stringify(DEFINITIONS_PLACEHOLDER), () => block)}\n`;
  }

  /** A definition stringified at the indentation of a file's `definitions` block. */
  private renderDefinition(name: string, strict: boolean): string {
    const key = `${strict}:${name}`;
    let text = this.rendered.get(key);
    if (text === undefined) {
      text = JSON.stringify(this.transform(name, strict), null, 2).replaceAll('\n', '\n    ');
      this.rendered.set(key, text);
    }
    return text;
  }

  private transform(name: string, strict: boolean): JsonObject {
    const key = `${strict}:${name}`;
    let schema = this.transformed.get(key);
    if (schema === undefined) {
      schema = name.endsWith(NULLABLE_SUFFIX)
        ? (nullable(this.transform(name.slice(0, -NULLABLE_SUFFIX.length), strict)) as JsonObject)
        : transformSchema(this.definitions[name]!, strict);
      this.transformed.set(key, schema);
    }
    return schema;
  }

  /** Names of all definitions `name` refers to, directly or not, sorted (recursive types end the walk). */
  private reachable(name: string): string[] {
    const seen = new Set<string>();
    const queue = [...this.directRefs(name)];
    while (queue.length > 0) {
      const next = queue.pop()!;
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(...this.directRefs(next));
    }
    return [...seen].sort();
  }

  private directRefs(name: string): readonly string[] {
    let refs = this.refs.get(name);
    if (refs === undefined) {
      const found = new Set<string>();
      const walk = (schema: Json): void => {
        if (!isObject(schema)) return;
        if (typeof schema.$ref === 'string') found.add(this.refTarget(schema.$ref, name));
        forEachSubschema(schema, walk);
      };
      const base = name.endsWith(NULLABLE_SUFFIX) ? name.slice(0, -NULLABLE_SUFFIX.length) : name;
      if (this.definitions[base] === undefined) throw new Error(`unknown definition ${name}`);
      // The transformed schema: optional properties refer to the nullable variants it adds.
      walk(this.transform(name, false));
      refs = [...found];
      this.refs.set(name, refs);
    }
    return refs;
  }

  private refTarget(ref: string, from: string): string {
    const target = ref.startsWith(DEFINITIONS_PREFIX) ? ref.slice(DEFINITIONS_PREFIX.length) : undefined;
    const base = target?.endsWith(NULLABLE_SUFFIX) ? target.slice(0, -NULLABLE_SUFFIX.length) : target;
    if (target === undefined || base === undefined || this.definitions[base] === undefined)
      throw new Error(
        `definition ${from} refers to ${ref}, which is not in the definitions file; only local #/definitions/ refs can be made standalone`,
      );
    return target;
  }
}

/**
 * Sorted copy of a schema with openapi2jsonschema's rewrites: int-or-string becomes a oneOf, in
 * strict mode every object schema with `properties` and no `additionalProperties` rejects unknown
 * fields, and an optional property (one its object does not list as `required`) also accepts `null`.
 */
function transformSchema(schema: JsonObject, strict: boolean): JsonObject {
  let source = schema;
  if (source.format === 'int-or-string') {
    const { format: _format, type: _type, ...rest } = source;
    source = { ...rest, oneOf: [{ type: 'string' }, { type: 'integer' }] };
  }
  if (strict && isObject(source.properties) && !('additionalProperties' in source)) source = { ...source, additionalProperties: false };
  const required = new Set(Array.isArray(source.required) ? source.required.filter((r): r is string => typeof r === 'string') : []);
  const out: JsonObject = {};
  for (const key of Object.keys(source).sort()) {
    const value = source[key]!;
    if (key === 'properties' && isObject(value)) {
      const map: JsonObject = {};
      for (const name of Object.keys(value).sort()) {
        const property = transformSubschema(value[name]!, strict);
        map[name] = required.has(name) ? property : nullable(property);
      }
      out[key] = map;
    } else if (SCHEMA_MAP_KEYWORDS.has(key) && isObject(value)) {
      const map: JsonObject = {};
      for (const name of Object.keys(value).sort()) map[name] = transformSubschema(value[name]!, strict);
      out[key] = map;
    } else if (SCHEMA_LIST_KEYWORDS.has(key) && Array.isArray(value)) {
      out[key] = value.map((v) => transformSubschema(v, strict));
    } else if (SCHEMA_KEYWORDS.has(key)) {
      out[key] = Array.isArray(value) ? value.map((v) => transformSubschema(v, strict)) : transformSubschema(value, strict);
    } else {
      out[key] = sortKeys(value);
    }
  }
  return out;
}

/**
 * A property schema that also accepts `null`: the API server reads a null optional field as unset
 * (charts render `annotations: null`, `subPath: null`, `securityContext: null`), and kubeconform's
 * public schemas accept it too. A `$ref` points to the definition's nullable variant instead of
 * becoming an anyOf, whose failure messages would bury the one field that is wrong.
 */
function nullable(schema: Json): Json {
  if (!isObject(schema)) return schema;
  if (typeof schema.$ref === 'string')
    return schema.$ref.endsWith(NULLABLE_SUFFIX) ? schema : { ...schema, $ref: `${schema.$ref}${NULLABLE_SUFFIX}` };
  if (Array.isArray(schema.oneOf)) return { ...schema, oneOf: [...schema.oneOf, { type: 'null' }] };
  if (typeof schema.type === 'string') {
    const out: JsonObject = { ...schema, type: [schema.type, 'null'] };
    if (Array.isArray(schema.enum) && !schema.enum.includes(null)) out.enum = [...schema.enum, null];
    return out;
  }
  return schema;
}

function transformSubschema(value: Json, strict: boolean): Json {
  return isObject(value) ? transformSchema(value, strict) : value;
}
