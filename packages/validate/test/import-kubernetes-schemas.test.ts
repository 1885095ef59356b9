import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { importKubernetesSchemas, type ImportKubernetesSchemasResult, KubernetesSchemaConverter, schemaFileName } from '../src/index.js';
import { definitions133, tempDir } from './support.js';

type Schema = Record<string, unknown>;

let outDir: string;
let result: ImportKubernetesSchemasResult;

const strictDir = (): string => path.join(outDir, 'v1.33.0-standalone-strict');
const looseDir = (): string => path.join(outDir, 'v1.33.0-standalone');
const read = (dir: string, file: string): Schema => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Schema;

function treeHash(dir: string): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(dir).sort())
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(path.join(dir, file)))
      .update('\0');
  return hash.digest('hex');
}

/** Every `$ref` value at a schema position (JSONSchemaProps has a *property* named `$ref`). */
function refs(schema: unknown, found: string[] = []): string[] {
  if (Array.isArray(schema)) schema.forEach((s) => refs(s, found));
  else if (schema && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema)) {
      if (key === '$ref' && typeof value === 'string') found.push(value);
      else if (key === 'properties' || key === 'definitions') Object.values(value as object).forEach((s) => refs(s, found));
      else refs(value, found);
    }
  }
  return found;
}

beforeAll(() => {
  outDir = tempDir('import');
  result = importKubernetesSchemas({ definitionsFile: definitions133, outDir, kubernetesVersion: '1.33.0' });
});

afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
});

describe('importKubernetesSchemas', () => {
  it('writes one file per kind and version into both variant folders and returns counts', () => {
    expect(result).toEqual({
      kubernetesVersion: '1.33.0',
      kinds: 301,
      definitions: 707,
      files: 602,
      directories: [looseDir(), strictDir()],
    });
    expect(readdirSync(strictDir())).toHaveLength(301);
    expect(readdirSync(looseDir()).sort()).toEqual(readdirSync(strictDir()).sort());
  });

  it('stringifies each definition once per variant, however many kinds embed it', () => {
    // the speed of the import is in `npm run bench` (its schema cache starts empty); this bounds the work
    const converter = KubernetesSchemaConverter.parse(readFileSync(definitions133, 'utf8'), definitions133);
    const stringify = vi.spyOn(JSON, 'stringify');
    let files: number;
    let pretty: number;
    try {
      files = converter.convert('standalone-strict').size;
      // pretty-printed texts: one per file and one per definition; Pod specs alone are embedded in dozens of files
      pretty = stringify.mock.calls.filter((call) => call[2] === 2).length;
    } finally {
      stringify.mockRestore();
    }
    expect(pretty).toBeGreaterThan(files);
    expect(pretty).toBeLessThanOrEqual(files + converter.definitionCount);
  });

  it('names files exactly as kubeconform looks them up', () => {
    for (const file of [
      'deployment-apps-v1.json',
      'networkpolicy-networking-v1.json',
      'validatingadmissionpolicy-admissionregistration-v1.json',
      'service-v1.json',
      'clusterrole-rbac-v1.json',
      'horizontalpodautoscaler-autoscaling-v2.json',
      'customresourcedefinition-apiextensions-v1.json',
    ]) {
      expect(existsSync(path.join(strictDir(), file)), file).toBe(true);
    }
    expect(schemaFileName('Deployment', 'apps/v1')).toBe('deployment-apps-v1.json');
    expect(schemaFileName('FlowSchema', 'flowcontrol.apiserver.k8s.io/v1')).toBe('flowschema-flowcontrol-v1.json');
    expect(schemaFileName('ConfigMap', 'v1')).toBe('configmap-v1.json');
  });

  it('pins apiVersion and kind to the file’s group, version and kind', () => {
    const deployment = read(strictDir(), 'deployment-apps-v1.json');
    const properties = deployment.properties as Record<string, Schema>;
    expect(properties.apiVersion!.enum).toEqual(['apps/v1']);
    expect(properties.kind!.enum).toEqual(['Deployment']);
    expect((read(strictDir(), 'service-v1.json').properties as Record<string, Schema>).apiVersion!.enum).toEqual(['v1']);
  });

  it('emits one file per group/version of a definition with several kinds (DeleteOptions)', () => {
    const core = read(strictDir(), 'deleteoptions-v1.json').properties as Record<string, Schema>;
    const apps = read(strictDir(), 'deleteoptions-apps-v1.json').properties as Record<string, Schema>;
    expect(core.apiVersion!.enum).toEqual(['v1']);
    expect(apps.apiVersion!.enum).toEqual(['apps/v1']);
    expect(readdirSync(strictDir()).filter((f) => f.startsWith('deleteoptions-'))).toHaveLength(62);
  });

  it('makes every file standalone: all refs point into its own definitions', () => {
    for (const file of [
      'deployment-apps-v1.json',
      'customresourcedefinition-apiextensions-v1.json',
      'pod-v1.json',
      'validatingadmissionpolicy-admissionregistration-v1.json',
    ]) {
      const schema = read(strictDir(), file);
      const definitions = (schema.definitions ?? {}) as Record<string, unknown>;
      const found = refs(schema);
      expect(found.length, file).toBeGreaterThan(0);
      for (const ref of found) {
        expect(ref.startsWith('#/definitions/'), `${file}: ${ref}`).toBe(true);
        expect(definitions[ref.slice('#/definitions/'.length)], `${file}: ${ref}`).toBeDefined();
      }
    }
    // Only what is reachable: a ConfigMap needs ObjectMeta (optional, so its variant that is also null) and friends, not pod specs.
    const configMap = read(strictDir(), 'configmap-v1.json');
    expect(Object.keys(configMap.definitions as object)).toContain('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta.or-null');
    expect(Object.keys(configMap.definitions as object).filter((name) => name.includes('PodSpec'))).toEqual([]);
  });

  it('keeps recursive types (JSONSchemaProps) as local refs and leaves its property names alone', () => {
    const crd = read(strictDir(), 'customresourcedefinition-apiextensions-v1.json');
    const props = (crd.definitions as Record<string, Schema>)['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps']!;
    const properties = props.properties as Record<string, Schema>;
    expect(props.additionalProperties).toBe(false);
    // Real fields of JSONSchemaProps, not keywords to rewrite.
    expect(properties.properties).toEqual(
      expect.objectContaining({
        type: ['object', 'null'],
        additionalProperties: { $ref: '#/definitions/io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps' },
      }),
    );
    expect(properties.$ref).toEqual(expect.objectContaining({ type: ['string', 'null'] }));
    expect(properties.additionalProperties).toEqual({
      $ref: '#/definitions/io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool.or-null',
    });
  });

  it('rejects unknown fields only in the strict variant', () => {
    const strict = read(strictDir(), 'deployment-apps-v1.json');
    const loose = read(looseDir(), 'deployment-apps-v1.json');
    expect(strict.additionalProperties).toBe(false);
    expect(loose.additionalProperties).toBeUndefined();
    const port = (d: Schema): Schema => (d.definitions as Record<string, Schema>)['io.k8s.api.core.v1.ContainerPort']!;
    expect(port(strict).additionalProperties).toBe(false);
    expect(port(loose).additionalProperties).toBeUndefined();
    // Maps keep their value schema: labels stay open in strict mode.
    const meta = (strict.definitions as Record<string, Schema>)['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta.or-null']!;
    expect((meta.properties as Record<string, Schema>).labels!.additionalProperties).toEqual({ type: 'string' });
  });

  it('writes sorted keys and stable bytes', () => {
    const sortKeys = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(sortKeys)
        : value && typeof value === 'object'
          ? Object.fromEntries(
              Object.keys(value)
                .sort()
                .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
            )
          : value;
    for (const file of ['pod-v1.json', 'service-v1.json']) {
      const text = readFileSync(path.join(strictDir(), file), 'utf8');
      expect(text).toBe(`${JSON.stringify(sortKeys(JSON.parse(text)), null, 2)}\n`);
    }
    const again = tempDir('import-again');
    try {
      importKubernetesSchemas({ definitionsFile: definitions133, outDir: again, kubernetesVersion: '1.33' });
      expect(treeHash(path.join(again, 'v1.33.0-standalone-strict'))).toBe(treeHash(strictDir()));
      expect(treeHash(path.join(again, 'v1.33.0-standalone'))).toBe(treeHash(looseDir()));
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  });

  it('replaces a variant folder as a whole and leaves other entries and no scratch behind', () => {
    const dir = tempDir('import-replace');
    try {
      mkdirSync(path.join(dir, 'v1.33.0-standalone-strict'), { recursive: true });
      writeFileSync(path.join(dir, 'v1.33.0-standalone-strict', 'stale-v1.json'), '{}');
      writeFileSync(path.join(dir, 'keep.txt'), 'mine');
      const only = importKubernetesSchemas({
        definitionsFile: definitions133,
        outDir: dir,
        kubernetesVersion: '1.33.0',
        variants: ['standalone-strict'],
      });
      expect(only.files).toBe(301);
      expect(readdirSync(dir).sort()).toEqual(['keep.txt', 'v1.33.0-standalone-strict']);
      expect(existsSync(path.join(dir, 'v1.33.0-standalone-strict', 'stale-v1.json'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails clearly on a missing or malformed definitions file, leaving the output alone', () => {
    const dir = tempDir('import-bad');
    try {
      expect(() => importKubernetesSchemas({ definitionsFile: path.join(dir, 'missing.json'), outDir: dir, kubernetesVersion: '1.33.0' })).toThrow(
        /cannot read kubernetes definitions .*missing\.json/,
      );
      writeFileSync(path.join(dir, 'swagger.json'), '{"paths": {}}');
      expect(() => importKubernetesSchemas({ definitionsFile: path.join(dir, 'swagger.json'), outDir: dir, kubernetesVersion: '1.33.0' })).toThrow(
        'has no "definitions" object',
      );
      expect(() => importKubernetesSchemas({ definitionsFile: definitions133, outDir: dir, kubernetesVersion: 'v1' })).toThrow(
        'invalid kubernetes version "v1"',
      );
      expect(readdirSync(dir)).toEqual(['swagger.json']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('KubernetesSchemaConverter', () => {
  const gvk = (group: string, version: string, kind: string): unknown => [{ group, version, kind }];

  it('turns int-or-string formats into a oneOf of string and integer, keeping the description', () => {
    const converter = new KubernetesSchemaConverter({
      'io.example.v1.Thing': {
        type: 'object',
        properties: {
          apiVersion: { type: 'string' },
          kind: { type: 'string' },
          port: { $ref: '#/definitions/io.example.IntOrString' },
          inline: { type: 'string', format: 'int-or-string', description: 'inline' },
        },
        'x-kubernetes-group-version-kind': gvk('example.io', 'v1', 'Thing') as never,
      },
      'io.example.IntOrString': { type: 'string', format: 'int-or-string' },
    });
    const schema = JSON.parse(converter.convert('standalone-strict').get('thing-example-v1.json')!) as Schema;
    const oneOf = [{ type: 'string' }, { type: 'integer' }];
    // Both properties are optional, so both also accept null.
    expect((schema.definitions as Record<string, Schema>)['io.example.IntOrString.or-null']).toEqual({ oneOf: [...oneOf, { type: 'null' }] });
    expect((schema.properties as Record<string, Schema>).port).toEqual({ $ref: '#/definitions/io.example.IntOrString.or-null' });
    expect((schema.properties as Record<string, Schema>).inline).toEqual({ description: 'inline', oneOf: [...oneOf, { type: 'null' }] });
  });

  it('adds apiVersion and kind properties a kind lacks, so strict mode accepts them', () => {
    const converter = new KubernetesSchemaConverter({
      'io.example.v1.Event': {
        type: 'object',
        properties: { type: { type: 'string' } },
        'x-kubernetes-group-version-kind': gvk('', 'v1', 'WatchEvent') as never,
      },
    });
    const schema = JSON.parse(converter.convert('standalone-strict').get('watchevent-v1.json')!) as Schema;
    expect(schema.properties).toEqual({
      apiVersion: { type: 'string', enum: ['v1'] },
      kind: { type: 'string', enum: ['WatchEvent'] },
      type: { type: ['string', 'null'] },
    });
    expect(schema.definitions).toBeUndefined();
  });

  it('lets optional properties be null and keeps required ones as they are, through refs too', () => {
    const converter = new KubernetesSchemaConverter({
      'io.example.v1.Thing': {
        type: 'object',
        required: ['spec', 'name'],
        properties: {
          name: { type: 'string' },
          mode: { type: 'string', enum: ['a', 'b'] },
          spec: { $ref: '#/definitions/io.example.v1.Spec' },
          status: { $ref: '#/definitions/io.example.v1.Spec' },
        },
        'x-kubernetes-group-version-kind': gvk('example.io', 'v1', 'Thing') as never,
      },
      'io.example.v1.Spec': { type: 'object', properties: { size: { type: 'integer' } } },
    });
    const schema = JSON.parse(converter.convert('standalone-strict').get('thing-example-v1.json')!) as Schema;
    const properties = schema.properties as Record<string, Schema>;
    expect(properties.name).toEqual({ type: 'string' });
    expect(properties.mode).toEqual({ type: ['string', 'null'], enum: ['a', 'b', null] });
    expect(properties.spec).toEqual({ $ref: '#/definitions/io.example.v1.Spec' });
    expect(properties.status).toEqual({ $ref: '#/definitions/io.example.v1.Spec.or-null' });
    const definitions = schema.definitions as Record<string, Schema>;
    expect(definitions['io.example.v1.Spec']).toEqual({
      type: 'object',
      additionalProperties: false,
      properties: { size: { type: ['integer', 'null'] } },
    });
    expect(definitions['io.example.v1.Spec.or-null']).toEqual({
      type: ['object', 'null'],
      additionalProperties: false,
      properties: { size: { type: ['integer', 'null'] } },
    });
    expect(() => new KubernetesSchemaConverter({ 'io.example.v1.Spec.or-null': { type: 'object' } })).toThrow(
      'definition io.example.v1.Spec.or-null ends with .or-null',
    );
  });

  it('refuses refs outside the file and kinds kubeconform cannot tell apart', () => {
    const external = new KubernetesSchemaConverter({
      'io.example.v1.Thing': {
        type: 'object',
        properties: { spec: { $ref: 'other.json#/definitions/Spec' } },
        'x-kubernetes-group-version-kind': gvk('example.io', 'v1', 'Thing') as never,
      },
    });
    expect(() => external.convert('standalone')).toThrow('definition io.example.v1.Thing refers to other.json#/definitions/Spec');

    const clash = new KubernetesSchemaConverter({
      'io.a.v1.Thing': { type: 'object', 'x-kubernetes-group-version-kind': gvk('example.io', 'v1', 'Thing') as never },
      'io.b.v1.Thing': { type: 'object', 'x-kubernetes-group-version-kind': gvk('example.org', 'v1', 'Thing') as never },
    });
    expect(() => clash.convert('standalone')).toThrow('both map to schema file thing-example-v1.json');
  });
});
