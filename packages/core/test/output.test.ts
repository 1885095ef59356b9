import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ApiObject, App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Component, readTree, renderApp, replaceTree, stageTree, toYamlStream } from '../src/index.js';

describe('canonical YAML', () => {
  it('orders keys the same way whatever the input order', () => {
    const a = toYamlStream([
      { spec: { b: 1, a: 2 }, metadata: { labels: { z: '1', a: '2' }, namespace: 'ns', name: 'demo' }, kind: 'ConfigMap', apiVersion: 'v1' },
    ]);
    const b = toYamlStream([
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'demo', namespace: 'ns', labels: { a: '2', z: '1' } }, spec: { a: 2, b: 1 } },
    ]);
    expect(a).toBe(b);
    expect(a).toBe(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n  namespace: ns\n  labels:\n    a: "2"\n    z: "1"\nspec:\n  a: 2\n  b: 1\n',
    );
  });

  it('quotes strings that YAML 1.1 readers would turn into booleans or numbers', () => {
    const text = toYamlStream([{ data: { a: 'on', b: 'yes', c: '0755', d: 'true', e: '1.0' } }]);
    for (const value of ['on', 'yes', '0755', 'true', '1.0']) expect(text).toContain(`"${value}"`);
  });

  it('keeps every string a YAML 1.1 reader would take for another type a string', () => {
    // strings that a plain scalar of YAML 1.1 reads as a bool, int, float, null, timestamp or merge key
    const tricky = [
      ...['y', 'N', 'yes', 'No', 'on', 'OFF', 'True', 'FALSE', '~', 'null', 'NULL', ''],
      ...['0755', '-0755', '0o17', '0x1F', '+0x1F', '0b101', '0b1_0', '1_000', '0_7', '1__0', '+12', '-0'],
      ...['1:20', '1:20.5', '190:20:30', '1e3', '1E3', '1.', '.5', '+.5', '-.inf', '.Inf', '.NaN', '1.0'],
      ...['2001-12-14', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10 -5', '<<', '='],
    ];
    const object = { data: Object.fromEntries(tricky.map((value, i) => [`k${i}`, value])), keys: Object.fromEntries(tricky.map((v) => [v, v])) };
    expect(parse(toYamlStream([object]), { version: '1.1' })).toEqual(object);
  });

  it('writes plain what YAML 1.1 reads as a string, and double quotes the rest', () => {
    expect(toYamlStream([{ data: { a: 'plain text', b: '::/0', c: "it's", d: 'say "hi"' } }])).toBe(
      'data:\n  a: plain text\n  b: "::/0"\n  c: it\'s\n  d: say "hi"\n',
    );
  });

  it('never folds long lines', () => {
    const long = 'x'.repeat(300);
    expect(toYamlStream([{ data: { long } }])).toContain(`long: ${long}\n`);
  });
});

function tree(): Map<string, string> {
  const app = new App();
  const c = new Component(app, 'demo', { layer: 'platform' });
  new ApiObject(c, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'demo', namespace: 'default' } });
  return renderApp(app, [{ layer: 'platform', path: 'secrets/default.s.sops.yaml', content: 'verbatim: true\n' }]);
}

describe('renderApp', () => {
  it('writes one file per component and a kustomization.yaml for every layer', () => {
    const files = tree();
    expect([...files.keys()]).toEqual([
      'controllers/kustomization.yaml',
      'flux-system/kustomization.yaml',
      'platform/demo.yaml',
      'platform/kustomization.yaml',
      'platform/secrets/default.s.sops.yaml',
      'policies/kustomization.yaml',
      'tenants/kustomization.yaml',
    ]);
    expect(files.get('platform/kustomization.yaml')).toBe(
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - demo.yaml\n  - secrets/default.s.sops.yaml\n',
    );
    expect(files.get('controllers/kustomization.yaml')).toContain('resources: []');
    expect(files.get('platform/secrets/default.s.sops.yaml')).toBe('verbatim: true\n');
  });

  it('is deterministic', () => {
    expect([...tree().entries()]).toEqual([...tree().entries()]);
  });
});

describe('replaceTree', () => {
  function clusterDir(): string {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'ck8s-out-')), 'demo');
    mkdirSync(path.join(dir, 'stale'), { recursive: true });
    writeFileSync(path.join(dir, 'cluster.yaml'), '# input\n');
    writeFileSync(path.join(dir, 'stale', 'old.yaml'), 'old: true\n');
    return dir;
  }

  it('replaces everything but the inputs and reports when nothing changed', () => {
    const dir = clusterDir();
    const files = new Map([['platform/a.yaml', 'a: 1\n']]);
    expect(replaceTree(dir, files, { keep: ['cluster.yaml'] })).toBe(true);
    expect(readFileSync(path.join(dir, 'cluster.yaml'), 'utf8')).toBe('# input\n');
    expect(existsSync(path.join(dir, 'stale'))).toBe(false);
    expect([...readTree(dir, { keep: ['cluster.yaml'] })]).toEqual([['platform/a.yaml', 'a: 1\n']]);
    expect(replaceTree(dir, files, { keep: ['cluster.yaml'] })).toBe(false);
  });

  it('leaves the folder untouched when the new tree cannot be written', () => {
    const dir = clusterDir();
    const bad = new Map([
      ['platform/a.yaml', 'a: 1\n'],
      ['../escape.yaml', 'x'],
    ]);
    expect(() => replaceTree(dir, bad, { keep: ['cluster.yaml'] })).toThrow('refusing to write outside the output folder: ../escape.yaml');
    expect([...readTree(dir, { keep: ['cluster.yaml'] })]).toEqual([['stale/old.yaml', 'old: true\n']]);
    expect(() => replaceTree(dir, new Map([['cluster.yaml', 'x']]), { keep: ['cluster.yaml'] })).toThrow('refusing to overwrite input cluster.yaml');
    expect(readFileSync(path.join(dir, 'cluster.yaml'), 'utf8')).toBe('# input\n');
  });

  it('stages a tree beside the folder, which stays as it is until the tree is committed or discarded', () => {
    // synth stages every cluster before it swaps any in: all or none, without the fleet's texts in memory
    const dir = clusterDir();
    const keep = { keep: ['cluster.yaml'] };
    const scratch = (): string[] => readdirSync(path.dirname(dir)).filter((name) => name !== 'demo');
    const discarded = stageTree(dir, new Map([['platform/a.yaml', 'a: 1\n']]), keep)!;
    expect(scratch()).toHaveLength(1);
    expect([...readTree(dir, keep)]).toEqual([['stale/old.yaml', 'old: true\n']]);
    discarded.discard();
    expect(scratch()).toEqual([]);
    expect([...readTree(dir, keep)]).toEqual([['stale/old.yaml', 'old: true\n']]);

    const committed = stageTree(dir, new Map([['platform/a.yaml', 'a: 2\n']]), keep)!;
    // an input edited after the tree was staged is in the new folder
    writeFileSync(path.join(dir, 'cluster.yaml'), '# edited\n');
    committed.commit();
    expect([...readTree(dir, keep)]).toEqual([['platform/a.yaml', 'a: 2\n']]);
    expect(readFileSync(path.join(dir, 'cluster.yaml'), 'utf8')).toBe('# edited\n');
    expect(scratch()).toEqual([]);
    expect(stageTree(dir, new Map([['platform/a.yaml', 'a: 2\n']]), keep)).toBeUndefined();
  });
});
