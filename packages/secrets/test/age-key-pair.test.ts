import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AGE_RECIPIENT } from '@ck8s/core';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { formatAgeKeyFile, generateAgeKeyPair, hasAgeIdentity } from '../src/index.js';
import { tools } from './helpers.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ck8s-age-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('generateAgeKeyPair', () => {
  it('returns a fresh X25519 identity and its recipient', async () => {
    const a = await generateAgeKeyPair();
    const b = await generateAgeKeyPair();
    expect(a.identity).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]{58}$/);
    expect(a.recipient).toMatch(AGE_RECIPIENT);
    expect(b.identity).not.toBe(a.identity);
    expect(b.recipient).not.toBe(a.recipient);
  });

  it('works with the real age binary: age -r encrypts, age -d -i decrypts with our key file', async () => {
    const pair = await generateAgeKeyPair();
    const keyFile = path.join(dir, 'key.agekey');
    writeFileSync(keyFile, formatAgeKeyFile(pair), { mode: 0o600 });
    const message = 'the quick brown fox 🦊\n';
    const encrypted = await execa(tools.age, ['-r', pair.recipient, '--armor'], { input: message });
    expect(encrypted.stdout).toContain('BEGIN AGE ENCRYPTED FILE');
    expect(encrypted.stdout).not.toContain('quick brown');
    const decrypted = await execa(tools.age, ['-d', '-i', keyFile], { input: encrypted.stdout, stripFinalNewline: false });
    expect(decrypted.stdout).toBe(message);
    // age-keygen derives the same recipient from the identity in our file
    expect((await execa(tools.ageKeygen, ['-y', keyFile])).stdout).toBe(pair.recipient);
  });

  it('a file encrypted by age-keygen keys is not readable with another generated key', async () => {
    const pair = await generateAgeKeyPair();
    const other = await generateAgeKeyPair();
    const keyFile = path.join(dir, 'other.agekey');
    writeFileSync(keyFile, formatAgeKeyFile(other), { mode: 0o600 });
    const encrypted = await execa(tools.age, ['-r', pair.recipient], { input: 'x', encoding: 'buffer' });
    const result = await execa(tools.age, ['-d', '-i', keyFile], { input: encrypted.stdout, reject: false });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/no identity matched/);
  });
});

describe('formatAgeKeyFile', () => {
  it('writes the age-keygen layout', async () => {
    const pair = await generateAgeKeyPair();
    expect(formatAgeKeyFile(pair, new Date('2025-03-04T05:06:07.890Z'))).toBe(`# created: 2025-03-04T05:06:07Z\n# public key: ${pair.recipient}\n${pair.identity}\n`);
  });
});

describe('hasAgeIdentity', () => {
  it('finds an identity line in a key file or a bare key, and nothing in other text', async () => {
    const pair = await generateAgeKeyPair();
    expect(hasAgeIdentity(formatAgeKeyFile(pair))).toBe(true);
    expect(hasAgeIdentity(pair.identity)).toBe(true);
    expect(hasAgeIdentity(pair.recipient)).toBe(false);
    expect(hasAgeIdentity('')).toBe(false);
  });
});
