import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { bcryptMatches, readSecret } from '@ck8s/secrets';
import { Workspace } from '@ck8s/core';
import { parseAllDocuments, parse } from 'yaml';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { INIT_QUESTIONS, optionKey } from '../src/init/init-questions.js';
import { resolveAnswers } from '../src/init/resolve-answers.js';
import type { PromptQuestion } from '../src/io.js';
import { ck8s, emptyRepo, snapshot } from './repo-fixture.js';

/** Outside credentials, as a CI job would pass them: environment variables, never flags. */
const OUTSIDE = {
  CK8S_S3_ACCESS_KEY_ID: 'AKIA-outside-key-id',
  CK8S_S3_SECRET_ACCESS_KEY: 'outside-s3-secret-0001',
  CK8S_IDP_CLIENT_SECRET: 'outside-idp-secret-0002',
  CK8S_RECEIVER_SECRET: 'https://hooks.slack.com/services/T0/B0/outside-0003',
};

const SERVICE_FLAGS = [
  '--profile',
  'service',
  '--customer',
  'Acme Health',
  '--environment',
  'production',
  '--dns-label',
  'acme-sc',
  '--base-domain',
  'example.com',
  '--git-repository',
  'ssh://git@git.example.com/acme/fleet.git',
  '--acme-email',
  'ops@example.com',
  '--s3-endpoint',
  'https://s3.example.com',
  '--api-server-cidrs',
  '10.1.0.1/32',
  '--service-cluster-cidrs',
  '192.0.2.10/32',
  '--object-storage-cidrs',
  '198.51.100.0/24',
  '--idp-type',
  'oidc',
  '--idp-issuer',
  'https://login.acme.example',
  '--idp-client-id',
  'ck8s',
  '--receiver-type',
  'slack',
  '--slack-channel',
  '#alerts',
];

function stubOutside(): void {
  for (const [k, v] of Object.entries(OUTSIDE)) vi.stubEnv(k, v);
}

/** Every object of a cluster's generated output, by `Kind/name`. */
function objects(repo: string, cluster: string): Map<string, Record<string, any>> {
  const found = new Map<string, Record<string, any>>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.yaml') && entry.name !== 'cluster.yaml') {
        for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
          const o = doc.toJS() as Record<string, any> | null;
          if (o?.kind && o.metadata?.name) found.set(`${o.kind}/${o.metadata.name}`, o);
        }
      }
    }
  };
  walk(path.join(repo, 'clusters', cluster));
  return found;
}

/** All text files of the repository, to prove a value never reached the disk in plaintext. */
function repositoryText(repo: string): string {
  return [...snapshot(repo).values()].map((b64) => Buffer.from(b64, 'base64').toString('utf8')).join('\n');
}

describe('ck8s init: a new environment from nothing', () => {
  let repo: string;
  let keys: string;
  let serviceRun: Awaited<ReturnType<typeof ck8s>>;
  let workloadRun: Awaited<ReturnType<typeof ck8s>>;
  const read = (cluster: string, secret: string) =>
    readSecret({ workspace: new Workspace(repo), cluster, secret, ageKey: readFileSync(path.join(keys, `${cluster}.agekey`), 'utf8') });

  beforeAll(async () => {
    repo = emptyRepo();
    keys = mkdtempSync(path.join(tmpdir(), 'ck8s-init-keys-'));
    stubOutside();
    serviceRun = await ck8s(repo, ['init', 'acme-sc', ...SERVICE_FLAGS, '--key-file', path.join(keys, 'acme-sc.agekey')]);
    vi.unstubAllEnvs();
    // a workload cluster needs only its own storage keys: the rest is derived from its service cluster
    vi.stubEnv('CK8S_S3_ACCESS_KEY_ID', 'AKIA-workload-key-id');
    vi.stubEnv('CK8S_S3_SECRET_ACCESS_KEY', 'workload-s3-secret-0004');
    workloadRun = await ck8s(repo, [
      'init',
      'acme-wc',
      '--profile',
      'workload',
      '--customer',
      'Acme Health',
      '--acme-email',
      'ops@example.com',
      '--api-server-cidrs',
      '10.0.0.1/32',
      '--key-file',
      path.join(keys, 'acme-wc.agekey'),
      '--service-cluster-key-file',
      path.join(keys, 'acme-sc.agekey'),
    ]);
    vi.unstubAllEnvs();
  });

  it('creates both clusters, runs synth and validate, and the committed result validates on its own', async () => {
    expect(serviceRun.stderr).not.toMatch(/^ck8s:/m);
    expect(serviceRun.code).toBe(0);
    expect(serviceRun.stdout).toMatch(
      /validate: 1 cluster\(s\), \d+ objects checked \(schemas 1\.36\.0 from mirror\), (\d+)\/\1 controls passed, 0 problem\(s\)/,
    );
    expect(workloadRun.code).toBe(0);
    expect(workloadRun.stdout).toMatch(
      /validate: 2 cluster\(s\), \d+ objects checked \(schemas 1\.36\.0 from mirror\), 22\/22 controls passed, 0 problem\(s\)/,
    );
    const validate = await ck8s(repo, ['validate']);
    expect(validate.stdout).toMatch(/0 problem\(s\)/);
    expect(validate.code).toBe(0);
  });

  it('writes cluster.yaml with the schema modeline, the answers and the new recipient; the key file stays outside with mode 0600', () => {
    const text = readFileSync(path.join(repo, 'clusters/acme-wc/cluster.yaml'), 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../../packages/core/schema/cluster.schema.json');
    const config = parse(text);
    expect(config).toMatchObject({
      name: 'acme-wc',
      profile: 'workload',
      customer: 'Acme Health',
      environment: 'production',
      domain: 'acme-wc.example.com',
      serviceCluster: 'acme-sc',
    });
    // derived from the service cluster: the same object storage and the addresses of its ingress
    expect(config.backup.objectStorage.endpoint).toBe('https://s3.example.com');
    expect(config.network.serviceClusterCidrs).toEqual(['192.0.2.10/32']);
    const keyText = readFileSync(path.join(keys, 'acme-wc.agekey'), 'utf8');
    expect(keyText).toContain(`# public key: ${config.sops.ageRecipients[0]}`);
    expect(statSync(path.join(keys, 'acme-wc.agekey')).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(repo, '.sops.yaml'), 'utf8')).toContain(config.sops.ageRecipients[0]);
  });

  it('wires single sign-on: one issuer for the API servers, Grafana, OpenSearch Dashboards and Harbor, with their redirect URIs at Dex', () => {
    const issuer = 'https://dex.acme-sc.example.com';
    const sc = objects(repo, 'acme-sc');
    const dex = sc.get('HelmRelease/dex')!.spec.values.config;
    expect(dex.issuer).toBe(issuer);
    expect(dex.connectors).toEqual([
      expect.objectContaining({ type: 'oidc', id: 'corporate', config: expect.objectContaining({ issuer: 'https://login.acme.example' }) }),
    ]);
    const clients = new Map<string, any>(dex.staticClients.map((c: any) => [c.id, c]));
    expect(clients.get('kubernetes-acme-wc')).toMatchObject({ public: true, redirectURIs: ['http://localhost:8000', 'http://localhost:18000'] });
    expect(clients.get('grafana').redirectURIs).toEqual(['https://grafana.acme-sc.example.com/login/generic_oauth']);
    expect(clients.get('opensearch-dashboards').redirectURIs).toEqual(['https://opensearch-dashboards.acme-sc.example.com/auth/openid/login']);
    expect(clients.get('harbor').redirectURIs).toEqual(['https://registry.acme-sc.example.com/c/oidc/callback']);
    const grafana = sc.get('HelmRelease/kube-prometheus-stack')!.spec.values.grafana['grafana.ini']['auth.generic_oauth'];
    expect(grafana.auth_url).toBe(`${issuer}/auth`);
    for (const file of ['acme-wc/node/talos-patch.yaml', 'acme-sc/node/talos-patch.yaml']) {
      expect(readFileSync(path.join(repo, 'clusters', file), 'utf8')).toContain(`oidc-issuer-url: ${issuer}`);
    }
  });

  it("derives the workload cluster's allowed registry from the service cluster's Harbor and enables the posture scanner in both", () => {
    const wc = objects(repo, 'acme-wc');
    const rule = wc.get('ValidatingAdmissionPolicy/ck8s-allowed-registries')!;
    expect(JSON.stringify(rule.spec)).toContain("['registry.acme-sc.example.com/']");
    expect(objects(repo, 'acme-sc').get('HelmRelease/harbor')!.spec.values.externalURL).toBe('https://registry.acme-sc.example.com');
    for (const cluster of ['acme-sc', 'acme-wc']) expect(objects(repo, cluster).get('HelmRelease/trivy-operator')?.spec.suspend).not.toBe(true);
  });

  it('encrypts every Secret to its own cluster and never writes a generated or outside credential in plaintext', async () => {
    for (const cluster of ['acme-sc', 'acme-wc']) {
      const recipient = parse(readFileSync(path.join(repo, 'clusters', cluster, 'cluster.yaml'), 'utf8')).sops.ageRecipients[0];
      for (const file of readdirSync(path.join(repo, 'secrets', cluster))) {
        const doc = parse(readFileSync(path.join(repo, 'secrets', cluster, file), 'utf8'));
        expect(
          doc.sops.age.map((a: any) => a.recipient),
          file,
        ).toEqual([recipient]);
        for (const value of Object.values(doc.data as Record<string, string>)) expect(value).toMatch(/^ENC\[AES256_GCM,/);
      }
    }
    const text = repositoryText(repo);
    const generated = [
      (await read('acme-sc', 'monitoring/grafana-admin'))['admin-password']!,
      (await read('acme-sc', 'harbor/harbor-admin')).HARBOR_ADMIN_PASSWORD!,
      (await read('acme-sc', 'opensearch/opensearch-admin')).password!,
      (await read('acme-wc', 'logging/fluent-bit-credentials')).OPENSEARCH_PASSWORD!,
      ...Object.values(OUTSIDE),
    ];
    for (const secret of generated) {
      expect(secret.length).toBeGreaterThanOrEqual(16);
      expect(text).not.toContain(secret);
    }
  });

  it('gives Dex and each application the same client secret, and the outside credentials where the components read them', async () => {
    const dex = await read('acme-sc', 'dex/dex-client-secrets');
    expect((await read('acme-sc', 'monitoring/grafana-oidc'))['client-secret']).toBe(dex.grafana);
    expect((await read('acme-sc', 'harbor/harbor-oidc'))['client-secret']).toBe(dex.harbor);
    expect((await read('acme-sc', 'opensearch/opensearch-dashboards-oidc'))['client-secret']).toBe(dex['opensearch-dashboards']);
    expect(new Set([dex.grafana, dex.harbor, dex['opensearch-dashboards']]).size).toBe(3);
    expect(await read('acme-sc', 'dex/dex-corporate')).toEqual({ 'client-id': 'ck8s', 'client-secret': OUTSIDE.CK8S_IDP_CLIENT_SECRET });
    expect((await read('acme-sc', 'monitoring/alertmanager-platform-team')).url).toBe(OUTSIDE.CK8S_RECEIVER_SECRET);
    expect((await read('acme-wc', 'velero/velero-credentials')).cloud).toBe(
      '[default]\naws_access_key_id=AKIA-workload-key-id\naws_secret_access_key=workload-s3-secret-0004\n',
    );
    expect((await read('acme-sc', 'harbor/harbor-secret-key')).secretKey).toMatch(/^[A-Za-z0-9]{16}$/);
  });

  it("lets the workload cluster's agents in at the service cluster: log store users, Alertmanager and remote-write htpasswd", async () => {
    const fluentBit = await read('acme-wc', 'logging/fluent-bit-credentials');
    const sidekick = await read('acme-wc', 'falco/falcosidekick-credentials');
    const remoteWrite = await read('acme-wc', 'monitoring/prometheus-remote-write');
    const users = parse((await read('acme-sc', 'opensearch/opensearch-internal-users'))['internal_users.yml']!);
    expect(Object.keys(users).sort()).toEqual([
      '_meta',
      'admin',
      'falcosidekick-acme-sc',
      'falcosidekick-acme-wc',
      'fluent-bit-acme-sc',
      'fluent-bit-acme-wc',
      'kibanaserver',
      'snapshot-monitor',
    ]);
    expect(users['fluent-bit-acme-wc'].backend_roles).toEqual(['log-writer']);
    // the snapshot exporter's account: no backend role (no log-writer), mapped by name to snapshot_monitor
    expect(users['snapshot-monitor'].backend_roles).toBeUndefined();
    const exporter = await read('acme-sc', 'opensearch/opensearch-snapshot-exporter-account');
    expect(exporter.username).toBe('snapshot-monitor');
    expect(bcryptMatches(exporter.password!, users['snapshot-monitor'].hash)).toBe(true);
    expect(bcryptMatches(fluentBit.OPENSEARCH_PASSWORD!, users[fluentBit.OPENSEARCH_USERNAME!].hash)).toBe(true);
    expect(bcryptMatches(sidekick.ELASTICSEARCH_PASSWORD!, users['falcosidekick-acme-wc'].hash)).toBe(true);
    expect(bcryptMatches((await read('acme-sc', 'opensearch/opensearch-admin')).password!, users.admin.hash)).toBe(true);
    expect(bcryptMatches((await read('acme-sc', 'opensearch/opensearch-dashboards-account')).password!, users.kibanaserver.hash)).toBe(true);

    const htpasswd = (text: string) =>
      new Map(
        text
          .trim()
          .split('\n')
          .filter((l) => !l.startsWith('#'))
          .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]),
      );
    // of the only type and key the F5 NGINX Ingress Controller reads an endpoint's clients from
    for (const name of ['alertmanager-basic-auth', 'prometheus-basic-auth']) {
      expect(parse(readFileSync(path.join(repo, `secrets/acme-sc/monitoring.${name}.sops.yaml`), 'utf8')).type).toBe('nginx.org/htpasswd');
    }
    const alertmanager = htpasswd((await read('acme-sc', 'monitoring/alertmanager-basic-auth')).htpasswd!);
    expect([...alertmanager.keys()]).toEqual(['falcosidekick-acme-sc', 'falcosidekick-acme-wc', 'flux-acme-sc', 'flux-acme-wc']);
    expect(sidekick.ALERTMANAGER_CUSTOMHEADERS).toBe(
      `Authorization:Basic ${Buffer.from(`falcosidekick-acme-wc:${sidekick.ELASTICSEARCH_PASSWORD}`).toString('base64')}`,
    );
    expect(bcryptMatches(sidekick.ELASTICSEARCH_PASSWORD!, alertmanager.get('falcosidekick-acme-wc')!)).toBe(true);
    // Flux's notification-controller reports decryption failures to the same Alertmanager, with its own account
    for (const cluster of ['acme-sc', 'acme-wc']) {
      const flux = await read(cluster, 'flux-system/alertmanager-credentials');
      expect(flux.username).toBe(`flux-${cluster}`);
      expect(bcryptMatches(flux.password!, alertmanager.get(`flux-${cluster}`)!)).toBe(true);
    }
    const remote = htpasswd((await read('acme-sc', 'monitoring/prometheus-basic-auth')).htpasswd!);
    expect([...remote.keys()]).toEqual(['prometheus-acme-wc']);
    expect(bcryptMatches(remoteWrite.password!, remote.get(remoteWrite.username!)!)).toBe(true);
  });

  it('generates the log store node certificate from its own CA', async () => {
    const tls = await read('acme-sc', 'opensearch/opensearch-node-tls');
    const { X509Certificate } = await import('node:crypto');
    const leaf = new X509Certificate(tls['tls.crt']!);
    expect(leaf.subject).toBe('CN=opensearch-node');
    expect(leaf.checkIssued(new X509Certificate(tls['ca.crt']!))).toBe(true);
    expect(leaf.subjectAltName).toContain('DNS:opensearch-cluster-master.opensearch.svc');
  });
});

describe('ck8s init: bad input', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('names every missing flag and environment variable, and writes nothing', async () => {
    const repo = emptyRepo();
    const before = snapshot(repo);
    const run = await ck8s(repo, ['init', 'acme-sc', '--profile', 'service', '--idp-type', 'oidc', '--receiver-type', 'slack']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'missing answers; pass --customer, --environment, --base-domain, --git-repository, --acme-email, --api-server-cidrs, --service-cluster-cidrs, --object-storage-cidrs, --s3-endpoint',
    );
    expect(run.stderr).toContain('environment variable CK8S_S3_ACCESS_KEY_ID');
    expect(run.stderr).toContain('environment variable CK8S_IDP_CLIENT_SECRET');
    expect(run.stderr).toContain('--idp-issuer');
    expect(run.stderr).toContain('--slack-channel');
    expect(snapshot(repo)).toEqual(before);
  });

  it('reports a bad value at its cluster.yaml path with the flag that set it, and writes nothing, not even the key', async () => {
    const repo = emptyRepo();
    const keys = mkdtempSync(path.join(tmpdir(), 'ck8s-init-keys-'));
    stubOutside();
    const before = snapshot(repo);
    const flags = SERVICE_FLAGS.map((f) => (f === 'example.com' ? 'example..com' : f));
    const run = await ck8s(repo, ['init', 'acme-sc', ...flags, '--key-file', path.join(keys, 'acme-sc.agekey')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/clusters\/acme-sc\/cluster\.yaml: domain: .*\(set by --dns-label and --base-domain\)/);
    expect(run.stderr).toContain('nothing was written');
    expect(snapshot(repo)).toEqual(before);
    expect(readdirSync(keys)).toEqual([]);
  });

  it('undoes everything when a later step fails: a workload cluster whose service cluster key is wrong', async () => {
    const repo = emptyRepo();
    const keys = mkdtempSync(path.join(tmpdir(), 'ck8s-init-keys-'));
    stubOutside();
    expect((await ck8s(repo, ['init', 'acme-sc', ...SERVICE_FLAGS, '--key-file', path.join(keys, 'acme-sc.agekey')])).code).toBe(0);
    // a key of another cluster cannot open the service cluster's Secrets
    expect(
      (
        await ck8s(repo, [
          'init',
          'other-sc',
          ...SERVICE_FLAGS.map((f) => (f === 'acme-sc' ? 'other-sc' : f)),
          '--key-file',
          path.join(keys, 'other-sc.agekey'),
        ])
      ).code,
    ).toBe(0);
    const before = snapshot(repo);
    const run = await ck8s(repo, [
      'init',
      'acme-wc',
      '--profile',
      'workload',
      '--customer',
      'Acme Health',
      '--service-cluster',
      'acme-sc',
      '--acme-email',
      'ops@example.com',
      '--api-server-cidrs',
      '10.0.0.1/32',
      '--key-file',
      path.join(keys, 'acme-wc.agekey'),
      '--service-cluster-key-file',
      path.join(keys, 'other-sc.agekey'),
    ]);
    expect(run.code).toBe(1);
    // every Secret of the service cluster that lists accounts is opened before anything is written
    expect(run.stderr).toMatch(/cannot decrypt secrets\/acme-sc\/[a-z-]+\.[a-z-]+\.sops\.yaml: the age key is not one of its recipients/);
    expect(snapshot(repo)).toEqual(before);
    expect(readdirSync(keys).sort()).toEqual(['acme-sc.agekey', 'other-sc.agekey']);

    // a failure half-way (the key is checked first, so break what the synth after the writes reads): everything is undone
    writeFileSync(
      path.join(repo, 'secrets/acme-sc/monitoring.stray.sops.yaml'),
      'apiVersion: v1\nkind: Secret\nmetadata: { name: stray, namespace: monitoring }\nstringData: { token: plain }\n',
    );
    const halfway = snapshot(repo);
    const late = await ck8s(repo, [
      'init',
      'acme-wc',
      '--profile',
      'workload',
      '--customer',
      'Acme Health',
      '--service-cluster',
      'acme-sc',
      '--acme-email',
      'ops@example.com',
      '--api-server-cidrs',
      '10.0.0.1/32',
      '--key-file',
      path.join(keys, 'acme-wc.agekey'),
      '--service-cluster-key-file',
      path.join(keys, 'acme-sc.agekey'),
    ]);
    expect(late.code).toBe(1);
    expect(late.stderr).toContain('secrets/acme-sc/monitoring.stray.sops.yaml');
    expect(snapshot(repo)).toEqual(halfway);
    expect(readdirSync(keys).sort()).toEqual(['acme-sc.agekey', 'other-sc.agekey']);
  });

  it('refuses an existing cluster and a key file inside the repository', async () => {
    const repo = emptyRepo();
    stubOutside();
    const inside = await ck8s(repo, ['init', 'acme-sc', ...SERVICE_FLAGS, '--key-file', path.join(repo, 'acme-sc.agekey')]);
    expect(inside.code).toBe(1);
    expect(inside.stderr).toContain('is inside the repository');
    expect(snapshot(repo).has('clusters/acme-sc/cluster.yaml')).toBe(false);
  });
});

describe('the onboarding form', () => {
  it('has one flag per question, named like its answer, and credentials only as environment variables', () => {
    for (const q of INIT_QUESTIONS) {
      if (q.secret) {
        expect(q.flag, q.id).toBeUndefined();
        expect(q.env, q.id).toMatch(/^CK8S_[A-Z0-9_]+$/);
      } else {
        expect(optionKey(q.flag!), q.flag).toBe(q.id);
      }
    }
  });

  it('asks in a terminal for what flags left open, offering defaults, hiding credentials and following the answers', async () => {
    const asked: PromptQuestion[] = [];
    const replies: Record<string, string> = {
      'Cluster profile': 'service',
      'Customer name': 'Acme Health',
      'Environment (e.g. production, staging)': 'production',
      'Identity provider protocol': 'ldap',
      'LDAP server (host:port, LDAPS)': 'ldap.acme.example:636',
      'LDAP bind DN': 'cn=ck8s,dc=acme',
      'LDAP base DN of users': 'ou=people,dc=acme',
      'LDAP base DN of groups': 'ou=groups,dc=acme',
      'Where alerts go': 'email',
      'Alert e-mail recipient': 'oncall@acme.example',
      'Alert e-mail sender': 'alerts@acme.example',
      'SMTP server (host:port)': 'smtp.acme.example:587',
    };
    const answers = await resolveAnswers({
      flags: {
        baseDomain: 'example.com',
        gitRepository: 'ssh://git@git.example.com/acme/fleet.git',
        acmeEmail: 'ops@example.com',
        apiServerCidrs: '10.1.0.1/32',
        s3Endpoint: 'https://s3.example.com',
        serviceClusterCidrs: '192.0.2.10/32',
        objectStorageCidrs: '198.51.100.0/24',
      },
      context: { name: 'acme-sc', fleet: { clusters: new Map() }, env: {}, defaultKubernetesVersion: '1.36' },
      prompt: async (q) => {
        asked.push(q);
        return replies[q.message] ?? (q.secret ? `typed-${q.message.length}` : '');
      },
    });
    expect(asked.map((q) => q.message)).not.toContain('Base domain (platform endpoints live at <service>.<dns label>.<base domain>)');
    expect(asked.find((q) => q.message === 'Cluster profile')?.choices).toEqual(['workload', 'service']);
    expect(asked.filter((q) => q.secret).map((q) => q.message)).toEqual([
      'Object storage access key id',
      'Object storage secret access key',
      'LDAP bind password',
      'Receiver credential (Slack or webhook URL, SMTP password, PagerDuty routing key)',
    ]);
    expect(asked.map((q) => q.message)).toContain('LDAP bind DN');
    expect(asked.map((q) => q.message)).not.toContain('OpenID Connect issuer URL');
    expect(answers).toMatchObject({
      profile: 'service',
      idpType: 'ldap',
      idpHost: 'ldap.acme.example:636',
      dnsLabel: 'acme-sc',
      registryBucket: 'acme-sc-registry',
      receiverName: 'platform-team',
    });
  });
});
