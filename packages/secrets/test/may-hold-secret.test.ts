import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { mayHoldSecret } from '../src/may-hold-secret.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** What the check looks for in a parsed document: a Secret, a List or a sops block. */
function matters(doc: unknown): boolean {
  if (doc === null || typeof doc !== 'object') return false;
  const { kind, sops } = doc as { kind?: unknown; sops?: unknown };
  return kind === 'Secret' || (typeof kind === 'string' && kind.endsWith('List')) || sops !== undefined;
}

const CONFIG_MAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  kind: Secret\n';

describe('mayHoldSecret', () => {
  it('skips plain manifests that name Secrets only inside them', () => {
    const release = 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: x\nspec:\n  valuesFrom:\n    - kind: Secret\n      name: y\n';
    expect(mayHoldSecret(`${release}---\n${CONFIG_MAP}`)).toBe(false);
    expect(mayHoldSecret('---\n# a comment\n\n' + CONFIG_MAP + '...\n')).toBe(false);
    expect(mayHoldSecret('')).toBe(false);
  });

  // each of these is a Secret, a List or sops-encrypted (or may be), written so a line-based look would miss it
  const hidden: Record<string, string> = {
    'a plain Secret': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\nstringData:\n  p: x\n',
    'a second document': `${CONFIG_MAP}---\nkind: Secret\n`,
    'a List': 'apiVersion: v1\nkind: List\nitems:\n  - kind: Secret\n',
    'a SecretList': 'kind: SecretList\nitems: []\n',
    'a sops block': `${CONFIG_MAP}sops:\n  mac: x\n`,
    'no kind at the top': 'apiVersion: v1\nmetadata:\n  name: a\n',
    'two kinds': 'kind: ConfigMap\nkind: Secret\n',
    'a quoted kind': 'kind: "Secret"\n',
    'an escaped kind': 'kind: "\\x53ecret"\n',
    'a quoted key': '"kind": Secret\n',
    'a tagged kind': 'kind: !!str Secret\n',
    'a kind on the next line': 'kind:\n  Secret\n',
    'a folded kind': 'kind: >-\n  Secret\n',
    'a kind with a comment': 'kind: Secret # x\n',
    'an alias': 'a: &k Secret\nkind: *k\n',
    'a merge key': 'base: &b\n  kind: Secret\n<<: *b\napiVersion: v1\n',
    'a complex key': '? kind\n: Secret\n',
    'flow style': '{kind: Secret}\n',
    'JSON': '{"kind": "Secret", "apiVersion": "v1"}\n',
    'content on the marker line': '--- {kind: Secret}\n',
    'an indented root': '  kind: Secret\n  apiVersion: v1\n',
    'an indented root after a comment': '# x\n\n  kind: Secret\n',
    'an indented root in a second document': `${CONFIG_MAP}---\n  kind: Secret\n`,
    'an indented root after an empty document': `---\n---\n  kind: Secret\n`,
    'an indented line before the first key': '  kind: Secret\nkind: ConfigMap\n',
    'an indented line before the first key of a second document': `${CONFIG_MAP}---\n# x\n  kind: Secret\nkind: ConfigMap\n`,
    'a directive': '%YAML 1.2\n---\nkind: Secret\n',
    'a carriage return as line break': 'kind: ConfigMap\rkind: Secret\n',
    'a byte-order mark': '\uFEFFkind: Secret\n',
    'a tab after the colon': 'kind:\tSecret\n',
  };
  for (const [name, text] of Object.entries(hidden)) {
    it(`parses ${name}`, () => expect(mayHoldSecret(text)).toBe(true));
  }

  it('never skips a file of the demo fleet whose documents matter, and skips every generated manifest that does not', () => {
    const files = ['clusters', 'secrets'].flatMap((dir) =>
      readdirSync(path.join(REPO, dir), { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile() && /\.(ya?ml|json)$/.test(e.name))
        .map((e) => path.join(e.parentPath, e.name)),
    );
    const parsed = files.map((file) => ({ file, text: readFileSync(file, 'utf8') })).map((f) => ({ ...f, docs: loadAll(f.text) }));
    const mattering = parsed.filter((f) => f.docs.some(matters));
    // every document has a kind: a Kubernetes manifest (not a Talos patch or Nx's project.json)
    const plain = parsed.filter((f) => !f.docs.some(matters) && f.docs.every((d) => d !== null && typeof d === 'object' && 'kind' in d));
    expect(mattering.length).toBeGreaterThan(20);
    expect(plain.length).toBeGreaterThan(50);
    for (const { file, text } of mattering) expect(mayHoldSecret(text), file).toBe(true);
    for (const { file, text } of plain) expect(mayHoldSecret(text), file).toBe(false);
  });
});
