import { toYamlStream } from '@ck8s/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ageRecipientsOf, type AgeKeyPair, generateAgeKeyPair, isSopsEncrypted, secretManifest, SopsError } from '../src/index.js';
import { createTempRepo, sopsCli, type TempRepo, writeKeyFile } from './helpers.js';

const VALUES = { password: 'correct horse battery staple', username: 'admin-user-42', 'config.json': '{"token":"tok-8f3a"}' };
const FILE = 'secrets/demo/app.db.sops.yaml';

let repo: TempRepo;
let first: AgeKeyPair;
let second: AgeKeyPair;
let firstKeyFile: string;
let secondKeyFile: string;
let plaintext: string;

beforeAll(async () => {
  first = await generateAgeKeyPair();
  second = await generateAgeKeyPair();
  repo = createTempRepo({ demo: [first.recipient, second.recipient], bare: [] });
  firstKeyFile = writeKeyFile(repo, 'first.agekey', first);
  secondKeyFile = writeKeyFile(repo, 'second.agekey', second);
  plaintext = toYamlStream([secretManifest('app', 'db', VALUES)]);
});
afterAll(() => repo.cleanup());

function decodedData(yamlText: string): Record<string, string> {
  const data = (parse(yamlText) as { data: Record<string, string> }).data;
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
}

describe('Sops.encrypt', () => {
  it('writes what the real sops CLI decrypts to the exact original values, for every recipient of the rule', async () => {
    const ciphertext = await repo.sops.encrypt(plaintext, { filename: FILE });
    expect(isSopsEncrypted(parse(ciphertext))).toBe(true);
    expect(ageRecipientsOf(parse(ciphertext))).toEqual([first.recipient, second.recipient]);
    for (const keyFile of [firstKeyFile, secondKeyFile]) {
      const out = await sopsCli(['decrypt', '--input-type', 'yaml', '--output-type', 'yaml'], { cwd: repo.workspace.root, input: ciphertext, env: { SOPS_AGE_KEY_FILE: keyFile } });
      expect(decodedData(out.stdout)).toEqual(VALUES);
      expect(parse(out.stdout)).toEqual(parse(plaintext));
    }
  });

  it('leaves no plaintext value in the ciphertext, neither raw nor base64', async () => {
    const ciphertext = await repo.sops.encrypt(plaintext, { filename: FILE });
    for (const value of Object.values(VALUES)) {
      expect(ciphertext).not.toContain(value);
      expect(ciphertext).not.toContain(Buffer.from(value).toString('base64'));
    }
    // metadata stays readable for review and for ck8s synth
    expect(parse(ciphertext)).toMatchObject({ kind: 'Secret', metadata: { name: 'db', namespace: 'app' } });
  });

  it("ignores SOPS_AGE_RECIPIENTS of the user's environment, so .sops.yaml alone picks the recipients", async () => {
    const stranger = await generateAgeKeyPair();
    const saved = process.env.SOPS_AGE_RECIPIENTS;
    process.env.SOPS_AGE_RECIPIENTS = stranger.recipient;
    try {
      const ciphertext = await repo.sops.encrypt(plaintext, { filename: FILE });
      expect(ageRecipientsOf(parse(ciphertext))).toEqual([first.recipient, second.recipient]);
    } finally {
      if (saved === undefined) delete process.env.SOPS_AGE_RECIPIENTS;
      else process.env.SOPS_AGE_RECIPIENTS = saved;
    }
  });

  it('refuses a file no creation rule matches (a cluster without recipients)', async () => {
    const error = await repo.sops.encrypt(plaintext, { filename: 'secrets/bare/app.db.sops.yaml' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SopsError);
    expect((error as Error).message).toMatch(/^no creation rule of \.sops\.yaml matches secrets\/bare\/app\.db\.sops\.yaml: .*ck8s secrets init/);
  });

  it('refuses a filename outside the repository and input that is encrypted already', async () => {
    await expect(repo.sops.encrypt(plaintext, { filename: '../elsewhere/app.db.sops.yaml' })).rejects.toThrow(/is outside the repository/);
    const ciphertext = await repo.sops.encrypt(plaintext, { filename: FILE });
    await expect(repo.sops.encrypt(ciphertext, { filename: FILE })).rejects.toThrow(/already has a top-level "sops" entry/);
  });
});

describe('Sops.decrypt', () => {
  it('decrypts a file the real sops CLI encrypted', async () => {
    const file = repo.write(FILE, plaintext);
    const out = await sopsCli(['encrypt', '--in-place', file], { cwd: repo.workspace.root });
    expect(out.exitCode).toBe(0);
    const ciphertext = repo.read(FILE);
    expect(ciphertext).not.toContain(VALUES.password);
    const decrypted = await repo.sops.decrypt(ciphertext, { ageKey: second.identity, filename: FILE });
    expect(decodedData(decrypted)).toEqual(VALUES);
  });

  it('accepts the text of a key file with comment lines', async () => {
    const ciphertext = await repo.sops.encrypt(plaintext, { filename: FILE });
    const keyFile = `# created: 2025-01-01T00:00:00Z\n# public key: ${first.recipient}\n${first.identity}\n`;
    expect(decodedData(await repo.sops.decrypt(ciphertext, { ageKey: keyFile }))).toEqual(VALUES);
  });

  it('says which recipients the file has when the key is not one of them', async () => {
    const ciphertext = await repo.sops.encrypt(plaintext, { filename: FILE });
    const stranger = await generateAgeKeyPair();
    const error = await repo.sops.decrypt(ciphertext, { ageKey: stranger.identity, filename: FILE }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SopsError);
    expect((error as SopsError).message).toBe(`cannot decrypt ${FILE}: the age key is not one of its recipients (encrypted to ${first.recipient}, ${second.recipient})`);
    expect((error as SopsError).message).not.toContain(stranger.identity);
  });

  it('reports a key that is no age identity, plaintext input and tampering', async () => {
    const ciphertext = await repo.sops.encrypt(plaintext, { filename: FILE });
    await expect(repo.sops.decrypt(ciphertext, { ageKey: 'not a key' })).rejects.toThrow(/holds no AGE-SECRET-KEY-1\.\.\. line/);
    await expect(repo.sops.decrypt(plaintext, { ageKey: first.identity, filename: FILE })).rejects.toThrow(`cannot decrypt ${FILE}: it is not sops-encrypted`);
    // swap two encrypted values: sops binds each value to its key path, so neither decrypts any more
    const doc = parse(ciphertext) as { data: Record<string, string> };
    const swapped = ciphertext.replace(doc.data.password!, 'SWAP').replace(doc.data.username!, doc.data.password!).replace('SWAP', doc.data.username!);
    await expect(repo.sops.decrypt(swapped, { ageKey: first.identity, filename: FILE })).rejects.toThrow(`cannot decrypt ${FILE}: a value is corrupted or was edited by hand after encryption`);
    // metadata stays plaintext but is covered by the MAC
    const renamed = ciphertext.replace(/name: db\n/, 'name: other\n');
    expect(renamed).not.toBe(ciphertext);
    await expect(repo.sops.decrypt(renamed, { ageKey: first.identity, filename: FILE })).rejects.toThrow(`cannot decrypt ${FILE}: it fails its integrity check (MAC mismatch)`);
  });
});
