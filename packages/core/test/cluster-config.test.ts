import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ChartCatalog,
  ConfigError,
  loadClusterConfig,
  redactUrlCredentials,
  showValue,
  urlCredentialFinding,
  validateClusterConfig,
  Workspace,
} from '../src/index.js';

const valid = {
  name: 'demo-wc',
  profile: 'workload',
  environment: 'demo',
  kubernetesVersion: '1.33',
  domain: 'demo-wc.example.com',
  serviceCluster: 'demo-sc',
  gitops: { repository: 'ssh://git@git.example.com/fleet.git' },
  tenants: [{ name: 'team-a', adminGroups: ['a-admins'] }],
  certificates: { acmeEmail: 'ops@example.com' },
  backup: { objectStorage: { endpoint: 'https://s3.example.com', bucket: 'backups' } },
};

function problemsOf(raw: unknown, folder = 'demo-wc'): string[] {
  return validateClusterConfig(raw, 'clusters/demo-wc/cluster.yaml', folder).problems.map((p) => `${p.file}: ${p.path}: ${p.message}`);
}

function writeCluster(text: string, name = 'demo-wc'): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'ck8s-config-')), 'clusters', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'cluster.yaml'), text);
  return path.join(dir, 'cluster.yaml');
}

describe('cluster config', () => {
  it('applies defaults to a minimal valid config', () => {
    const { config, problems } = validateClusterConfig(valid, 'cluster.yaml', 'demo-wc');
    expect(problems).toEqual([]);
    expect(config?.gitops).toEqual({
      engine: 'flux',
      repository: 'ssh://git@git.example.com/fleet.git',
      branch: 'main',
      interval: '10m',
      wait: true,
    });
    expect(config?.tenants[0]).toEqual({
      name: 'team-a',
      adminGroups: ['a-admins'],
      viewGroups: [],
      quota: { cpu: '4', memory: '8Gi', storage: '50Gi', pods: 50 },
      ingressPorts: [],
      metricsPorts: [],
      allowLoadBalancer: false,
      allowNodePort: false,
      services: [],
    });
    expect(config?.policy).toEqual({ enforcement: {}, exceptions: [] });
    expect(config?.rbac).toEqual({ operatorGroups: [], auditorGroups: [] });
    expect(config?.sops.ageRecipients).toEqual([]);
    expect(config?.ingress).toEqual({ enabled: true, replicas: 2, minAvailable: 1, hstsMaxAge: 31536000 });
    expect(config?.ids).toEqual({
      enabled: true,
      minimumPriority: 'notice',
      incubatingRules: false,
      sandboxRules: false,
      credentialsSecret: 'falcosidekick-credentials',
    });
  });

  it('names file, field path, bad value and rule', () => {
    const raw = { ...valid, tenants: [{ name: 'team-a' }, { name: 'Team A' }] };
    expect(problemsOf(raw)).toEqual([
      'clusters/demo-wc/cluster.yaml: tenants[1].name: "Team A" is not a DNS-1123 label (lowercase letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters)',
    ]);
  });

  it('reports every problem of a file at once', () => {
    const raw = { ...valid, profile: 'edge', kubernetesVersion: 'latest', tenants: [{ name: 'x', quota: { pods: 0 } }], extra: true };
    const problems = problemsOf(raw);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('profile: "edge" is not a cluster profile; allowed: "workload", "service"'),
        expect.stringContaining('kubernetesVersion: "latest" is not a Kubernetes version'),
        expect.stringContaining('tenants[0].quota.pods: 0 must be at least 1'),
        expect.stringContaining('extra: unknown field; allowed fields here: name, profile, environment'),
      ]),
    );
    expect(problems).toHaveLength(4);
  });

  it('accepts the supported Kubernetes minors, with or without a patch, and names them for any other', () => {
    for (const version of ['1.32', '1.34.2', '1.36', '1.36.3']) expect(problemsOf({ ...valid, kubernetesVersion: version }), version).toEqual([]);
    for (const version of ['1.31', '1.31.14', '1.37', '1.37.2'])
      expect(problemsOf({ ...valid, kubernetesVersion: version }), version).toEqual([
        `clusters/demo-wc/cluster.yaml: kubernetesVersion: "${version}" is not a supported Kubernetes version; supported: 1.32, 1.33, 1.34, 1.35, 1.36 (optionally with a patch, e.g. 1.36.0)`,
      ]);
    expect(problemsOf({ ...valid, kubernetesVersion: 'v1.36' })).toEqual([
      'clusters/demo-wc/cluster.yaml: kubernetesVersion: "v1.36" is not a Kubernetes version (1.MINOR or 1.MINOR.PATCH, e.g. 1.36)',
    ]);
  });

  it('audit archive: retention defaults to 30 days, bounded to 1-3650, and the writer must be an IAM principal', () => {
    const at = { endpoint: 'https://s3.example.com', bucket: 'wc-audit', writer: 'arn:aws:iam:::user/wc-audit-writer' };
    const config = validateClusterConfig({ ...valid, logging: { auditArchive: at } }, 'clusters/demo-wc/cluster.yaml', 'demo-wc').config;
    expect(config?.logging.auditArchive).toEqual({ ...at, region: 'us-east-1', retentionDays: 30 });
    expect(problemsOf({ ...valid, logging: { auditArchive: { ...at, retentionDays: 0 } } })).toEqual([
      'clusters/demo-wc/cluster.yaml: logging.auditArchive.retentionDays: 0 must be at least 1',
    ]);
    expect(problemsOf({ ...valid, logging: { auditArchive: { ...at, retentionDays: 36500 } } })).toEqual([
      'clusters/demo-wc/cluster.yaml: logging.auditArchive.retentionDays: 36500 must be at most 3650 (ten years)',
    ]);
    expect(problemsOf({ ...valid, logging: { auditArchive: { ...at, writer: 'wc-audit-writer' } } })).toEqual([
      'clusters/demo-wc/cluster.yaml: logging.auditArchive.writer: "wc-audit-writer" is not an IAM user or role ARN (arn:aws:iam::<account>:user/<name>, or arn:aws:iam:::user/<name> on Ceph)',
    ]);
    expect(problemsOf({ ...valid, logging: { auditArchive: { ...at, mode: 'governance' } } })).toEqual([
      expect.stringContaining('logging.auditArchive.mode: unknown field; allowed fields here: endpoint, bucket, region, retentionDays, writer'),
    ]);
  });

  it('rejects unknown keys in nested blocks, listing the allowed ones', () => {
    expect(problemsOf({ ...valid, gitops: { ...valid.gitops, brnach: 'main' } })).toEqual([
      'clusters/demo-wc/cluster.yaml: gitops.brnach: unknown field; allowed fields here: engine, repository, branch, interval, wait, secretName, fluxManifests',
    ]);
    expect(problemsOf({ ...valid, ids: { falco: true } })).toEqual([
      'clusters/demo-wc/cluster.yaml: ids.falco: unknown field; allowed fields here: enabled, minimumPriority, incubatingRules, sandboxRules, credentialsSecret',
    ]);
    expect(problemsOf({ ...valid, identity: { dex: true } })).toEqual([
      'clusters/demo-wc/cluster.yaml: identity.dex: unknown field; allowed fields here: enabled, connectors',
    ]);
  });

  it('requires fields and says what they are', () => {
    const { domain: _domain, ...raw } = valid;
    expect(problemsOf(raw)).toEqual(['clusters/demo-wc/cluster.yaml: domain: is required (string)']);
  });

  it('checks fields that depend on each other', () => {
    const { serviceCluster: _s, ...noService } = valid;
    expect(problemsOf(noService)).toEqual([expect.stringContaining('serviceCluster: is required for a workload cluster')]);
    // a service cluster also needs receivers and connectors (checked below); left out here
    const serviceBase = { ...valid, profile: 'service', identity: { enabled: false }, observability: { enabled: false } };
    expect(problemsOf({ ...serviceBase, registry: { enabled: false } })).toEqual([
      expect.stringContaining('serviceCluster: "demo-sc" is only allowed for a workload cluster'),
    ]);
    expect(problemsOf({ ...serviceBase, serviceCluster: undefined })).toEqual([
      expect.stringContaining('registry.storage: is required for the registry of a service cluster'),
    ]);
    expect(problemsOf({ ...valid, tenants: [{ name: 'a' }, { name: 'a' }, { name: 'kube-system' }] })).toEqual([
      expect.stringContaining('tenants[1].name: "a" is already used by tenants[0]'),
      expect.stringContaining('tenants[2].name: "kube-system" is a reserved namespace'),
    ]);
    expect(problemsOf(valid, 'other')).toEqual([expect.stringContaining('name: "demo-wc" must equal the cluster folder name "other"')]);
  });

  it('allows plain http only for loopback repositories', () => {
    expect(problemsOf({ ...valid, gitops: { repository: 'http://git.example.com/fleet.git' } })).toEqual([
      expect.stringContaining('gitops.repository: "http://git.example.com/fleet.git" is not an allowed Git URL'),
    ]);
    expect(problemsOf({ ...valid, gitops: { repository: 'http://127.0.0.1:9418/fleet.git' } })).toEqual([]);
  });

  it('takes a mirror of Flux install manifests only as an oci:// URL without credentials', () => {
    const flux = (fluxManifests: string) => problemsOf({ ...valid, gitops: { ...valid.gitops, fluxManifests } });
    expect(flux('oci://registry.example.com/mirror/fluxcd/flux-manifests')).toEqual([]);
    expect(flux('oci://127.0.0.1:5000/fluxcd/flux-manifests')).toEqual([]);
    for (const bad of ['https://ghcr.io/fluxcd/flux-manifests', 'oci://ghcr.io']) {
      expect(flux(bad)).toEqual([
        `clusters/demo-wc/cluster.yaml: gitops.fluxManifests: "${bad}" is not an OCI repository URL (oci://<registry>/<path>)`,
      ]);
    }
    // credentials are refused once, by the check every URL field gets
    expect(flux('oci://user:token@ghcr.io/fluxcd/flux-manifests')).toEqual([
      expect.stringMatching(/^clusters\/demo-wc\/cluster\.yaml: gitops\.fluxManifests: holds a URL with credentials in it/),
    ]);
  });

  it('rejects system groups, which would let an identity provider grant Kubernetes system rights', () => {
    expect(problemsOf({ ...valid, rbac: { operatorGroups: ['system:masters'] } })).toEqual([
      expect.stringContaining('rbac.operatorGroups[0]: "system:masters" is a Kubernetes system group'),
    ]);
  });

  it('requires policy exceptions to name a tenant, once per rule, with a reason', () => {
    const raw = {
      ...valid,
      policy: {
        exceptions: [
          { namespace: 'team-a', rule: 'image-tag', reason: 'legacy images until Q3' },
          { namespace: 'team-a', rule: 'image-tag', reason: 'the same again, twice' },
          { namespace: 'nobody', rule: 'image-tag', reason: 'no such tenant here' },
          { namespace: 'team-a', rule: 'service-type', reason: 'short' },
        ],
      },
    };
    expect(problemsOf(raw)).toEqual([
      expect.stringContaining('policy.exceptions[3].reason: "short" must say why'),
      expect.stringContaining('policy.exceptions[1]: repeats policy.exceptions[0] (team-a, image-tag)'),
      expect.stringContaining('policy.exceptions[2].namespace: "nobody" is not a tenant of this cluster; tenants: team-a'),
    ]);
  });

  it('takes deny in short, and a weaker enforcement only with the reason for it', () => {
    expect(
      problemsOf({
        ...valid,
        policy: { enforcement: { 'image-tag': 'deny', 'allowed-registries': { action: 'audit', reason: 'mirror migration until PLAT-77 is done' } } },
      }),
    ).toEqual([]);
    expect(problemsOf({ ...valid, policy: { enforcement: { 'image-tag': 'warn' } } })).toEqual([
      'clusters/demo-wc/cluster.yaml: policy.enforcement.image-tag: "warn" needs a reason; write image-tag: { action: warn, reason: <why the rule does not deny> }',
    ]);
    expect(problemsOf({ ...valid, policy: { enforcement: { 'image-tag': { action: 'audit' } } } })).toEqual([
      'clusters/demo-wc/cluster.yaml: policy.enforcement.image-tag.reason: is required (string)',
    ]);
    expect(problemsOf({ ...valid, policy: { enforcement: { 'image-tag': { action: 'warn', reason: 'later' } } } })).toEqual([
      'clusters/demo-wc/cluster.yaml: policy.enforcement.image-tag.reason: "later" must say why (at least 10 characters)',
    ]);
    expect(problemsOf({ ...valid, policy: { enforcement: { 'image-tag': 'block' } } })).toEqual([
      'clusters/demo-wc/cluster.yaml: policy.enforcement.image-tag: "block" is not an enforcement action; allowed: "deny", "warn", "audit"',
    ]);
    expect(problemsOf({ ...valid, policy: { enforcement: { 'image-tag': { action: 'warn', reason: 'a good long reason', until: 'Q3' } } } })).toEqual(
      ['clusters/demo-wc/cluster.yaml: policy.enforcement.image-tag.until: unknown field; allowed fields here: action, reason'],
    );
  });

  it("takes a tenant's data services by kind, with defaults, and names the field and what is allowed", () => {
    const withServices = (services: unknown[]) => ({ ...valid, tenants: [{ name: 'team-a', services }] });
    const { config, problems } = validateClusterConfig(
      withServices([
        { kind: 'postgresql', name: 'orders', instances: 3, storage: '20Gi', version: '17' },
        { kind: 'mariadb', name: 'legacy', instances: 3, storage: '10Gi' },
        { kind: 'rabbitmq', name: 'events', replicas: 3 },
        { kind: 'nats', name: 'stream', replicas: 3, jetstream: { storage: '10Gi' } },
      ]),
      'cluster.yaml',
      'demo-wc',
    );
    expect(problems).toEqual([]);
    expect(config?.tenants[0]?.services).toEqual([
      {
        kind: 'postgresql',
        name: 'orders',
        version: '17',
        instances: 3,
        storage: '20Gi',
        resources: { cpu: '500m', memory: '1Gi' },
        database: 'app',
      },
      { kind: 'mariadb', name: 'legacy', version: '11.8', instances: 3, storage: '10Gi', resources: { cpu: '500m', memory: '1Gi' }, database: 'app' },
      { kind: 'rabbitmq', name: 'events', replicas: 3, storage: '10Gi', resources: { cpu: '500m', memory: '1Gi' } },
      { kind: 'nats', name: 'stream', replicas: 3, jetstream: { storage: '10Gi' }, resources: { cpu: '250m', memory: '512Mi' } },
    ]);
    expect(
      problemsOf(
        withServices([
          { kind: 'redis', name: 'cache' },
          { kind: 'postgresql', name: 'orders', version: '13', extra: 1 },
          { kind: 'rabbitmq', name: 'Events', replicas: 2 },
          { kind: 'nats', name: 'stream', jetstream: { storage: '10G' } },
          { name: 'nokind' },
          { kind: 'mariadb', name: 'orders', instances: 2 },
        ]),
      ),
    ).toEqual([
      'clusters/demo-wc/cluster.yaml: tenants[0].services[0].kind: "redis" is not a data service kind; allowed: postgresql, mariadb, rabbitmq, nats',
      'clusters/demo-wc/cluster.yaml: tenants[0].services[1].version: "13" is not a supported PostgreSQL major version; allowed: "15", "16", "17", "18"',
      'clusters/demo-wc/cluster.yaml: tenants[0].services[1].extra: unknown field; allowed fields here: kind, name, version, instances, storage, storageClass, resources, database',
      expect.stringContaining('tenants[0].services[2].name: "Events" is not a DNS-1123 label of at most 40 characters'),
      'clusters/demo-wc/cluster.yaml: tenants[0].services[2].replicas: 2 must be odd (1, 3, 5, ...): quorum queues need a majority',
      'clusters/demo-wc/cluster.yaml: tenants[0].services[3].jetstream.storage: "10G" is not a volume size (a whole number of Mi, Gi or Ti, e.g. 10Gi)',
      'clusters/demo-wc/cluster.yaml: tenants[0].services[4].kind: is required; allowed: postgresql, mariadb, rabbitmq, nats',
      'clusters/demo-wc/cluster.yaml: tenants[0].services[5].instances: 2 must be 1 (no Galera) or at least 3 (a Galera cluster needs a quorum)',
      'clusters/demo-wc/cluster.yaml: tenants[0].services[5].name: "orders" is already tenants[0].services[1].name; data service names must be unique in a tenant',
    ]);
    // the same name in two tenants is fine; <tenant>-<name> must stay a DNS label
    const long = 'a'.repeat(30);
    expect(
      problemsOf({
        ...valid,
        tenants: [
          { name: 'team-a', services: [{ kind: 'rabbitmq', name: 'events' }] },
          { name: 'team-b', services: [{ kind: 'rabbitmq', name: 'events' }] },
          { name: `t-${long}`, services: [{ kind: 'nats', name: `n-${long}` }] },
        ],
      }),
    ).toEqual([
      `clusters/demo-wc/cluster.yaml: tenants[2].services[0].name: "n-${long}" is too long for tenant "t-${long}": "<tenant>-<name>" names the instance's objects and must be at most 63 characters`,
    ]);
    // RabbitMQ's operator comes as upstream manifests that Flux applies
    const argocd = { ...valid, gitops: { ...(valid.gitops as object), engine: 'argocd' } };
    expect(
      problemsOf({
        ...argocd,
        tenants: [
          {
            name: 'team-a',
            services: [
              { kind: 'postgresql', name: 'orders' },
              { kind: 'rabbitmq', name: 'events' },
            ],
          },
        ],
      }),
    ).toEqual([
      'clusters/demo-wc/cluster.yaml: tenants[0].services[1].kind: "rabbitmq" needs gitops.engine flux (its operator is applied from upstream manifests by Flux); with argocd: postgresql, mariadb, nats',
    ]);
  });

  it('takes tenant hosts as DNS names or wildcard suffixes', () => {
    const tenants = (hosts: unknown) => ({ ...valid, tenants: [{ name: 'team-a', hosts }] });
    expect(problemsOf(tenants(['shop.example.com', '*.apps.example.com']))).toEqual([]);
    expect(problemsOf(tenants(['Shop.example.com', 'a.*.example.com', 'localhost', 'a.example.com,b.example.com']))).toEqual(
      [0, 1, 2, 3].map((i) => expect.stringContaining(`tenants[0].hosts[${i}]: `)),
    );
  });

  it("needs a contact address for Let's Encrypt and a provider for external-dns", () => {
    const { certificates: _c, ...raw } = valid;
    expect(problemsOf(raw)).toEqual([expect.stringContaining('certificates.acmeEmail: is required for issuer "letsencrypt-production"')]);
    expect(problemsOf({ ...raw, certificates: { issuer: 'private-ca' } })).toEqual([]);
    expect(problemsOf({ ...valid, externalDns: { enabled: true } })).toEqual([
      expect.stringContaining('externalDns.provider: is required when externalDns.enabled is true'),
    ]);
    expect(problemsOf({ ...valid, ids: { minimumPriority: 'loud' } })).toEqual([
      expect.stringContaining('ids.minimumPriority: "loud" is not a Falco priority; allowed: "emergency"'),
    ]);
  });

  it('needs an alert receiver in a service cluster, and complete e-mail receivers with unique names', () => {
    const service = { ...valid, profile: 'service', serviceCluster: undefined, registry: { enabled: false }, identity: { enabled: false } };
    expect(problemsOf(service)).toEqual([
      'clusters/demo-wc/cluster.yaml: observability.receivers: is empty; a service cluster needs at least one receiver (slack, email, pagerduty or webhook): Alertmanager sends every alert to the first one',
    ]);
    expect(problemsOf({ ...service, observability: { enabled: false } })).toEqual([]);
    const receivers = [
      { name: 'mail', type: 'email', secret: 'm', to: 'a@example.com' },
      { name: 'mail', type: 'webhook', secret: 'w' },
      { name: 'null', type: 'webhook', secret: 'w' },
      { name: 'heartbeat', type: 'webhook', secret: 'w' },
    ];
    expect(problemsOf({ ...service, observability: { receivers } }).map((p) => p.replace('clusters/demo-wc/cluster.yaml: ', ''))).toEqual([
      'observability.receivers[1].name: "mail" is already observability.receivers[0].name; receiver names must be unique',
      'observability.receivers[0].from: is required for an email receiver ("mail")',
      'observability.receivers[0].smarthost: is required for an email receiver ("mail")',
      'observability.receivers[2].name: "null" is reserved for the receiver that drops the InfoInhibitor helper alert; choose another name',
      'observability.receivers[3].name: "heartbeat" is reserved for the receiver of the Watchdog heartbeat (the dead man\'s switch); choose another name',
    ]);
  });

  it('needs a bucket for backups unless they are switched off', () => {
    const { backup: _b, ...raw } = valid;
    expect(problemsOf(raw)).toEqual([expect.stringContaining('backup.objectStorage: is required when backups are enabled')]);
    expect(problemsOf({ ...raw, backup: { enabled: false } })).toEqual([]);
    expect(problemsOf({ ...valid, backup: { objectStorage: { endpoint: 'http://s3.example.com', bucket: 'Backups' } } })).toEqual([
      expect.stringContaining('backup.objectStorage.endpoint: "http://s3.example.com" is not an https URL'),
      expect.stringContaining('backup.objectStorage.bucket: "Backups" is not an S3 bucket name'),
    ]);
  });

  it('takes the backup time inside 00:00-01:59 and checks the CSI snapshot settings of the volume backup', () => {
    const storage = valid.backup.objectStorage;
    const volumes = (v: unknown) =>
      problemsOf({ ...valid, backup: { objectStorage: storage, volumes: v } }).map((p) => p.replace('clusters/demo-wc/cluster.yaml: ', ''));
    expect(problemsOf({ ...valid, backup: { objectStorage: storage, time: '00:15' } })).toEqual([]);
    expect(problemsOf({ ...valid, backup: { objectStorage: storage, time: '02:30' } })).toEqual([
      expect.stringContaining('backup.time: "02:30" is not a time between 00:00 and 01:59'),
    ]);
    expect(volumes({ method: 'file-system' })).toEqual([]);
    expect(volumes({ method: 'csi-snapshot-data-movement', csiDriver: 'ebs.csi.aws.com', volumeSnapshotClass: 'ebs-snapshots' })).toEqual([]);
    expect(volumes({ method: 'csi-snapshot-data-movement', csiDriver: 'ebs.csi.aws.com' })).toEqual([
      'backup.volumes.volumeSnapshotClass: is required for method csi-snapshot-data-movement (the CSI driver of the volumes and its VolumeSnapshotClass in the cluster); or use method file-system',
    ]);
    expect(volumes({ volumeSnapshotClass: 'ebs-snapshots' })).toEqual([
      'backup.volumes.volumeSnapshotClass: is only allowed with method csi-snapshot-data-movement',
    ]);
    expect(volumes({ method: 'snapshots' })).toEqual([
      expect.stringContaining('backup.volumes.method: "snapshots" is not a volume backup method (file-system, csi-snapshot-data-movement)'),
    ]);
    expect(volumes({ method: 'csi-snapshot-data-movement', csiDriver: 'EBS', volumeSnapshotClass: 'x_y' })).toEqual([
      expect.stringContaining('backup.volumes.csiDriver: "EBS" is not a CSI driver name'),
      expect.stringContaining('backup.volumes.volumeSnapshotClass: "x_y" is not a VolumeSnapshotClass name'),
    ]);
    const loaded = validateClusterConfig({ ...valid }, 'clusters/demo-wc/cluster.yaml', 'demo-wc');
    expect(loaded.config?.backup).toMatchObject({ time: '01:30', volumes: { method: 'file-system' } });
  });

  it('validates age recipients', () => {
    expect(problemsOf({ ...valid, sops: { ageRecipients: ['AGE-SECRET-KEY-1XYZ'] } })).toEqual([
      expect.stringContaining('sops.ageRecipients[0]: "AGE-SECRET-KEY-1XYZ" is not an age X25519 recipient'),
    ]);
  });

  it('loads a file and throws a ConfigError carrying every problem', () => {
    const file = writeCluster('name: demo-wc\nprofile: workload\n');
    expect(() => loadClusterConfig(file, 'clusters/demo-wc/cluster.yaml')).toThrow(ConfigError);
    try {
      loadClusterConfig(file, 'clusters/demo-wc/cluster.yaml');
    } catch (e) {
      const paths = (e as ConfigError).problems.map((p) => p.path);
      expect(paths).toEqual(expect.arrayContaining(['environment', 'kubernetesVersion', 'domain', 'gitops', 'serviceCluster']));
    }
  });

  it('reports YAML syntax errors and duplicate keys with their line', () => {
    expect(() => loadClusterConfig(writeCluster('name: demo-wc\nname: again\n'), 'c.yaml')).toThrow(
      /c\.yaml: line 2 column 1: invalid YAML: map keys must be unique/,
    );
    expect(() => loadClusterConfig(writeCluster('name: [unclosed\n'), 'c.yaml')).toThrow(/c\.yaml: line \d+ column \d+: invalid YAML/);
    expect(() => loadClusterConfig(writeCluster('- a list\n'), 'c.yaml')).toThrow('c.yaml: (document root): must be a mapping of fields');
  });

  it('refuses aliases that expand without bound, naming the file', () => {
    let bomb = 'a0: &a0 [x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 9; i++)
      bomb += `a${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(', ')}]\n`;
    expect(() => loadClusterConfig(writeCluster(`name: demo-wc\n${bomb}`), 'clusters/demo-wc/cluster.yaml')).toThrow(
      /^clusters\/demo-wc\/cluster\.yaml: \(document root\): cannot be read: excessive alias count indicates a resource exhaustion attack$/,
    );
  });
});

const TOKEN = 'ghp_0123456789abcdefSECRET';

/** Problems of a config, each checked not to show the token. */
function credentialProblemsOf(raw: unknown): string[] {
  const lines = problemsOf(raw);
  for (const line of lines) expect(line).not.toContain(TOKEN);
  return lines;
}

describe('credentials in URLs of config files', () => {
  it('rejects user information in gitops.repository, naming file and field, saying where Git credentials go, never showing them', () => {
    expect(credentialProblemsOf({ ...valid, gitops: { repository: `https://deploy:${TOKEN}@github.com/acme/fleet.git` } })).toEqual([
      expect.stringMatching(
        /^clusters\/demo-wc\/cluster\.yaml: gitops\.repository: holds a URL with credentials in it \(a user name and password before "@"\); .*gitops\.secretName/,
      ),
    ]);
    // a token alone as the user name is a credential too (GitHub reads it as one)
    expect(credentialProblemsOf({ ...valid, gitops: { repository: `https://${TOKEN}@github.com/acme/fleet.git` } })).toEqual([
      expect.stringContaining('gitops.repository: holds a URL with credentials in it (user information'),
    ]);
  });

  it('rejects credentials in object storage endpoints, issuers and any other URL-shaped value', () => {
    const raw = {
      ...valid,
      backup: { objectStorage: { endpoint: `https://AKIA:${TOKEN}@s3.example.com`, bucket: 'backups' } },
      oidc: { issuerUrl: `https://login.example.com/?client_secret=${TOKEN}` },
      tenants: [{ name: 'team-a', adminGroups: [`see https://x:${TOKEN}@wiki.example.com`] }],
    };
    const problems = credentialProblemsOf(raw).sort();
    expect(problems).toEqual([
      expect.stringMatching(/: backup\.objectStorage\.endpoint: holds a URL with credentials .*CK8S_S3_SECRET_ACCESS_KEY/),
      expect.stringMatching(
        /: oidc\.issuerUrl: holds a URL with credentials in it \(the query parameter "client_secret"\).*identity\.connectors\[\]\.secret/,
      ),
      expect.stringMatching(/: tenants\[0\]\.adminGroups\[0\]: holds a URL with credentials /),
    ]);
  });

  it('accepts an ssh user name (the account the deploy key logs in as) and URLs without credentials', () => {
    expect(credentialProblemsOf(valid)).toEqual([]);
    expect(credentialProblemsOf({ ...valid, gitops: { repository: 'https://github.com/acme/fleet.git?ref=main' } })).toEqual([]);
    expect(urlCredentialFinding('ssh://git:pw@git.example.com/x')).toBe('a user name and password before "@"');
  });

  it('never echoes the credential in other problems of the same field', () => {
    // plain http is not allowed either: that problem shows the URL with its credentials masked
    const problems = credentialProblemsOf({ ...valid, gitops: { repository: `http://deploy:${TOKEN}@git.example.com/fleet.git` } });
    expect(problems).toContainEqual(expect.stringContaining('gitops.repository: "http://***@git.example.com/fleet.git" is not an allowed Git URL'));
    expect(showValue(`https://x.example.com/a?X-Amz-Signature=${TOKEN}&part=1`)).toBe('"https://x.example.com/a?X-Amz-Signature=***&part=1"');
    expect(redactUrlCredentials(`clone https://a:${TOKEN}@h/r and https://h/r`)).toBe('clone https://***@h/r and https://h/r');
  });

  it('checks ck8s.config.yaml and charts/catalog.yaml too', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'ck8s-urls-'));
    writeFileSync(
      path.join(root, 'ck8s.config.yaml'),
      `validation:\n  schemaLocations: ['https://ci:${TOKEN}@mirror.example.com/{{ .ResourceKind }}.json']\n`,
    );
    let error: unknown;
    try {
      new Workspace(root, {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(
      /^ck8s\.config\.yaml: validation\.schemaLocations\[0\]: holds a URL with credentials in it .*CK8S_SCHEMA_LOCATIONS/,
    );
    expect((error as ConfigError).message).not.toContain(TOKEN);

    mkdirSync(path.join(root, 'charts'));
    const catalog = path.join(root, 'charts/catalog.yaml');
    writeFileSync(
      catalog,
      `charts:\n  demo:\n    repository: oci://robot:${TOKEN}@registry.example.com/charts\n    chart: demo\n    version: 1.0.0\n`,
    );
    expect(() => ChartCatalog.load(catalog, 'charts/catalog.yaml')).toThrow(
      /^charts\/catalog\.yaml: charts\.demo\.repository: holds a URL with credentials in it \(a user name and password before "@"\)/,
    );
  });
});

describe('zod set-up', () => {
  it('parses interpreted: no parser is compiled with new Function', async () => {
    const { z } = await import('zod');
    await import('../src/base.js');
    expect(z.config().jitless).toBe(true);
  });
});
