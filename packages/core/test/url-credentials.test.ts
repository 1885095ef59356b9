import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChartCatalog, ConfigError, redactUrlCredentials, showValue, urlCredentialFinding, validateClusterConfig, Workspace } from '../src/index.js';

const TOKEN = 'ghp_0123456789abcdefSECRET';
const valid = {
  name: 'demo-wc',
  profile: 'workload',
  environment: 'demo',
  kubernetesVersion: '1.33',
  domain: 'demo-wc.example.com',
  serviceCluster: 'demo-sc',
  gitops: { repository: 'ssh://git@git.example.com/fleet.git' },
  certificates: { acmeEmail: 'ops@example.com' },
  backup: { objectStorage: { endpoint: 'https://s3.example.com', bucket: 'backups' } },
};

function problemsOf(raw: unknown): string[] {
  const lines = validateClusterConfig(raw, 'clusters/demo-wc/cluster.yaml', 'demo-wc').problems.map((p) => `${p.file}: ${p.path}: ${p.message}`);
  for (const line of lines) expect(line).not.toContain(TOKEN);
  return lines;
}

describe('credentials in URLs of config files', () => {
  it('rejects user information in gitops.repository, naming file and field, saying where Git credentials go, never showing them', () => {
    expect(problemsOf({ ...valid, gitops: { repository: `https://deploy:${TOKEN}@github.com/acme/fleet.git` } })).toEqual([
      expect.stringMatching(
        /^clusters\/demo-wc\/cluster\.yaml: gitops\.repository: holds a URL with credentials in it \(a user name and password before "@"\); .*gitops\.secretName/,
      ),
    ]);
    // a token alone as the user name is a credential too (GitHub reads it as one)
    expect(problemsOf({ ...valid, gitops: { repository: `https://${TOKEN}@github.com/acme/fleet.git` } })).toEqual([expect.stringContaining('gitops.repository: holds a URL with credentials in it (user information')]);
  });

  it('rejects credentials in object storage endpoints, issuers and any other URL-shaped value', () => {
    const raw = {
      ...valid,
      backup: { objectStorage: { endpoint: `https://AKIA:${TOKEN}@s3.example.com`, bucket: 'backups' } },
      oidc: { issuerUrl: `https://login.example.com/?client_secret=${TOKEN}` },
      tenants: [{ name: 'team-a', adminGroups: [`see https://x:${TOKEN}@wiki.example.com`] }],
    };
    const problems = problemsOf(raw);
    expect(problems).toEqual([
      expect.stringMatching(/: backup\.objectStorage\.endpoint: holds a URL with credentials .*CK8S_S3_SECRET_ACCESS_KEY/),
      expect.stringMatching(/: oidc\.issuerUrl: holds a URL with credentials in it \(the query parameter "client_secret"\).*identity\.connectors\[\]\.secret/),
      expect.stringMatching(/: tenants\[0\]\.adminGroups\[0\]: holds a URL with credentials /),
    ]);
  });

  it('accepts an ssh user name (the account the deploy key logs in as) and URLs without credentials', () => {
    expect(problemsOf(valid)).toEqual([]);
    expect(problemsOf({ ...valid, gitops: { repository: 'https://github.com/acme/fleet.git?ref=main' } })).toEqual([]);
    expect(urlCredentialFinding('ssh://git:pw@git.example.com/x')).toBe('a user name and password before "@"');
  });

  it('never echoes the credential in other problems of the same field', () => {
    // plain http is not allowed either: that problem shows the URL with its credentials masked
    const problems = problemsOf({ ...valid, gitops: { repository: `http://deploy:${TOKEN}@git.example.com/fleet.git` } });
    expect(problems).toContainEqual(expect.stringContaining('gitops.repository: "http://***@git.example.com/fleet.git" is not an allowed Git URL'));
    expect(showValue(`https://x.example.com/a?X-Amz-Signature=${TOKEN}&part=1`)).toBe('"https://x.example.com/a?X-Amz-Signature=***&part=1"');
    expect(redactUrlCredentials(`clone https://a:${TOKEN}@h/r and https://h/r`)).toBe('clone https://***@h/r and https://h/r');
  });

  it('checks ck8s.config.yaml and charts/catalog.yaml too', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'ck8s-urls-'));
    writeFileSync(path.join(root, 'ck8s.config.yaml'), `validation:\n  schemaLocations: ['https://ci:${TOKEN}@mirror.example.com/{{ .ResourceKind }}.json']\n`);
    let error: unknown;
    try {
      new Workspace(root, {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/^ck8s\.config\.yaml: validation\.schemaLocations\[0\]: holds a URL with credentials in it .*CK8S_SCHEMA_LOCATIONS/);
    expect((error as ConfigError).message).not.toContain(TOKEN);

    mkdirSync(path.join(root, 'charts'));
    const catalog = path.join(root, 'charts/catalog.yaml');
    writeFileSync(catalog, `charts:\n  demo:\n    repository: oci://robot:${TOKEN}@registry.example.com/charts\n    chart: demo\n    version: 1.0.0\n`);
    expect(() => ChartCatalog.load(catalog, 'charts/catalog.yaml')).toThrow(/^charts\/catalog\.yaml: charts\.demo\.repository: holds a URL with credentials in it \(a user name and password before "@"\)/);
  });
});
