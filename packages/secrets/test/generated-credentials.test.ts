import { createPrivateKey, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bcryptHash, bcryptMatches, htpasswdLine, htpasswdUsers, randomPassword, selfSignedTls, upsertHtpasswd } from '../src/index.js';

describe('randomPassword', () => {
  it('is alphanumeric, of the asked length, and different every time', () => {
    const passwords = new Set(Array.from({ length: 50 }, () => randomPassword()));
    expect(passwords.size).toBe(50);
    for (const p of passwords) expect(p).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(randomPassword(20)).toHaveLength(20);
  });

  it('refuses a weak length', () => {
    expect(() => randomPassword(8)).toThrow('password length 8 is too short; use at least 16 characters');
  });
});

describe('htpasswd', () => {
  it('writes a bcrypt line that verifies the password and nothing else', () => {
    const line = htpasswdLine('prometheus-wc', 'correct-horse', 4);
    expect(line).toMatch(/^prometheus-wc:\$2[aby]\$04\$/);
    const hash = line.slice('prometheus-wc:'.length);
    expect(bcryptMatches('correct-horse', hash)).toBe(true);
    expect(bcryptMatches('wrong-horse', hash)).toBe(false);
    expect(bcryptHash('x', 4)).not.toBe(bcryptHash('x', 4)); // salted
  });

  it('refuses a user name that would corrupt the file', () => {
    expect(() => htpasswdLine('a:b', 'p', 4)).toThrow(`htpasswd user "a:b" must not contain ':' or whitespace`);
  });

  it('adds or replaces one user and keeps the others, sorted', () => {
    const text = upsertHtpasswd('zed:$2b$04$zzz\nalice:$2b$04$old\n', 'alice:$2b$04$new');
    expect(text).toBe('alice:$2b$04$new\nzed:$2b$04$zzz\n');
    expect(htpasswdUsers(upsertHtpasswd(text, 'bob:$2b$04$b'))).toEqual(['alice', 'bob', 'zed']);
    expect(upsertHtpasswd('', 'one:$2b$04$1')).toBe('one:$2b$04$1\n');
  });
});

describe('selfSignedTls', () => {
  it('makes a CA and a server+client leaf it signed, with the subject, SANs and a matching PKCS#8 key', async () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const tls = await selfSignedTls({ subject: 'CN=opensearch-node', dnsNames: ['opensearch-cluster-master', 'opensearch-cluster-master-headless'], now });
    const ca = new X509Certificate(tls['ca.crt']);
    const leaf = new X509Certificate(tls['tls.crt']);
    expect(ca.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.subject).toBe('CN=opensearch-node');
    expect(leaf.subjectAltName).toBe('DNS:opensearch-cluster-master, DNS:opensearch-cluster-master-headless');
    expect(leaf.keyUsage).toEqual(expect.arrayContaining(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']));
    expect(new Date(leaf.validTo).getTime() - now.getTime()).toBe(730 * 86_400_000);
    expect(tls['tls.key']).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(leaf.checkPrivateKey(createPrivateKey(tls['tls.key']))).toBe(true);
    expect(leaf.checkPrivateKey(createPrivateKey((await selfSignedTls({ subject: 'CN=x', dnsNames: ['x'] }))['tls.key']))).toBe(false);
  });

  it('needs a DNS name', async () => {
    await expect(selfSignedTls({ subject: 'CN=x', dnsNames: [] })).rejects.toThrow('a TLS certificate needs at least one DNS name');
  });
});
