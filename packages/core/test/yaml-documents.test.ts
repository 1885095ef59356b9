import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadYamlDocuments, parseYamlFile, RepeatedYamlReader } from '../src/index.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** What the `yaml` package reads (its default: YAML 1.2, core schema), the reference for the fast reader. */
function yamlPackage(text: string): unknown[] {
  return parseAllDocuments(text).map((doc) => doc.toJS());
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const file = path.join(dir, entry);
    if (statSync(file).isDirectory()) return yamlFiles(file);
    return /\.ya?ml$/.test(entry) ? [file] : [];
  });
}

// scalars where YAML 1.1, YAML 1.2 and js-yaml's default schema disagree
const TRICKY = `plain: [yes, no, on, off, y, n, True, FALSE, Null, ~, '', null]
numbers: [0755, 0o755, 0x1F, 1e3, 1_000, +12, -0, .5, 1., .inf, -.Inf, .NaN, 12:30:00, 0b101]
dates: [2024-05-01, 2024-05-01T12:00:00Z]
keys: { 1: a, true: b, 1.5: c }
"<<": { merged: false }
block: |
  line one
    indented
folded: >-
  one
  two
quoted: "tab\\tand \\u00e9 and \\x41"
single: 'it''s'
empty:
tagged: !!str 123
`;

describe('loadYamlDocuments', () => {
  it('reads the same data as the yaml package, scalar by scalar', () => {
    expect(loadYamlDocuments(TRICKY)).toEqual(yamlPackage(TRICKY));
    for (const text of ['', '# only a comment\n', '---\n', 'a: 1\n---\nb: 2\n', '--- ~\n', '- a\n- b\n', 'just text\n']) {
      expect(loadYamlDocuments(text), JSON.stringify(text)).toEqual(yamlPackage(text));
    }
  });

  it('reads every YAML file of the repository like the yaml package', () => {
    const files = ['clusters', 'secrets', 'charts'].flatMap((dir) => yamlFiles(path.join(REPO_ROOT, dir)));
    expect(files.length).toBeGreaterThan(50);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(loadYamlDocuments(text), path.relative(REPO_ROOT, file)).toEqual(yamlPackage(text));
    }
  });

  it('refuses what it cannot read, so the caller asks the yaml package for the position', () => {
    expect(loadYamlDocuments('a: 1\na: 2\n')).toBeUndefined();
    expect(loadYamlDocuments('a: [1, 2\n')).toBeUndefined();
    expect(loadYamlDocuments('a: !custom 1\n')).toBeUndefined();
    // anchors: js-yaml would expand their aliases without limit; the yaml package's limit applies instead
    expect(loadYamlDocuments('base: &base { a: 1 }\nalias: *base\n')).toBeUndefined();
    expect(loadYamlDocuments('- &x [a]\n- *x\n')).toBeUndefined();
    expect(loadYamlDocuments('rule: a && b\nurl: https://x/?a=1&b=2\n')).toEqual([{ rule: 'a && b', url: 'https://x/?a=1&b=2' }]);
  });
});

describe('parseYamlFile', () => {
  it('returns mappings as data and explains everything else with a position or the root', () => {
    expect(parseYamlFile(TRICKY, 'x.yaml')).toEqual({ data: yamlPackage(TRICKY)[0], problems: [] });
    expect(parseYamlFile('', 'x.yaml')).toEqual({ data: {}, problems: [] });
    expect(parseYamlFile('a: 1\na: 2\n', 'x.yaml').problems).toEqual([
      { file: 'x.yaml', path: 'line 2 column 1', message: expect.stringMatching(/^invalid YAML: map keys must be unique/) },
    ]);
    expect(parseYamlFile('- a\n', 'x.yaml').problems).toEqual([{ file: 'x.yaml', path: '(document root)', message: 'must be a mapping of fields' }]);
    expect(parseYamlFile('~\n', 'x.yaml').problems).toEqual([{ file: 'x.yaml', path: '(document root)', message: 'must be a mapping of fields' }]);
    expect(parseYamlFile('a: 1\n---\nb: 2\n', 'x.yaml').problems[0]!.message).toMatch(/^invalid YAML: source contains multiple documents/);
  });
});

describe('RepeatedYamlReader', () => {
  it('keeps the documents of a text from its second reading on, and only of repeated texts', () => {
    const reader = new RepeatedYamlReader();
    const once = reader.read('kind: A\n');
    const first = reader.read('kind: B\n');
    const second = reader.read('kind: B\n');
    expect(once).toEqual([{ kind: 'A' }]);
    expect(first).toEqual([{ kind: 'B' }]);
    expect(second).toEqual(first);
    expect(second).not.toBe(first); // read twice: the first reading was not kept
    expect(reader.read('kind: B\n')).toBe(second); // then kept
    expect(reader.read('kind: A\n')).not.toBe(once);
    expect(reader.read('a: 1\na: 2\n')).toBeUndefined();
  });

  it('keeps every text from its first reading when told to keep all', () => {
    const reader = new RepeatedYamlReader(true);
    const first = reader.read('kind: A\n');
    expect(first).toEqual([{ kind: 'A' }]);
    expect(reader.read('kind: A\n')).toBe(first);
  });
});
