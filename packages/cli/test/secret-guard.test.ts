import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { generateAgeKeyPair } from '@ck8s/secrets';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { changedFiles, ck8s, copyRepo, REPO_ROOT, snapshot } from './repo-fixture.js';

const TOKEN = 'ghp_tokenTOKENtoken0123456789';
const PLAINTEXT = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'leak', namespace: 'team-a' }, stringData: { password: 'hunter2' } };

/** A copy of the repository that is a git work tree with the project's .gitignore. */
function gitRepo(): string {
  const repo = copyRepo();
  cpSync(path.join(REPO_ROOT, '.gitignore'), path.join(repo, '.gitignore'));
  execFileSync('git', ['init', '-q'], { cwd: repo });
  return repo;
}

describe('the secret guard covers every path', () => {
  const saved = { file: process.env.SOPS_AGE_KEY_FILE, key: process.env.SOPS_AGE_KEY };
  afterEach(() => {
    for (const [name, value] of [
      ['SOPS_AGE_KEY_FILE', saved.file],
      ['SOPS_AGE_KEY', saved.key],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('rejects credentials in the Git URL at load, naming file and field, never the token, and writes nothing', async () => {
    const repo = copyRepo();
    const config = path.join(repo, 'clusters/demo-wc/cluster.yaml');
    const text = readFileSync(config, 'utf8');
    const repository = parse(text).gitops.repository as string;
    writeFileSync(config, text.replace(repository, repository.replace('://', `://deploy:${TOKEN}@`).replace(/^ssh:/, 'https:')));
    const before = snapshot(repo);
    for (const command of [['synth'], ['validate'], ['secrets', 'check']]) {
      const result = await ck8s(repo, command);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        'clusters/demo-wc/cluster.yaml: gitops.repository: holds a URL with credentials in it (a user name and password before "@")',
      );
      expect(result.stderr + result.stdout).not.toContain(TOKEN);
    }
    expect(changedFiles(before, snapshot(repo))).toEqual([]);
  });

  it('refuses to copy a Secret with plaintext annotations into the output, and validate fails on one there', async () => {
    const repo = copyRepo();
    const file = path.join(repo, 'secrets/demo-wc/team-a.app-database.sops.yaml');
    const leaked = JSON.stringify({ ...PLAINTEXT, metadata: { name: 'app-database', namespace: 'team-a' } });
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        'namespace: team-a\n',
        `namespace: team-a\n    annotations:\n        kubectl.kubernetes.io/last-applied-configuration: '${leaked}'\n`,
      ),
    );
    const synth = await ck8s(repo, ['synth']);
    expect(synth.code).toBe(1);
    expect(synth.stderr).toContain(
      'secrets/demo-wc/team-a.app-database.sops.yaml: metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]: holds the whole Secret in plaintext',
    );
    expect(synth.stderr).toContain('(not copied into the cluster output)');
    expect(readFileSync(path.join(repo, 'clusters/demo-wc/tenants/secrets/team-a.app-database.sops.yaml'), 'utf8')).not.toContain('last-applied');
    const check = await ck8s(repo, ['secrets', 'check']);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(
      'secrets: secrets/demo-wc/team-a.app-database.sops.yaml: metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]: holds the whole Secret in plaintext',
    );
    expect(check.stdout).not.toContain('hunter2');
  });

  it('unpacks a kind: List in the output: a plaintext Secret inside one fails secrets check and validate', async () => {
    const repo = copyRepo();
    writeFileSync(
      path.join(repo, 'clusters/demo-wc/tenants/bundle.yaml'),
      `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [PLAINTEXT] })}\n`,
    );
    for (const command of [['secrets', 'check'], ['validate']]) {
      const result = await ck8s(repo, command);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('clusters/demo-wc/tenants/bundle.yaml: stringData.password (items[0]): is not encrypted');
      expect(result.stdout).not.toContain('hunter2');
    }
  });

  it('finds an age private key in cluster.yaml, at the root, in clusters/*.bak and in scratch folders, tracked, untracked or ignored', async () => {
    const repo = gitRepo();
    const { identity } = await generateAgeKeyPair();
    const config = path.join(repo, 'clusters/demo-wc/cluster.yaml');
    writeFileSync(config, `${readFileSync(config, 'utf8')}# the key, for now: ${identity}\n`);
    writeFileSync(path.join(repo, 'keys.backup'), `${identity}\n`);
    cpSync(config, path.join(repo, 'clusters/demo-wc.bak'));
    mkdirSync(path.join(repo, 'clusters/demo-wc/.ck8s-previous-x1'), { recursive: true });
    writeFileSync(path.join(repo, 'clusters/demo-wc/.ck8s-previous-x1/cluster.yaml'), `${identity}\n`);
    const line = readFileSync(config, 'utf8').split('\n').length - 1;
    for (const command of [['secrets', 'check'], ['validate']]) {
      const result = await ck8s(repo, command);
      expect(result.code).toBe(1);
      for (const where of [
        `clusters/demo-wc.bak: line ${line}`,
        `clusters/demo-wc/.ck8s-previous-x1/cluster.yaml: line 1`,
        `clusters/demo-wc/cluster.yaml: line ${line}`,
        'keys.backup: line 1',
      ]) {
        expect(result.stdout).toContain(`${where}: holds an age private key (AGE-SECRET-KEY-...)`);
      }
      expect(result.stdout + result.stderr).not.toContain(identity.slice('AGE-SECRET-KEY-1'.length));
    }
  });

  it('secrets check --decrypt needs a key, and with one names a file whose MAC was tampered with', async () => {
    delete process.env.SOPS_AGE_KEY_FILE;
    delete process.env.SOPS_AGE_KEY;
    const repo = copyRepo();
    expect(await ck8s(repo, ['secrets', 'check', '--decrypt'])).toMatchObject({
      code: 1,
      stderr:
        'ck8s: --decrypt needs the private key(s) of the clusters: set SOPS_AGE_KEY_FILE to an age key file (or SOPS_AGE_KEY to a key); nothing was checked\n',
    });

    // a second key for demo-wc, a Secret encrypted to it, its copy in the output with a changed MAC
    const keyFile = path.join(mkdtempSync(path.join(tmpdir(), 'ck8s-key-')), 'demo-wc.agekey');
    expect((await ck8s(repo, ['secrets', 'init', 'demo-wc', '--key-file', keyFile])).code).toBe(0);
    expect((await ck8s(repo, ['secrets', 'set', 'demo-wc', 'team-a/probe', '--stdin', 'value', '--replace'], 'probe-value')).code).toBe(0);
    expect((await ck8s(repo, ['synth'])).code).toBe(0);
    const copy = path.join(repo, 'clusters/demo-wc/tenants/secrets/team-a.probe.sops.yaml');
    writeFileSync(
      copy,
      readFileSync(copy, 'utf8').replace(/(mac: ENC\[AES256_GCM,data:)(.)/, (_m, head: string, c: string) => `${head}${c === 'A' ? 'B' : 'A'}`),
    );
    process.env.SOPS_AGE_KEY_FILE = keyFile;
    const result = await ck8s(repo, ['secrets', 'check', '--decrypt', '--cluster', 'demo-wc']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('secrets: clusters/demo-wc/tenants/secrets/team-a.probe.sops.yaml: (file): cannot be decrypted: ');
    // the demo Secrets were encrypted before this key existed: it cannot vouch for them
    expect(result.stdout).toContain(
      'secrets: secrets/demo-wc/team-a.app-database.sops.yaml: (file): cannot be verified: no key in SOPS_AGE_KEY_FILE opens it',
    );
    expect(result.stdout).toMatch(/; 1 encrypted file\(s\) decrypted in memory with intact MAC\n$/);
    expect(result.stdout).not.toContain('probe-value');
    expect(result.stdout).not.toContain('secrets/demo-sc/');
  });
});
