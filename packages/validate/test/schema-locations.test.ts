import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigError, Workspace } from '@ck8s/core';
import { afterEach, describe, expect, it } from 'vitest';
import { REMOTE_SCHEMA_LOCATIONS, resolveSchemaLocations, validateManifests } from '../src/index.js';
import { definitions133, kubeconformBinary, sharedSchemas, tempDir } from './support.js';

const roots: string[] = [];

/** A repository root with the given ck8s.config.yaml (a function gets the root, for relative paths). */
function workspace(settings: string | ((root: string) => string)): Workspace {
  const root = tempDir('workspace');
  roots.push(root);
  writeFileSync(path.join(root, 'ck8s.config.yaml'), typeof settings === 'string' ? settings : settings(root));
  return new Workspace(root);
}

/** The real mirror, given relative to the root as in the repository's ck8s.config.yaml (../shared/schemas). */
const sharedMirror = (root: string): string => `validation:\n  schemaMirror: ${path.relative(root, sharedSchemas)}\n`;

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('resolveSchemaLocations', () => {
  it('uses kubeconform’s remote defaults when nothing is configured', () => {
    const resolved = resolveSchemaLocations(workspace('{}\n'), '1.33');
    expect(resolved).toEqual({ kubernetesVersion: '1.33.0', locations: REMOTE_SCHEMA_LOCATIONS, source: 'remote' });
    expect(resolved.locations).toEqual([
      'default',
      'https://raw.githubusercontent.com/datreeio/CRDs-catalog/main/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json',
    ]);
  });

  it('uses configured schemaLocations as they are, even next to a mirror', () => {
    const ws = workspace('validation:\n  schemaMirror: does-not-exist\n  schemaLocations:\n    - https://mirror.example/{{ .ResourceKind }}.json\n');
    expect(resolveSchemaLocations(ws, '1.33.2')).toEqual({
      kubernetesVersion: '1.33.2',
      locations: ['https://mirror.example/{{ .ResourceKind }}.json'],
      source: 'settings',
    });
    expect(existsSync(path.join(ws.root, '.ck8s'))).toBe(false);
  });

  it('imports the mirror’s core definitions once and points at them and the mirror’s CRDs', () => {
    const ws = workspace(sharedMirror);
    expect(ws.settings.validation.schemaMirror).toMatch(/^\.\.\//);

    const first = resolveSchemaLocations(ws, '1.33.2');
    const imported = path.join(ws.root, '.ck8s', 'schemas', 'kubernetes');
    expect(first.kubernetesVersion).toBe('1.33.0');
    expect(first.source).toBe('mirror');
    expect(first.locations).toEqual([
      `${imported}/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json`,
      `${sharedSchemas}/crds/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json`,
    ]);
    expect(first.imported?.kinds).toBe(301);
    expect(readdirSync(imported).sort()).toEqual(['v1.33.0-standalone', 'v1.33.0-standalone-strict', 'v1.33.0.stamp.json']);
    expect(existsSync(path.join(imported, 'v1.33.0-standalone-strict', 'deployment-apps-v1.json'))).toBe(true);

    const second = resolveSchemaLocations(ws, '1.33');
    expect(second.imported).toBeUndefined();
    expect(second.locations).toEqual(first.locations);
  });

  it('re-imports when the definitions change or an output folder is gone', () => {
    const ws = workspace('validation:\n  schemaMirror: mirror\n');
    const definitions = path.join(ws.root, 'mirror', 'kubernetes', 'v1.33.0', '_definitions.json');
    mkdirSync(path.dirname(definitions), { recursive: true });
    copyFileSync(definitions133, definitions);

    expect(resolveSchemaLocations(ws, '1.33').imported).toBeDefined();
    expect(resolveSchemaLocations(ws, '1.33').imported).toBeUndefined();

    // Same definitions, different bytes: the sha256 differs, so the cache is stale.
    writeFileSync(definitions, `${readFileSync(definitions, 'utf8')}\n`);
    expect(resolveSchemaLocations(ws, '1.33').imported).toBeDefined();
    expect(resolveSchemaLocations(ws, '1.33').imported).toBeUndefined();

    rmSync(path.join(ws.root, '.ck8s', 'schemas', 'kubernetes', 'v1.33.0-standalone'), { recursive: true });
    expect(resolveSchemaLocations(ws, '1.33').imported).toBeDefined();
  });

  it('names the setting and the path when the mirror does not exist', () => {
    const ws = workspace('validation:\n  schemaMirror: ../no-such-mirror\n');
    const expected = path.resolve(ws.root, '../no-such-mirror');
    expect(() => resolveSchemaLocations(ws, '1.33')).toThrow(ConfigError);
    expect(() => resolveSchemaLocations(ws, '1.33')).toThrow(
      `ck8s.config.yaml: validation.schemaMirror: schema mirror ../no-such-mirror (${expected}) does not exist or is not a folder`,
    );
  });

  it('lists the available versions when the mirror lacks the requested one', () => {
    const ws = workspace(sharedMirror);
    expect(() => resolveSchemaLocations(ws, '1.29.4')).toThrow(
      /^ck8s\.config\.yaml: validation\.schemaMirror: schema mirror .* has no schemas for kubernetes 1\.29 \(missing kubernetes\/v1\.29\.0\/_definitions\.json\); available: 1\.32, 1\.33, 1\.34, 1\.35, 1\.36$/,
    );
  });

  it('rejects a malformed kubernetes version', () => {
    expect(() => resolveSchemaLocations(workspace('{}\n'), '1.x')).toThrow('invalid kubernetes version "1.x"');
  });

  it('gives locations that kubeconform uses end to end', async () => {
    const resolved = resolveSchemaLocations(workspace(sharedMirror), '1.33');
    const result = await validateManifests({
      files: [
        { displayPath: 'ns.yaml', content: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n' },
        {
          displayPath: 'source.yaml',
          content:
            'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  interval: 1m\n  url: ssh://git@example.com/platform.git\n  ref:\n    branch: main\n',
        },
      ],
      kubernetesVersion: resolved.kubernetesVersion,
      schemaLocations: resolved.locations,
      kubeconform: kubeconformBinary(),
    });
    expect(result).toEqual({ resources: 2, problems: [] });
  });
});
