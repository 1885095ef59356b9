import { rmSync } from 'node:fs';
import { toYamlStream } from '@ck8s/core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type AgeKeyPair, checkSecrets, generateAgeKeyPair, isSopsEncrypted, readAllAgeRecipients, secretManifest } from '../src/index.js';
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
  it('passes a correct encrypted file in secrets/ and its verbatim copy in the cluster output', () => {
    repo.write('secrets/demo/app.db.sops.yaml', ciphertext);
    repo.write('clusters/demo/apps/secrets/app.db.sops.yaml', ciphertext);
    repo.write('clusters/demo/apps/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [secrets/app.db.sops.yaml]\n');
    expect(check()).toEqual([]);
  });

  it('flags a plaintext Secret dropped into secrets/demo/ by key, never showing the value', () => {
    repo.write('secrets/demo/app.db.sops.yaml', plainSecret('app', 'db'));
    const problems = check();
    expect(problems).toEqual([
      { file: 'secrets/demo/app.db.sops.yaml', path: 'sops', message: expect.stringMatching(/^is missing: the document is not sops-encrypted/) },
      { file: 'secrets/demo/app.db.sops.yaml', path: 'data.password', message: 'is not encrypted; only ENC[AES256_GCM,...] values written by sops are allowed here' },
    ]);
    expectNoValueShown(problems);
  });

  it('flags a plaintext Secret in generated cluster output, in a multi-document file', () => {
    const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: plain-is-fine\n';
    repo.write('clusters/demo/apps/app.yaml', `${configMap}---\n${plainSecret('app', 'db')}`);
    const problems = check();
    expect(problems.map((p) => `${p.file} ${p.path}`)).toEqual(['clusters/demo/apps/app.yaml sops (document 2)', 'clusters/demo/apps/app.yaml data.password (document 2)']);
    expectNoValueShown(problems);
  });

  it('flags a partly encrypted Secret: one value added in plaintext after encryption', () => {
    repo.write('secrets/demo/app.db.sops.yaml', ciphertext.replace('\ndata:\n', '\ndata:\n    extra: c2VjcmV0\n'));
    expect(check()).toEqual([{ file: 'secrets/demo/app.db.sops.yaml', path: 'data.extra', message: expect.stringMatching(/^is not encrypted/) }]);
  });

  it('flags a sops block without mac or age recipients', () => {
    const doc = parse(ciphertext) as { sops: Record<string, unknown> };
    delete doc.sops.mac;
    doc.sops.age = [];
    repo.write('secrets/demo/app.db.sops.yaml', toYamlStream([doc]));
    expect(check().map((p) => p.path)).toEqual(['sops.mac', 'sops.age']);
  });

  it('flags a file encrypted to a recipient the cluster does not list, naming the listed ones', async () => {
    const file = repo.write('secrets/demo/app.db.sops.yaml', plainSecret('app', 'db'));
    // encrypted directly with the sops CLI, bypassing .sops.yaml
    await sopsCli(['encrypt', '--age', stranger.recipient, '--encrypted-regex', '^(data|stringData)$', '--in-place', file], { cwd: repo.base });
    expect(isSopsEncrypted(parse(repo.read('secrets/demo/app.db.sops.yaml')))).toBe(true);
    expect(check()).toEqual([
      {
        file: 'secrets/demo/app.db.sops.yaml',
        path: 'sops.age[0].recipient',
        message: `${stranger.recipient} is not an age recipient of cluster "demo" (sops.ageRecipients in clusters/demo/cluster.yaml; it lists ${pair.recipient}); re-encrypt the file for the cluster's recipients`,
      },
    ]);
  });

  it("flags a copy of another cluster's Secret in a cluster's output", () => {
    repo.write('clusters/prod/apps/secrets/app.db.sops.yaml', ciphertext);
    expect(check()).toEqual([
      { file: 'clusters/prod/apps/secrets/app.db.sops.yaml', path: 'sops.age[0].recipient', message: expect.stringContaining('it lists none (run `ck8s secrets init prod`)') },
    ]);
  });

  it('flags metadata that does not match the file name', () => {
    repo.write('secrets/demo/app.cache.sops.yaml', ciphertext);
    repo.write('secrets/demo/web.db.sops.yaml', ciphertext);
    expect(check()).toEqual([
      { file: 'secrets/demo/app.cache.sops.yaml', path: 'metadata.name', message: '"db" does not match the file name app.cache.sops.yaml; expected "cache"' },
      { file: 'secrets/demo/web.db.sops.yaml', path: 'metadata.namespace', message: '"app" does not match the file name web.db.sops.yaml; expected "web"' },
    ]);
  });

  it('flags files in secrets/ outside the layout, whatever their type', () => {
    repo.write('secrets/demo/db.yaml', ciphertext);
    repo.write('secrets/demo/notes.txt', 'password: hunter2\n');
    repo.write('secrets/ghost/app.db.sops.yaml', ciphertext);
    repo.write('secrets/app.db.sops.yaml', ciphertext);
    repo.write('secrets/demo/old/app.db.sops.yaml', ciphertext);
    expect(check()).toEqual([
      { file: 'secrets/app.db.sops.yaml', path: '(file name)', message: 'must be in a cluster folder: secrets/<cluster>/<namespace>.<name>.sops.yaml (clusters: demo, prod)' },
      { file: 'secrets/demo/db.yaml', path: '(file name)', message: '"db.yaml" is not <namespace>.<name>.sops.yaml; only sops-encrypted Secrets belong in secrets/' },
      { file: 'secrets/demo/notes.txt', path: '(file name)', message: '"notes.txt" is not <namespace>.<name>.sops.yaml; only sops-encrypted Secrets belong in secrets/' },
      { file: 'secrets/demo/old/app.db.sops.yaml', path: '(file name)', message: 'must be directly in secrets/demo/ as <namespace>.<name>.sops.yaml; subfolders are not allowed' },
      { file: 'secrets/ghost/app.db.sops.yaml', path: '(file name)', message: 'folder "ghost" is not a cluster of this repository; files must be secrets/<cluster>/<namespace>.<name>.sops.yaml (clusters: demo, prod)' },
    ]);
  });

  it('requires exactly one Secret per file in secrets/ and reports invalid YAML', () => {
    repo.write('secrets/demo/app.db.sops.yaml', `${ciphertext}---\n${ciphertext}`);
    repo.write('secrets/demo/app.cfg.sops.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: app}\n');
    repo.write('secrets/demo/app.bad.sops.yaml', 'kind: Secret\ndata: [\n');
    const problems = check();
    expect(problems.filter((p) => p.path === '(document root)')).toEqual([
      { file: 'secrets/demo/app.cfg.sops.yaml', path: '(document root)', message: 'must hold exactly one Secret; found kind "ConfigMap"' },
      { file: 'secrets/demo/app.db.sops.yaml', path: '(document root)', message: 'must hold exactly one Secret; found 2 documents' },
    ]);
    expect(problems.find((p) => p.file === 'secrets/demo/app.bad.sops.yaml')?.message).toMatch(/^invalid YAML: /);
  });

  it('passes a repository without secrets/ and ignores cluster.yaml and non-Secret output', () => {
    rmSync(repo.workspace.secretsDir, { recursive: true, force: true });
    repo.write('clusters/demo/flux-system/sync.yaml', 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nspec:\n  decryption:\n    provider: sops\n    secretRef: {name: sops-age}\n');
    expect(check()).toEqual([]);
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
