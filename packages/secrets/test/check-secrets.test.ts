import { execFileSync } from 'node:child_process';
import { rmSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { toYamlStream } from '@ck8s/core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type AgeKeyPair, checkSecrets, encryptionProblems, findAgePrivateKeys, generateAgeKeyPair, isSopsEncrypted, readAllAgeRecipients, secretManifest } from '../src/index.js';
import { createTempRepo, sopsCli, type TempRepo } from './helpers.js';

const PASSWORD = 'hunter2-plaintext';

let pair: AgeKeyPair;
let stranger: AgeKeyPair;
let repo: TempRepo;
/** A correct encrypted Secret app/db for cluster demo. */
let ciphertext: string;

beforeAll(async () => {
  pair = await generateAgeKeyPair();
  stranger = await generateAgeKeyPair();
  const setup = createTempRepo({ demo: [pair.recipient] });
  ciphertext = await setup.sops.encrypt(toYamlStream([secretManifest('app', 'db', { password: PASSWORD })]), { filename: 'secrets/demo/app.db.sops.yaml' });
  setup.cleanup();
});
beforeEach(() => {
  repo = createTempRepo({ demo: [pair.recipient], prod: [] });
});
afterEach(() => repo.cleanup());

const check = () => checkSecrets(repo.workspace, readAllAgeRecipients(repo.workspace));
const plainSecret = (namespace: string, name: string) => toYamlStream([secretManifest(namespace, name, { password: PASSWORD })]);

function expectNoValueShown(problems: readonly { message: string }[]): void {
  for (const p of problems) {
    expect(p.message).not.toContain(PASSWORD);
    expect(p.message).not.toContain(Buffer.from(PASSWORD).toString('base64'));
  }
}

describe('checkSecrets', () => {
  it('passes a correct encrypted file in secrets/ and its verbatim copy in the cluster output', async () => {
    repo.write('secrets/demo/app.db.sops.yaml', ciphertext);
    repo.write('clusters/demo/apps/secrets/app.db.sops.yaml', ciphertext);
    repo.write('clusters/demo/apps/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [secrets/app.db.sops.yaml]\n');
    expect(await check()).toEqual([]);
  });

  it('flags a plaintext Secret dropped into secrets/demo/ by key, never showing the value', async () => {
    repo.write('secrets/demo/app.db.sops.yaml', plainSecret('app', 'db'));
    const problems = await check();
    expect(problems).toEqual([
      { file: 'secrets/demo/app.db.sops.yaml', path: 'sops', message: expect.stringMatching(/^is missing: the document is not sops-encrypted/) },
      { file: 'secrets/demo/app.db.sops.yaml', path: 'data.password', message: 'is not encrypted; only ENC[AES256_GCM,...] values written by sops are allowed here' },
    ]);
    expectNoValueShown(problems);
  });

  it('flags a plaintext Secret in generated cluster output, in a multi-document file', async () => {
    const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: plain-is-fine\n';
    repo.write('clusters/demo/apps/app.yaml', `${configMap}---\n${plainSecret('app', 'db')}`);
    const problems = await check();
    expect(problems.map((p) => `${p.file} ${p.path}`)).toEqual(['clusters/demo/apps/app.yaml sops (document 2)', 'clusters/demo/apps/app.yaml data.password (document 2)']);
    expectNoValueShown(problems);
  });

  it('flags a partly encrypted Secret: one value added in plaintext after encryption', async () => {
    repo.write('secrets/demo/app.db.sops.yaml', ciphertext.replace('\ndata:\n', '\ndata:\n    extra: c2VjcmV0\n'));
    expect(await check()).toEqual([{ file: 'secrets/demo/app.db.sops.yaml', path: 'data.extra', message: expect.stringMatching(/^is not encrypted/) }]);
  });

  it('flags a sops block without mac or age recipients', async () => {
    const doc = parse(ciphertext) as { sops: Record<string, unknown> };
    delete doc.sops.mac;
    doc.sops.age = [];
    repo.write('secrets/demo/app.db.sops.yaml', toYamlStream([doc]));
    expect((await check()).map((p) => p.path)).toEqual(['sops.mac', 'sops.age']);
  });

  it('flags a file encrypted to a recipient the cluster does not list, naming the listed ones', async () => {
    const file = repo.write('secrets/demo/app.db.sops.yaml', plainSecret('app', 'db'));
    // encrypted directly with the sops CLI, bypassing .sops.yaml
    await sopsCli(['encrypt', '--age', stranger.recipient, '--encrypted-regex', '^(data|stringData)$', '--in-place', file], { cwd: repo.base });
    expect(isSopsEncrypted(parse(repo.read('secrets/demo/app.db.sops.yaml')))).toBe(true);
    expect(await check()).toEqual([
      {
        file: 'secrets/demo/app.db.sops.yaml',
        path: 'sops.age[0].recipient',
        message: `${stranger.recipient} is not an age recipient of cluster "demo" (sops.ageRecipients in clusters/demo/cluster.yaml; it lists ${pair.recipient}); re-encrypt the file for the cluster's recipients`,
      },
    ]);
  });

  it("flags a copy of another cluster's Secret in a cluster's output", async () => {
    repo.write('clusters/prod/apps/secrets/app.db.sops.yaml', ciphertext);
    expect(await check()).toEqual([
      { file: 'clusters/prod/apps/secrets/app.db.sops.yaml', path: 'sops.age[0].recipient', message: expect.stringContaining('it lists none (run `ck8s secrets init prod`)') },
    ]);
  });

  it('flags metadata that does not match the file name', async () => {
    repo.write('secrets/demo/app.cache.sops.yaml', ciphertext);
    repo.write('secrets/demo/web.db.sops.yaml', ciphertext);
    expect(await check()).toEqual([
      { file: 'secrets/demo/app.cache.sops.yaml', path: 'metadata.name', message: '"db" does not match the file name app.cache.sops.yaml; expected "cache"' },
      { file: 'secrets/demo/web.db.sops.yaml', path: 'metadata.namespace', message: '"app" does not match the file name web.db.sops.yaml; expected "web"' },
    ]);
  });

  it('flags files in secrets/ outside the layout, whatever their type', async () => {
    repo.write('secrets/demo/db.yaml', ciphertext);
    repo.write('secrets/demo/notes.txt', 'password: hunter2\n');
    repo.write('secrets/ghost/app.db.sops.yaml', ciphertext);
    repo.write('secrets/app.db.sops.yaml', ciphertext);
    repo.write('secrets/demo/old/app.db.sops.yaml', ciphertext);
    expect(await check()).toEqual([
      { file: 'secrets/app.db.sops.yaml', path: '(file name)', message: 'must be in a cluster folder: secrets/<cluster>/<namespace>.<name>.sops.yaml (clusters: demo, prod)' },
      { file: 'secrets/demo/db.yaml', path: '(file name)', message: '"db.yaml" is not <namespace>.<name>.sops.yaml; only sops-encrypted Secrets belong in secrets/' },
      { file: 'secrets/demo/notes.txt', path: '(file name)', message: '"notes.txt" is not <namespace>.<name>.sops.yaml; only sops-encrypted Secrets belong in secrets/' },
      { file: 'secrets/demo/old/app.db.sops.yaml', path: '(file name)', message: 'must be directly in secrets/demo/ as <namespace>.<name>.sops.yaml; subfolders are not allowed' },
      { file: 'secrets/ghost/app.db.sops.yaml', path: '(file name)', message: 'folder "ghost" is not a cluster of this repository; files must be secrets/<cluster>/<namespace>.<name>.sops.yaml (clusters: demo, prod)' },
    ]);
  });

  it('names the temporary file an interrupted command left in secrets/ for what it is', async () => {
    repo.write('secrets/demo/.ck8s-app.db.sops.yaml-99999-abcdefabcdef.tmp', ciphertext);
    expect(await check()).toEqual([
      {
        file: 'secrets/demo/.ck8s-app.db.sops.yaml-99999-abcdefabcdef.tmp',
        path: '(file name)',
        message: 'is the temporary file of an interrupted ck8s command (gitignored); `ck8s synth` removes it once that command has ended',
      },
    ]);
  });

  it('requires exactly one Secret per file in secrets/ and reports invalid YAML', async () => {
    repo.write('secrets/demo/app.db.sops.yaml', `${ciphertext}---\n${ciphertext}`);
    repo.write('secrets/demo/app.cfg.sops.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: app}\n');
    repo.write('secrets/demo/app.bad.sops.yaml', 'kind: Secret\ndata: [\n');
    const problems = await check();
    expect(problems.filter((p) => p.path === '(document root)')).toEqual([
      { file: 'secrets/demo/app.cfg.sops.yaml', path: '(document root)', message: 'must hold exactly one Secret; found kind "ConfigMap"' },
      { file: 'secrets/demo/app.db.sops.yaml', path: '(document root)', message: 'must hold exactly one Secret; found 2 documents' },
    ]);
    expect(problems.find((p) => p.file === 'secrets/demo/app.bad.sops.yaml')?.message).toMatch(/^invalid YAML: /);
  });

  it('passes a repository without secrets/ and ignores cluster.yaml and non-Secret output', async () => {
    rmSync(repo.workspace.secretsDir, { recursive: true, force: true });
    repo.write('clusters/demo/flux-system/sync.yaml', 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nspec:\n  decryption:\n    provider: sops\n    secretRef: {name: sops-age}\n');
    expect(await check()).toEqual([]);
  });
});

describe('plaintext metadata of encrypted Secrets', () => {
  /** The encrypted Secret with metadata added after encryption (sops encrypts data and stringData only). */
  const withMetadata = (metadata: Record<string, unknown>, extra: Record<string, unknown> = {}): string => {
    const doc = parse(ciphertext) as { metadata: Record<string, unknown> };
    Object.assign(doc.metadata, metadata);
    return toYamlStream([{ ...doc, ...extra }]);
  };

  it('flags last-applied-configuration, which holds the whole Secret in plaintext, in secrets/ and in the output', async () => {
    const leaked = JSON.stringify({ apiVersion: 'v1', kind: 'Secret', stringData: { password: PASSWORD } });
    const text = withMetadata({ annotations: { 'kubectl.kubernetes.io/last-applied-configuration': leaked } });
    repo.write('secrets/demo/app.db.sops.yaml', text);
    repo.write('clusters/demo/apps/secrets/app.db.sops.yaml', text);
    const problems = await check();
    expect(problems).toEqual(
      ['secrets/demo/app.db.sops.yaml', 'clusters/demo/apps/secrets/app.db.sops.yaml'].map((file) => ({
        file,
        path: 'metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]',
        message: expect.stringMatching(/^holds the whole Secret in plaintext \(sops leaves everything but data and stringData in plaintext\); remove it/),
      })),
    );
    expectNoValueShown(problems);
  });

  it('allows only the listed labels and annotations, with values of their kind, and only the fields of a Secret', async () => {
    repo.write(
      'secrets/demo/app.db.sops.yaml',
      withMetadata(
        {
          labels: { 'app.kubernetes.io/name': 'db', team: 'a', 'app.kubernetes.io/part-of': `${PASSWORD} with spaces` },
          annotations: { 'kubernetes.io/service-account.name': 'builder', note: PASSWORD, 'kubernetes.io/description': 'x' },
          finalizers: ['x'],
        },
        { type: 'example.com/custom', password: PASSWORD },
      ),
    );
    const problems = await check();
    expect(problems.map((p) => p.path)).toEqual([
      'password',
      'type',
      'metadata.finalizers',
      'metadata.labels["app.kubernetes.io/part-of"]',
      'metadata.labels["team"]',
      'metadata.annotations["kubernetes.io/description"]',
      'metadata.annotations["note"]',
    ]);
    expect(problems.find((p) => p.path === 'metadata.annotations["note"]')?.message).toBe(
      'is not allowed on a committed Secret (sops leaves everything but data and stringData in plaintext); allowed annotations: kubernetes.io/service-account.name',
    );
    expectNoValueShown(problems);
    // the allowed ones alone pass
    repo.write('secrets/demo/app.db.sops.yaml', withMetadata({ labels: { 'app.kubernetes.io/name': 'db' }, annotations: { 'kubernetes.io/service-account.name': 'builder' } }, { type: 'kubernetes.io/service-account-token' }));
    expect(await check()).toEqual([]);
    // the ingress controller's htpasswd type, the one custom type a platform component reads
    repo.write('secrets/demo/app.db.sops.yaml', withMetadata({}, { type: 'nginx.org/htpasswd' }));
    expect(await check()).toEqual([]);
    // synth copies only what passes this (it refuses the rest through encryptionProblems)
    expect(encryptionProblems(parse(withMetadata({ annotations: { note: 'x' } }))).map((p) => p.path)).toEqual(['metadata.annotations["note"]']);
  });
});

describe('Secrets inside lists', () => {
  it('unpacks kind: List and SecretList, nested too, so a plaintext Secret cannot hide in one', async () => {
    const secret = parse(plainSecret('app', 'db'));
    const list = { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, secret, { apiVersion: 'v1', kind: 'SecretList', items: [secret] }] };
    repo.write('clusters/demo/apps/bundle.yaml', toYamlStream([list]));
    repo.write('clusters/demo/apps/bundle.json', JSON.stringify({ apiVersion: 'v1', kind: 'SecretList', items: [secret] }));
    const problems = await check();
    expect(problems.map((p) => `${p.file} ${p.path}`)).toEqual([
      'clusters/demo/apps/bundle.json sops (items[0])',
      'clusters/demo/apps/bundle.json data.password (items[0])',
      'clusters/demo/apps/bundle.yaml sops (items[1])',
      'clusters/demo/apps/bundle.yaml data.password (items[1])',
      'clusters/demo/apps/bundle.yaml sops (items[2], items[0])',
      'clusters/demo/apps/bundle.yaml data.password (items[2], items[0])',
    ]);
    expectNoValueShown(problems);
  });

  it('accepts a List that sops encrypted as a whole (its items share the List\'s sops block)', async () => {
    const file = repo.write('clusters/demo/apps/bundle.yaml', toYamlStream([{ apiVersion: 'v1', kind: 'List', items: [parse(plainSecret('app', 'db'))] }]));
    await sopsCli(['encrypt', '--age', pair.recipient, '--encrypted-regex', '^(data|stringData)$', '--in-place', file], { cwd: repo.base });
    const encrypted = repo.read('clusters/demo/apps/bundle.yaml');
    expect(await check()).toEqual([]);
    expect(encrypted).not.toContain(Buffer.from(PASSWORD).toString('base64'));
  });
});

describe('age private keys in the repository', () => {
  const KEY_LINE = (pair: AgeKeyPair) => pair.identity;

  it('finds a key in any file of a folder that is no git work tree, naming file and line, never the key', async () => {
    repo.write('clusters/demo/cluster.yaml', `${repo.read('clusters/demo/cluster.yaml')}# old key: ${KEY_LINE(pair)}\n`);
    repo.write('notes/handover.md', `# handover\n\nkey:\n\n  ${KEY_LINE(stranger).toLowerCase()}\n`);
    repo.write('node_modules/some-package/fixture.txt', KEY_LINE(pair));
    repo.write('docs/keys.md', 'keys look like AGE-SECRET-KEY-1... and are never committed\n');
    const problems = await check();
    expect(problems.map((p) => `${p.file} ${p.path}`)).toEqual(['clusters/demo/cluster.yaml line 13', 'notes/handover.md line 5']);
    for (const p of problems) {
      expect(p.message).toMatch(/^holds an age private key \(AGE-SECRET-KEY-\.\.\.\); private keys never belong in the repository/);
      expect(p.message).not.toContain(pair.identity.slice(16));
    }
  });

  it('in a git work tree: tracked and untracked files, and ignored ones under clusters/ and secrets/ and scratch at the root', async () => {
    const root = repo.workspace.root;
    repo.write('.gitignore', '*.bak\n.ck8s-*\nbuild/\nnode_modules/\n');
    execFileSync('git', ['init', '-q'], { cwd: root });
    repo.write('tracked.txt', KEY_LINE(pair));
    execFileSync('git', ['add', 'tracked.txt'], { cwd: root });
    repo.write('untracked.txt', `\n${KEY_LINE(pair)}`);
    repo.write('clusters/demo.bak', KEY_LINE(pair));
    repo.write('clusters/demo/.ck8s-previous-abc/tenants/x.yaml', KEY_LINE(pair));
    // folders skipped elsewhere are read under clusters/ and secrets/
    repo.write('clusters/demo/node_modules/x.yaml', KEY_LINE(pair));
    repo.write('secrets/demo/.ck8s-app.db.sops.yaml-1-abcdefabcdef.tmp', KEY_LINE(pair));
    repo.write('.ck8s-.sops.yaml-1-abcdefabcdef.tmp', KEY_LINE(pair));
    // ignored elsewhere: build output git never commits is left alone (dependencies, caches)
    repo.write('build/cache.txt', KEY_LINE(pair));
    expect((await findAgePrivateKeys(repo.workspace)).map((p) => `${p.file} ${p.path}`)).toEqual([
      '.ck8s-.sops.yaml-1-abcdefabcdef.tmp line 1',
      'clusters/demo.bak line 1',
      'clusters/demo/.ck8s-previous-abc/tenants/x.yaml line 1',
      'clusters/demo/node_modules/x.yaml line 1',
      'secrets/demo/.ck8s-app.db.sops.yaml-1-abcdefabcdef.tmp line 1',
      'tracked.txt line 1',
      'untracked.txt line 2',
    ]);
  });
  it('in a git work tree the secrets check reports each key once, tracked under clusters/ and secrets/ or not, and follows no link', async () => {
    const root = repo.workspace.root;
    repo.write('.gitignore', '*.bak\n');
    repo.write('clusters/demo/apps/notes.txt', `\n\n${KEY_LINE(pair)}`);
    repo.write('secrets/demo/app.db.sops.yaml', KEY_LINE(pair));
    repo.write('clusters/demo.bak', KEY_LINE(pair));
    repo.write('docs/runbook.md', KEY_LINE(pair));
    // a link is no committed key: git commits the link, not what it points to
    repo.write('outside/keys.txt', KEY_LINE(pair));
    symlinkSync(path.join(root, 'outside/keys.txt'), path.join(root, 'clusters/demo/apps/keys.txt'));
    execFileSync('git', ['init', '-q'], { cwd: root });
    execFileSync('git', ['add', 'clusters', 'secrets', 'docs'], { cwd: root });
    const keys = (await check()).filter((p) => p.message.startsWith('holds an age private key'));
    expect(keys.map((p) => `${p.file} ${p.path}`)).toEqual([
      'clusters/demo.bak line 1',
      'clusters/demo/apps/notes.txt line 3',
      'docs/runbook.md line 1',
      'outside/keys.txt line 1',
      'secrets/demo/app.db.sops.yaml line 1',
    ]);
    expect((await findAgePrivateKeys(repo.workspace)).map((p) => `${p.file} ${p.path}`)).toEqual(keys.map((p) => `${p.file} ${p.path}`));
  });
});

describe('isSopsEncrypted', () => {
  it('is true for sops output and false for plaintext or partial encryption', () => {
    expect(isSopsEncrypted(parse(ciphertext))).toBe(true);
    expect(isSopsEncrypted(parse(toYamlStream([secretManifest('app', 'db', { a: 'b' })])))).toBe(false);
    const partial = parse(ciphertext) as { data: Record<string, string> };
    partial.data.more = 'YWJj';
    expect(isSopsEncrypted(partial)).toBe(false);
    expect(isSopsEncrypted(null)).toBe(false);
    expect(isSopsEncrypted({ sops: { mac: 'x', age: [{ recipient: 'age1', enc: 'e' }] } })).toBe(false);
  });
});
