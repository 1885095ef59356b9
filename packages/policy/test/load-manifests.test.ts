import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadManifests } from '../src/index.js';

let dir: string;

function write(relative: string, text: string): string {
  const file = path.join(dir, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ck8s-load-manifests-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('loadManifests', () => {
  it('reads folders recursively in sorted order, every document of every yaml file', () => {
    write('b.yaml', configMap('b1') + '---\n' + configMap('b2'));
    write('a/z.yml', configMap('az'));
    write('a/c.yaml', '# only a comment\n---\n' + configMap('ac') + '---\n---\n');
    write('a/kustomization.yaml', 'resources:\n  - c.yaml\n');
    write('notes.txt', 'not yaml');
    write('README.md', '# docs');
    const documents = loadManifests([dir]);
    expect(documents.map((d) => [path.relative(dir, d.file), (d.object as { metadata: { name: string } }).metadata.name])).toEqual([
      ['a/c.yaml', 'ac'],
      ['a/z.yml', 'az'],
      ['b.yaml', 'b1'],
      ['b.yaml', 'b2'],
    ]);
    expect(documents[0]!.file).toBe(path.join(dir, 'a', 'c.yaml'));
  });

  it('keeps files given directly as given, in the order given', () => {
    const second = write('second.yaml', configMap('second'));
    const first = write('first.manifest', configMap('first'));
    const documents = loadManifests([second, first]);
    expect(documents.map((d) => d.file)).toEqual([second, first]);
  });

  it('expands a v1 List into its items', () => {
    write(
      'list.yaml',
      `apiVersion: v1\nkind: List\nitems:\n  - ${configMap('one').replace(/\n(?=.)/g, '\n    ')}  - ${configMap('two').replace(/\n(?=.)/g, '\n    ')}`,
    );
    expect(loadManifests([dir]).map((d) => (d.object as { metadata: { name: string } }).metadata.name)).toEqual(['one', 'two']);
  });

  it('names the file and document of invalid yaml', () => {
    const broken = write('broken.yaml', configMap('fine') + '---\nmetadata: {name: [unclosed\n');
    expect(() => loadManifests([dir])).toThrow(`invalid yaml in ${broken} (document 2): `);
  });

  it('names the file and document of aliases that expand without bound', () => {
    let bomb = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  a0: &a0 [x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 9; i++)
      bomb += `  a${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(', ')}]\n`;
    const file = write('bomb.yaml', configMap('fine') + '---\n' + bomb);
    expect(() => loadManifests([file])).toThrow(`cannot read ${file} (document 2): excessive alias count indicates a resource exhaustion attack`);
  });

  it('refuses documents that are not objects', () => {
    const list = write('list.yaml', '- a\n- b\n');
    expect(() => loadManifests([list])).toThrow(`invalid manifest in ${list} (document 1): expected a kubernetes object, got a list`);
    const scalar = write('scalar.yaml', 'just text\n');
    expect(() => loadManifests([scalar])).toThrow(`invalid manifest in ${scalar} (document 1): expected a kubernetes object, got string`);
  });

  it('names a path that does not exist', () => {
    const missing = path.join(dir, 'missing');
    expect(() => loadManifests([missing])).toThrow(`manifest path "${missing}" does not exist`);
  });
});
