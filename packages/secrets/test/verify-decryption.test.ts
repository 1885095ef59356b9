import { toYamlStream } from '@ck8s/core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type AgeKeyPair, formatAgeKeyFile, generateAgeKeyPair, secretManifest, verifyDecryption } from '../src/index.js';
import { createTempRepo, sopsCli, type TempRepo } from './helpers.js';

const PASSWORD = 'hunter2-plaintext';

let pair: AgeKeyPair;
let other: AgeKeyPair;
let repo: TempRepo;
let ciphertext: string;

beforeAll(async () => {
  pair = await generateAgeKeyPair();
  other = await generateAgeKeyPair();
});
beforeEach(async () => {
  repo = createTempRepo({ demo: [pair.recipient], prod: [other.recipient] });
  ciphertext = await repo.sops.encrypt(toYamlStream([secretManifest('app', 'db', { password: PASSWORD, user: 'app' })]), { filename: 'secrets/demo/app.db.sops.yaml' });
  repo.write('secrets/demo/app.db.sops.yaml', ciphertext);
  repo.write('clusters/demo/apps/secrets/app.db.sops.yaml', ciphertext);
});
afterEach(() => repo.cleanup());

const verify = (key: string = formatAgeKeyFile(pair), clusters?: string[]) => verifyDecryption({ workspace: repo.workspace, ageKey: key, sops: repo.sops, ...(clusters ? { clusters } : {}) });

/** The encrypted file with one ENC[...] value changed: `data:` of data.password, or the MAC. */
function tamper(text: string, what: 'value' | 'mac' | 'metadata'): string {
  if (what === 'metadata') return text.replace('name: db', 'name: db\n    labels:\n        app.kubernetes.io/name: db');
  const line = what === 'value' ? /(password: ENC\[AES256_GCM,data:)(.)/ : /(mac: ENC\[AES256_GCM,data:)(.)/;
  return text.replace(line, (_m, head: string, c: string) => `${head}${c === 'A' ? 'B' : 'A'}`);
}

describe('verifyDecryption', () => {
  it('decrypts every encrypted file with the real sops, in memory', async () => {
    expect(await verify()).toEqual({ verified: ['clusters/demo/apps/secrets/app.db.sops.yaml', 'secrets/demo/app.db.sops.yaml'], problems: [] });
  });

  it('names a file whose ciphertext, MAC or plaintext metadata was changed after encryption, which the static check cannot see', async () => {
    repo.write('secrets/demo/app.db.sops.yaml', tamper(ciphertext, 'value'));
    repo.write('clusters/demo/apps/secrets/app.db.sops.yaml', tamper(ciphertext, 'mac'));
    repo.write('clusters/demo/platform/secrets/app.db.sops.yaml', tamper(ciphertext, 'metadata'));
    const result = await verify();
    expect(result.verified).toEqual([]);
    expect(result.problems).toEqual([
      { file: 'clusters/demo/apps/secrets/app.db.sops.yaml', path: '(file)', message: expect.stringMatching(/^cannot be decrypted: /) },
      { file: 'clusters/demo/platform/secrets/app.db.sops.yaml', path: '(file)', message: 'cannot be decrypted: it fails its integrity check (MAC mismatch), so it was changed after encryption' },
      { file: 'secrets/demo/app.db.sops.yaml', path: '(file)', message: expect.stringMatching(/^cannot be decrypted: /) },
    ]);
    for (const p of result.problems) expect(p.message).not.toContain(PASSWORD);
    // the tampered files still look fine to sops' structure: only decryption tells
    expect(parse(tamper(ciphertext, 'mac')).sops.mac).toMatch(/^ENC\[AES256_GCM,data:/);
  });

  it('reports a file no given key opens, and checks only the chosen clusters', async () => {
    const file = repo.write('clusters/prod/apps/secrets/app.db.sops.yaml', toYamlStream([secretManifest('app', 'db', { password: PASSWORD })]));
    await sopsCli(['encrypt', '--age', other.recipient, '--encrypted-regex', '^(data|stringData)$', '--in-place', file], { cwd: repo.base });
    const all = await verify();
    expect(all.problems).toEqual([
      { file: 'clusters/prod/apps/secrets/app.db.sops.yaml', path: '(file)', message: `cannot be verified: no key in SOPS_AGE_KEY_FILE opens it (its recipients: ${other.recipient}); add that cluster's key, or check other clusters only with --cluster` },
    ]);
    expect((await verify(undefined, ['demo'])).problems).toEqual([]);
    // with both keys every file is verified
    expect((await verify(`${formatAgeKeyFile(pair)}${formatAgeKeyFile(other)}`)).verified).toHaveLength(3);
  });
});
