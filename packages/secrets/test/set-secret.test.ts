import { readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type AgeKeyPair, ageRecipientsOf, generateAgeKeyPair, setSecret } from '../src/index.js';
import { allFiles, clusterYaml, createTempRepo, sopsCli, type TempRepo, writeKeyFile } from './helpers.js';

const FILE = 'secrets/demo/app.db.sops.yaml';

let pair: AgeKeyPair;
let repo: TempRepo;
let keyFile: string;

beforeAll(async () => {
  pair = await generateAgeKeyPair();
});
beforeEach(() => {
  repo = createTempRepo({ demo: [pair.recipient], bare: [] });
  keyFile = writeKeyFile(repo, 'demo.agekey', pair);
});
afterEach(() => repo.cleanup());

/** Decrypts with the real sops CLI and decodes `data`. */
async function readSecret(file: string): Promise<{ doc: Record<string, unknown>; values: Record<string, string> }> {
  const out = await sopsCli(['decrypt', path.join(repo.workspace.root, file)], { cwd: repo.workspace.root, env: { SOPS_AGE_KEY_FILE: keyFile } });
  const doc = parse(out.stdout) as Record<string, unknown>;
  const data = doc.data as Record<string, string>;
  return { doc, values: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')])) };
}

const set = (entries: Record<string, string>, extra: { replace?: boolean; env?: NodeJS.ProcessEnv; ageKey?: string; type?: string } = {}) =>
  setSecret({ workspace: repo.workspace, cluster: 'demo', secret: 'app/db', entries, sops: repo.sops, env: {}, ...extra });

describe('setSecret', () => {
  it('creates the encrypted file and returns its repository path; no plaintext lands anywhere in the repository', async () => {
    expect(await set({ password: 's3cr3t-value-1', user: 'svc-db' })).toBe(FILE);
    const { doc, values } = await readSecret(FILE);
    expect(values).toEqual({ password: 's3cr3t-value-1', user: 'svc-db' });
    expect(doc).toMatchObject({ apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: 'db', namespace: 'app' } });
    expect(ageRecipientsOf(parse(repo.read(FILE)))).toEqual([pair.recipient]);
    for (const [file, content] of allFiles(repo.workspace.root)) {
      for (const value of ['s3cr3t-value-1', Buffer.from('s3cr3t-value-1').toString('base64')]) expect(content, file).not.toContain(value);
    }
    // the atomic write leaves no temporary file behind
    expect(readdirSync(path.join(repo.workspace.root, 'secrets/demo'))).toEqual(['app.db.sops.yaml']);
  });

  it('merges into the existing Secret with the key from SOPS_AGE_KEY_FILE; new values win', async () => {
    await set({ password: 'old', user: 'svc-db' });
    await set({ password: 'new', port: '5432' }, { env: { SOPS_AGE_KEY_FILE: keyFile } });
    expect((await readSecret(FILE)).values).toEqual({ password: 'new', port: '5432', user: 'svc-db' });
  });

  it('merges with the key from SOPS_AGE_KEY and keeps labels added to the Secret', async () => {
    await set({ a: '1' });
    // someone labelled the Secret with sops: decrypt, edit, encrypt again
    const edit = async (change: (plain: string) => string): Promise<void> => {
      const plain = change((await sopsCli(['decrypt', FILE], { cwd: repo.workspace.root, env: { SOPS_AGE_KEY_FILE: keyFile } })).stdout);
      repo.write(FILE, (await sopsCli(['encrypt', '--filename-override', FILE, '--input-type', 'yaml', '--output-type', 'yaml'], { cwd: repo.workspace.root, input: plain })).stdout);
    };
    await edit((plain) => plain.replace('    name: db\n', '    name: db\n    labels:\n        app.kubernetes.io/part-of: data\n'));
    await set({ b: '2' }, { env: { SOPS_AGE_KEY: pair.identity } });
    const { doc, values } = await readSecret(FILE);
    expect(values).toEqual({ a: '1', b: '2' });
    expect(doc.metadata).toEqual({ name: 'db', namespace: 'app', labels: { 'app.kubernetes.io/part-of': 'data' } });
    // a label outside the allow-list is plaintext the platform does not commit
    await edit((plain) => plain.replace('app.kubernetes.io/part-of: data', 'team: data'));
    const before = repo.read(FILE);
    await expect(set({ c: '3' }, { env: { SOPS_AGE_KEY: pair.identity } })).rejects.toThrow(`${FILE} cannot be committed: metadata.labels["team"] is not allowed on a committed Secret`);
    expect(repo.read(FILE)).toBe(before);
  });

  it('refuses to merge without a key, names both ways out, and leaves the file alone', async () => {
    await set({ password: 'old' });
    const before = repo.read(FILE);
    await expect(set({ password: 'new' })).rejects.toThrow(
      `${FILE} exists, and merging keys into it needs its plaintext: set SOPS_AGE_KEY_FILE (or SOPS_AGE_KEY) to the private age key of cluster "demo", or use the replace option to overwrite the Secret with only the given keys`,
    );
    expect(repo.read(FILE)).toBe(before);
  });

  it('replaces the Secret without a key when asked to', async () => {
    await set({ password: 'old', user: 'svc-db' });
    await set({ token: 't' }, { replace: true });
    expect((await readSecret(FILE)).values).toEqual({ token: 't' });
  });

  it("sets the Secret's type when given, on a new Secret and over an existing one's; keeps the existing type otherwise", async () => {
    await set({ htpasswd: 'u:h\n' }, { type: 'nginx.org/htpasswd' });
    expect(parse(repo.read(FILE)).type).toBe('nginx.org/htpasswd');
    await set({ extra: 'x' }, { env: { SOPS_AGE_KEY_FILE: keyFile } });
    expect((await readSecret(FILE)).doc.type).toBe('nginx.org/htpasswd');
    await set({ more: 'y' }, { env: { SOPS_AGE_KEY_FILE: keyFile }, type: 'Opaque' });
    const { doc, values } = await readSecret(FILE);
    expect(doc.type).toBe('Opaque');
    expect(values).toEqual({ extra: 'x', htpasswd: 'u:h\n', more: 'y' });
    const before = repo.read(FILE);
    await expect(set({ a: 'b' }, { replace: true, type: 'example.com/custom' })).rejects.toThrow(/secret type "example.com\/custom" is not allowed/);
    expect(repo.read(FILE)).toBe(before);
  });

  it('refuses a key that cannot decrypt the existing file', async () => {
    await set({ password: 'old' });
    const stranger = await generateAgeKeyPair();
    await expect(set({ password: 'new' }, { ageKey: stranger.identity })).rejects.toThrow(`cannot decrypt ${FILE}: the age key is not one of its recipients (encrypted to ${pair.recipient})`);
  });

  it('requires the cluster to list a recipient', async () => {
    await expect(setSecret({ workspace: repo.workspace, cluster: 'bare', secret: 'app/db', entries: { a: 'b' }, sops: repo.sops })).rejects.toThrow(
      'cluster "bare" lists no age recipients (sops.ageRecipients in clusters/bare/cluster.yaml); run `ck8s secrets init bare` to create its key first',
    );
    await expect(setSecret({ workspace: repo.workspace, cluster: 'nope', secret: 'app/db', entries: { a: 'b' }, sops: repo.sops })).rejects.toThrow(/unknown cluster "nope".*clusters: bare, demo/);
  });

  it('writes nothing when .sops.yaml is out of date with cluster.yaml', async () => {
    const added = await generateAgeKeyPair();
    writeFileSync(repo.workspace.clusterConfigFile('demo'), clusterYaml('demo', [pair.recipient, added.recipient]));
    await expect(set({ a: 'b' })).rejects.toThrow(/^\.sops\.yaml encrypts secrets\/demo\/app\.db\.sops\.yaml to age1.*regenerate \.sops\.yaml with `ck8s synth` and retry; nothing was written$/);
    expect(allFiles(repo.workspace.root).has(FILE)).toBe(false);
  });

  it('validates the secret reference and keys before anything runs', async () => {
    await expect(setSecret({ workspace: repo.workspace, cluster: 'demo', secret: 'db', entries: { a: 'b' }, sops: repo.sops })).rejects.toThrow(/secret "db" is not <namespace>\/<name>/);
    await expect(set({ 'bad key': 'x' })).rejects.toThrow(/secret key "bad key" is not allowed/);
    await expect(set({})).rejects.toThrow(/no keys given for secret app\/db/);
  });
});
