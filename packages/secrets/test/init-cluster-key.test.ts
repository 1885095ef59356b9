import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { addAgeRecipient, generateAgeKeyPair, initClusterKey, readAllAgeRecipients, renderSopsConfig, setSecret } from '../src/index.js';
import { createTempRepo, sopsCli, type TempRepo, tools } from './helpers.js';

let repo: TempRepo;
let existing: string;

beforeEach(async () => {
  existing = (await generateAgeKeyPair()).recipient;
  repo = createTempRepo({ demo: [existing], other: [] });
});
afterEach(() => repo.cleanup());

const clusterText = (name: string) => repo.read(`clusters/${name}/cluster.yaml`);

describe('initClusterKey', () => {
  it('writes the key file (0600, age-keygen format), appends the recipient keeping comments, and regenerates .sops.yaml', async () => {
    const before = clusterText('demo');
    const keyFile = repo.keyPath('demo.agekey');
    const result = await initClusterKey({ workspace: repo.workspace, cluster: 'demo', keyFile, now: new Date('2025-06-01T10:00:00Z') });

    expect(result.keyFile).toBe(keyFile);
    expect(result.keyFileText).toBeUndefined();
    expect(result.changedFiles).toEqual(['clusters/demo/cluster.yaml', '.sops.yaml']);
    expect(result.loadCommand).toBe(`kubectl create secret generic sops-age --namespace=flux-system --from-file=age.agekey=${keyFile}`);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const lines = readFileSync(keyFile, 'utf8').split('\n');
    expect(lines[0]).toBe('# created: 2025-06-01T10:00:00Z');
    expect(lines[1]).toBe(`# public key: ${result.recipient}`);
    expect(lines[2]).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]{58}$/);
    expect((await execa(tools.ageKeygen, ['-y', keyFile])).stdout).toBe(result.recipient);

    const after = clusterText('demo');
    // every original line (comments included) is still there, and the new recipient follows the old one
    expect(after).toBe(before.replace(`    - ${existing} # ops team\n`, `    - ${existing} # ops team\n    - ${result.recipient}\n`));
    expect(repo.read('.sops.yaml')).toBe(renderSopsConfig(new Map([['demo', [existing, result.recipient]], ['other', []]])));
  });

  it('gives a key that decrypts what setSecret writes afterwards', async () => {
    const keyFile = repo.keyPath('other.agekey');
    await initClusterKey({ workspace: repo.workspace, cluster: 'other', keyFile });
    const file = await setSecret({ workspace: repo.workspace, cluster: 'other', secret: 'app/api', entries: { token: 'xyz' }, sops: repo.sops, env: {} });
    const out = await sopsCli(['decrypt', file], { cwd: repo.workspace.root, env: { SOPS_AGE_KEY_FILE: keyFile } });
    expect(parse(out.stdout)).toMatchObject({ data: { token: Buffer.from('xyz').toString('base64') } });
  });

  it('refuses a key path inside the repository, also through a symlinked folder, and changes nothing', async () => {
    const before = clusterText('demo');
    const sopsConfig = repo.read('.sops.yaml');
    const inside = path.join(repo.workspace.root, 'keys', 'demo.agekey');
    await expect(initClusterKey({ workspace: repo.workspace, cluster: 'demo', keyFile: inside })).rejects.toThrow(/^key file .* is inside the repository .*; private keys must never be committed/);
    const link = path.join(repo.base, 'link-to-repo');
    symlinkSync(repo.workspace.root, link);
    await expect(initClusterKey({ workspace: repo.workspace, cluster: 'demo', keyFile: path.join(link, 'demo.agekey') })).rejects.toThrow(/is inside the repository/);
    expect(existsSync(inside)).toBe(false);
    expect(existsSync(path.join(repo.workspace.root, 'demo.agekey'))).toBe(false);
    expect(clusterText('demo')).toBe(before);
    expect(repo.read('.sops.yaml')).toBe(sopsConfig);
  });

  it('refuses to overwrite an existing key file unless forced', async () => {
    const keyFile = repo.keyPath('demo.agekey');
    mkdirSync(path.dirname(keyFile), { recursive: true });
    writeFileSync(keyFile, 'precious\n', { mode: 0o644 });
    await expect(initClusterKey({ workspace: repo.workspace, cluster: 'demo', keyFile })).rejects.toThrow(`key file ${keyFile} already exists; refusing to overwrite a private key`);
    expect(readFileSync(keyFile, 'utf8')).toBe('precious\n');
    const result = await initClusterKey({ workspace: repo.workspace, cluster: 'demo', keyFile, force: true });
    expect(readFileSync(keyFile, 'utf8')).toContain(`# public key: ${result.recipient}\n`);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
  });

  it('returns the key for stdout when no key file is given', async () => {
    const result = await initClusterKey({ workspace: repo.workspace, cluster: 'other' });
    expect(result.keyFile).toBeUndefined();
    expect(result.keyFileText).toMatch(new RegExp(`^# created: .*\\n# public key: ${result.recipient}\\nAGE-SECRET-KEY-1[0-9A-Z]{58}\\n$`));
    expect(result.loadCommand).toBe('kubectl create secret generic sops-age --namespace=flux-system --from-file=age.agekey=/dev/stdin');
    expect(readAllAgeRecipients(repo.workspace).get('other')).toEqual([result.recipient]);
    // `other` had no recipients, so it had no rule; now it has one
    expect(repo.read('.sops.yaml')).toContain(`(secrets|clusters)/other/.*\\.sops\\.yaml$\n    encrypted_regex: ^(data|stringData)$\n    age: ${result.recipient}\n`);
  });

  it('quotes a key path with spaces in the load command', async () => {
    const keyFile = path.join(repo.base, 'my keys', "demo's.agekey");
    const result = await initClusterKey({ workspace: repo.workspace, cluster: 'demo', keyFile });
    expect(result.loadCommand).toBe(`kubectl create secret generic sops-age --namespace=flux-system --from-file=age.agekey='${keyFile.replace("'", "'\\''")}'`);
  });

  it('reports an unknown cluster and a broken cluster.yaml elsewhere before writing anything', async () => {
    await expect(initClusterKey({ workspace: repo.workspace, cluster: 'nope' })).rejects.toThrow(/unknown cluster "nope".*clusters: demo, other/);
    writeFileSync(repo.workspace.clusterConfigFile('other'), 'name: other\nsops:\n  ageRecipients: [not-a-key]\n');
    const keyFile = repo.keyPath('demo.agekey');
    await expect(initClusterKey({ workspace: repo.workspace, cluster: 'demo', keyFile })).rejects.toThrow(
      'clusters/other/cluster.yaml: sops.ageRecipients[0]: "not-a-key" is not an age X25519 recipient',
    );
    expect(existsSync(keyFile)).toBe(false);
  });
});

describe('addAgeRecipient', () => {
  const R = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';

  it('creates the sops block when missing, keeping comments', () => {
    const text = '# my cluster\nname: demo # folder name\n\n# tenants below\ntenants: []\n';
    expect(addAgeRecipient(text, R, 'c.yaml')).toBe(`# my cluster\nname: demo # folder name\n\n# tenants below\ntenants: []\nsops:\n  ageRecipients:\n    - ${R}\n`);
  });

  it('fills an empty sops block or list as block style', () => {
    expect(addAgeRecipient('name: demo\nsops: {}\n', R, 'c.yaml')).toBe(`name: demo\nsops:\n  ageRecipients:\n    - ${R}\n`);
    expect(addAgeRecipient('name: demo\nsops:\n  ageRecipients: []\n', R, 'c.yaml')).toBe(`name: demo\nsops:\n  ageRecipients:\n    - ${R}\n`);
    expect(addAgeRecipient('name: demo\nsops:\n', R, 'c.yaml')).toBe(`name: demo\nsops:\n  ageRecipients:\n    - ${R}\n`);
  });

  it('leaves the text alone when the recipient is listed, and rejects wrong shapes', () => {
    const text = `sops:\n  ageRecipients:\n    - ${R} # me\n`;
    expect(addAgeRecipient(text, R, 'c.yaml')).toBe(text);
    expect(() => addAgeRecipient('sops: [a]\n', R, 'c.yaml')).toThrow('c.yaml: sops: ["a"] is not a mapping');
    expect(() => addAgeRecipient('sops:\n  ageRecipients: age1x\n', R, 'c.yaml')).toThrow('c.yaml: sops.ageRecipients: "age1x" is not a list');
    expect(() => addAgeRecipient('sops: [\n', R, 'c.yaml')).toThrow(/c\.yaml: line \d+ column \d+: invalid YAML/);
  });
});
