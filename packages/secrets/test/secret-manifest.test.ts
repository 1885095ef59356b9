import { describe, expect, it } from 'vitest';
import { isSecretKey, parseSecretFileName, parseSecretRef, secretFilePath, secretManifest } from '../src/index.js';

describe('secretManifest', () => {
  it('builds an Opaque Secret with base64 data and sorted keys', () => {
    const binary = Buffer.from([0, 255, 10, 13]);
    const secret = secretManifest('app', 'db', { 'z.key': 'zz', password: 'pä$$ word', 'tls.bin': binary });
    expect(secret).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'app' },
      type: 'Opaque',
      data: { password: Buffer.from('pä$$ word').toString('base64'), 'tls.bin': 'AP8KDQ==', 'z.key': 'eno=' },
    });
    expect(Object.keys(secret.data)).toEqual(['password', 'tls.bin', 'z.key']);
    expect(Buffer.from(secret.data['tls.bin']!, 'base64').equals(binary)).toBe(true);
  });

  it("takes the Secret's type, only one of those a committed Secret may carry", () => {
    expect(secretManifest('monitoring', 'basic-auth', { htpasswd: '# none\n' }, 'nginx.org/htpasswd')).toMatchObject({
      type: 'nginx.org/htpasswd',
      data: { htpasswd: Buffer.from('# none\n').toString('base64') },
    });
    expect(() => secretManifest('app', 'db', { a: 'b' }, 'example.com/custom')).toThrow(
      /^secret type "example.com\/custom" is not allowed; allowed: Opaque, nginx.org\/htpasswd, kubernetes.io\/basic-auth, /,
    );
  });

  it('rejects a namespace or name that is not a DNS label, naming the value', () => {
    expect(() => secretManifest('App', 'db', {})).toThrow(/namespace "App" is not a DNS-1123 label/);
    expect(() => secretManifest('app', 'db.prod', {})).toThrow(/secret name "db.prod" is not a DNS-1123 label/);
    expect(() => secretManifest('app', 'x'.repeat(64), {})).toThrow(/is not a DNS-1123 label/);
  });

  it('rejects keys Kubernetes would refuse', () => {
    expect(() => secretManifest('app', 'db', { 'a b': 'x' })).toThrow(/secret key "a b" is not allowed/);
    expect(() => secretManifest('app', 'db', { 'a/b': 'x' })).toThrow(/"a\/b"/);
    for (const bad of ['', '.', '..', '..x', 'k'.repeat(254)]) expect(isSecretKey(bad)).toBe(false);
    for (const good of ['.env', 'tls.crt', 'A_B-c.1', '.x']) expect(isSecretKey(good)).toBe(true);
  });
});

describe('secret paths', () => {
  it('maps namespace/name to secrets/<cluster>/<namespace>.<name>.sops.yaml and back', () => {
    const ref = parseSecretRef('app/db');
    expect(ref).toEqual({ namespace: 'app', name: 'db' });
    expect(secretFilePath('demo', ref)).toBe('secrets/demo/app.db.sops.yaml');
    expect(parseSecretFileName('app.db.sops.yaml')).toEqual(ref);
    expect(parseSecretFileName('app.tls.example.com.sops.yaml')).toEqual({ namespace: 'app', name: 'tls.example.com' });
  });

  it('rejects malformed references and file names', () => {
    for (const bad of ['db', 'app/db/x', 'App/db', 'app/', '/db']) expect(() => parseSecretRef(bad)).toThrow(/is not <namespace>\/<name>/);
    for (const bad of ['db.yaml', 'app.db.yaml', 'app.db.sops.yml', 'App.db.sops.yaml', '.db.sops.yaml']) expect(parseSecretFileName(bad)).toBeUndefined();
  });
});
