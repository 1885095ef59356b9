// Backup and restore with Velero's real code (opt-in: `npm run test:e2e:backup`, which builds
// velero, its AWS object store plugin and the versitygw S3 server first; see e2e-tools/README.md).
// The velero server runs as a local process against the harness's API server, with the platform's
// generated BackupStorageLocation and Schedule of the demo workload cluster pointed at an S3
// server on 127.0.0.1; the Schedule's backup is restored with the platform's restore template.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { restoreTemplates } from '@ck8s/backup';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type KubeObject,
  LocalCluster,
  ManagedProcess,
  freePorts,
  httpGet,
  readVersions,
  repositoryRoot,
  resolveBinaries,
  toObjects,
  waitUntil,
} from '../src/index.js';

const root = repositoryRoot();
const cluster = new LocalCluster({ flux: false, git: false });
const VELERO_NS = 'velero';
const TENANT = 'team-a';
// the demo workload cluster's generated objects, as Flux applies them
const PLATFORM_OBJECTS = path.join(root, 'clusters', 'demo-wc', 'platform', 'backup-schedule.yaml');
// test credentials of the loopback S3 server, never a real account
const S3_ACCESS_KEY = 'ck8s-e2e';
const S3_SECRET_KEY = 'ck8s-e2e-not-a-secret';

const processes: ManagedProcess[] = [];
let velero: ManagedProcess | undefined;
let veleroCli = '';
let s3DataDir = '';
let bucket = '';
let prefix = '';
let backupName = '';

/** The platform's generated object of a kind from the demo cluster's folder. */
function platformObject(kind: string): KubeObject {
  const found = toObjects(readFileSync(PLATFORM_OBJECTS, 'utf8')).find((o) => o.kind === kind);
  if (!found) throw new Error(`${PLATFORM_OBJECTS} has no ${kind}`);
  return found;
}

function labelsOf(object: KubeObject | undefined): Record<string, string> {
  return (object?.metadata.labels ?? {}) as Record<string, string>;
}

/** Velero objects' status, read through the admin client. */
async function veleroStatus(kind: string, name: string): Promise<Record<string, unknown> | undefined> {
  const object = await cluster.client.get({ apiVersion: 'velero.io/v1', kind, name, namespace: VELERO_NS });
  return object?.status as Record<string, unknown> | undefined;
}

/** Waits until a Backup or Restore ends, and fails with its status and the server's log unless it Completed. */
async function waitForCompletion(kind: 'Backup' | 'Restore', name: string): Promise<Record<string, unknown>> {
  const finished = ['Completed', 'PartiallyFailed', 'Failed', 'FailedValidation'];
  const status = await waitUntil(
    async () => {
      const s = await veleroStatus(kind, name);
      return finished.includes(String(s?.phase)) ? s : undefined;
    },
    { what: `${kind} ${name} to finish`, timeoutMs: 240_000, intervalMs: 1_000, details: () => velero?.tail(40) ?? '' },
  );
  if (status?.phase !== 'Completed') {
    // the errors and warnings of each item are in the object store; `velero describe --details` fetches them through the server
    const { stdout, stderr } = await execa(
      veleroCli,
      [kind.toLowerCase(), 'describe', name, '--details', `--namespace=${VELERO_NS}`, `--kubeconfig=${cluster.kubeconfigPath}`],
      { env: { HOME: cluster.dataDir }, reject: false },
    );
    throw new Error(`${kind} ${name} ended ${JSON.stringify(status)}\n${stdout}${stderr}`);
  }
  return status;
}

/** The tenant's objects: what a team deploys into its namespace. */
function tenantObjects(): KubeObject[] {
  const labels = { 'app.kubernetes.io/name': 'shop' };
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: TENANT, labels: { 'platform.ck8s.io/tenant': TENANT } } },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'shop-settings', namespace: TENANT },
      data: { 'app.yaml': 'currency: SEK\nreplicas: 2\n' },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'shop-db', namespace: TENANT },
      type: 'Opaque',
      stringData: { password: 'e2e-fixture-password' },
    },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'shop', namespace: TENANT } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'shop', namespace: TENANT, labels },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: 'shop',
            automountServiceAccountToken: false,
            containers: [{ name: 'shop', image: 'registry.example.com/team-a/shop:1.4.2', ports: [{ containerPort: 8080 }] }],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'shop', namespace: TENANT },
      spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'shop-ingress', namespace: TENANT },
      spec: { podSelector: { matchLabels: labels }, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 8080, protocol: 'TCP' }] }] },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'shop-reader', namespace: TENANT },
      rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['shop-settings'], verbs: ['get'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'shop-reader', namespace: TENANT },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'shop-reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'shop', namespace: TENANT }],
    },
  ];
}

beforeAll(async () => {
  const binaries = resolveBinaries(root, ['velero', 'velero-plugin-for-aws', 'versitygw']);
  veleroCli = binaries.velero;
  await cluster.start();
  const dir = path.join(cluster.dataDir, 'backup');
  const pluginDir = path.join(dir, 'plugins');
  const tmp = path.join(dir, 'tmp');
  s3DataDir = path.join(dir, 'buckets');
  // versitygw refuses a sidecar folder whose path starts with the root's
  const s3MetaDir = path.join(dir, 'metadata');
  for (const d of [pluginDir, tmp, s3DataDir, s3MetaDir]) mkdirSync(d, { recursive: true });

  // the object store: versitygw's posix backend keeps each bucket as a folder (metadata in a sidecar folder, no xattrs needed)
  const bsl = platformObject('BackupStorageLocation');
  const storage = (bsl.spec as { objectStorage: { bucket: string; prefix: string } }).objectStorage;
  bucket = storage.bucket;
  prefix = storage.prefix;
  mkdirSync(path.join(s3DataDir, bucket));
  const config = (bsl.spec as { config: Record<string, string> }).config;
  const [s3Port, metricsPort, profilerPort] = await freePorts(3);
  const s3 = ManagedProcess.start({
    name: 'versitygw',
    command: binaries.versitygw,
    // the region the storage location signs its requests for (the demo's), which versitygw checks
    args: ['--port', `127.0.0.1:${s3Port}`, '--region', config.region ?? 'us-east-1', 'posix', '--sidecar', s3MetaDir, s3DataDir],
    env: { ROOT_ACCESS_KEY_ID: S3_ACCESS_KEY, ROOT_SECRET_ACCESS_KEY: S3_SECRET_KEY },
    logFile: path.join(dir, 'versitygw.log'),
  });
  processes.push(s3);
  // any HTTP answer (an unsigned request gets 403) means it listens
  await waitUntil(
    async () => {
      try {
        return (await httpGet(`http://127.0.0.1:${s3Port}/`)).status > 0 || undefined;
      } catch {
        return undefined;
      }
    },
    { what: 'versitygw to listen', timeoutMs: 30_000, details: () => s3.tail() },
  );

  // Velero's CRDs as `velero install` writes them
  const { stdout } = await execa(binaries.velero, ['install', '--crds-only', '--dry-run', '-o', 'json']);
  const crds = (JSON.parse(stdout) as { items: KubeObject[] }).items;
  await cluster.client.apply(crds);
  for (const crd of crds) {
    await cluster.client.waitForCondition(
      { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: crd.metadata.name },
      'Established',
    );
  }
  await cluster.createNamespace(VELERO_NS);

  // Velero's pod restore action reads its own Deployment (the chart's, named velero) for the image of the
  // restore init container; the server runs outside a pod here, so the Deployment stands for it with no replica
  const serverLabels = { 'app.kubernetes.io/name': 'velero' };
  await cluster.client.apply({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'velero', namespace: VELERO_NS, labels: serverLabels },
    spec: {
      replicas: 0,
      selector: { matchLabels: serverLabels },
      template: {
        metadata: { labels: serverLabels },
        spec: { containers: [{ name: 'velero', image: `docker.io/velero/velero:${readVersions(root).components.velero.version}` }] },
      },
    },
  });

  // the credentials Secret the platform's storage location names (sops-encrypted in the repository; key `cloud`, an AWS credentials file)
  const credential = (bsl.spec as { credential: { name: string; key: string } }).credential;
  const credentialsFile = path.join(dir, 'cloud');
  writeFileSync(credentialsFile, `[default]\naws_access_key_id=${S3_ACCESS_KEY}\naws_secret_access_key=${S3_SECRET_KEY}\n`, { mode: 0o600 });
  await cluster.client.apply({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: credential.name, namespace: VELERO_NS },
    type: 'Opaque',
    stringData: { [credential.key]: readFileSync(credentialsFile, 'utf8') },
  });
  // the platform's storage location, on the loopback S3 server instead of the demo's endpoint
  await cluster.client.apply({ ...bsl, spec: { ...(bsl.spec as object), config: { ...config, s3Url: `http://127.0.0.1:${s3Port}` } } });

  // the plugin folder holds only the AWS plugin, as the chart's init container copies it into /plugins
  const plugin = path.join(pluginDir, 'velero-plugin-for-aws');
  copyFileSync(binaries['velero-plugin-for-aws'], plugin);
  chmodSync(plugin, 0o755);
  velero = ManagedProcess.start({
    name: 'velero',
    command: binaries.velero,
    // the server flags the chart passes for the platform's configuration (uploader kopia, garbage collection hourly)
    args: [
      'server',
      `--kubeconfig=${cluster.kubeconfigPath}`,
      `--namespace=${VELERO_NS}`,
      `--plugin-dir=${pluginDir}`,
      `--metrics-address=127.0.0.1:${metricsPort}`,
      `--profiler-address=127.0.0.1:${profilerPort}`,
      '--uploader-type=kopia',
      '--garbage-collection-frequency=1h',
      '--log-level=info',
    ],
    // Velero keeps the credential files it reads from Secrets under the temporary folder
    env: { HOME: dir, TMPDIR: tmp },
    logFile: path.join(dir, 'velero.log'),
  });
  processes.push(velero);
});

afterAll(async () => {
  for (const p of processes.reverse()) await p.stop();
  await cluster.stop();
});

describe('Velero v1.18 (real server and AWS plugin) with the platform objects', () => {
  it('the platform storage location becomes Available on the S3 server', async () => {
    const status = await waitUntil(
      async () => {
        const s = await veleroStatus('BackupStorageLocation', 'default');
        return s?.phase === 'Available' ? s : undefined;
      },
      { what: 'BackupStorageLocation default to be Available', timeoutMs: 120_000, intervalMs: 1_000, details: () => velero?.tail(40) ?? '' },
    );
    expect(status.phase).toBe('Available');
  });

  it('the platform schedule backs up the tenant objects to the bucket', async () => {
    await cluster.client.apply(tenantObjects());
    await cluster.client.apply(platformObject('Schedule'));
    // the schedule runs at night; an operator's on-demand backup of it, as the velero CLI makes one (its template, its labels)
    await execa(veleroCli, ['backup', 'create', '--from-schedule', 'daily', `--namespace=${VELERO_NS}`, `--kubeconfig=${cluster.kubeconfigPath}`], {
      env: { HOME: cluster.dataDir },
    });
    const backup = await waitUntil(
      async () => (await cluster.client.list('velero.io/v1', 'Backup', { namespace: VELERO_NS, labelSelector: 'velero.io/schedule-name=daily' }))[0],
      { what: 'a backup of the schedule daily', timeoutMs: 120_000, intervalMs: 1_000, details: () => velero?.tail(40) ?? '' },
    );
    backupName = backup.metadata.name;
    const status = await waitForCompletion('Backup', backupName);
    expect(status.errors ?? 0).toBe(0);
    // the backup went through the plugin into the bucket under the cluster's prefix
    expect(existsSync(path.join(s3DataDir, bucket, prefix, 'backups', backupName, `${backupName}.tar.gz`))).toBe(true);
    const spec = backup.spec as { excludedNamespaces: string[]; storageLocation: string };
    expect(spec.storageLocation).toBe('default');
    expect(spec.excludedNamespaces).toContain('flux-system');
  });

  it('the platform restore template brings the deleted namespace back with its data', async () => {
    expect(backupName).not.toBe('');
    await cluster.client.delete({ apiVersion: 'v1', kind: 'Namespace', name: TENANT });
    await cluster.client.waitForDeletion({ apiVersion: 'v1', kind: 'Namespace', name: TENANT }, { timeoutMs: 120_000 });

    const restore = restoreTemplates({ backup: backupName, namespace: TENANT }).cluster as KubeObject;
    await cluster.client.create(restore);
    await waitForCompletion('Restore', restore.metadata.name);

    const get = (apiVersion: string, kind: string, name: string) => cluster.client.get({ apiVersion, kind, name, namespace: TENANT });
    const ns = await cluster.client.get({ apiVersion: 'v1', kind: 'Namespace', name: TENANT });
    expect(labelsOf(ns)['platform.ck8s.io/tenant']).toBe(TENANT);
    const configMap = await get('v1', 'ConfigMap', 'shop-settings');
    expect(configMap?.data).toEqual({ 'app.yaml': 'currency: SEK\nreplicas: 2\n' });
    // Velero labels what it restored: these objects came from the backup, not from a leftover
    expect(labelsOf(configMap)['velero.io/restore-name']).toBe(restore.metadata.name);
    const secret = await get('v1', 'Secret', 'shop-db');
    expect(Buffer.from((secret?.data as Record<string, string>).password ?? '', 'base64').toString()).toBe('e2e-fixture-password');
    const deployment = await get('apps/v1', 'Deployment', 'shop');
    const podSpec = (deployment?.spec as { replicas: number; template: { spec: { containers: { image: string }[]; serviceAccountName: string } } })
      .template.spec;
    expect((deployment?.spec as { replicas: number }).replicas).toBe(2);
    expect(podSpec.containers[0]?.image).toBe('registry.example.com/team-a/shop:1.4.2');
    expect(podSpec.serviceAccountName).toBe('shop');
    expect(await get('v1', 'ServiceAccount', 'shop')).toBeDefined();
    const service = await get('v1', 'Service', 'shop');
    expect((service?.spec as { ports: { port: number; targetPort: number }[] }).ports[0]).toMatchObject({ port: 80, targetPort: 8080 });
    expect((service?.spec as { selector: Record<string, string> }).selector).toEqual({ 'app.kubernetes.io/name': 'shop' });
    const policy = await get('networking.k8s.io/v1', 'NetworkPolicy', 'shop-ingress');
    expect(policy?.spec).toEqual(tenantObjects().find((o) => o.kind === 'NetworkPolicy')?.spec);
    const role = await get('rbac.authorization.k8s.io/v1', 'Role', 'shop-reader');
    expect((role as unknown as { rules: unknown[] }).rules).toEqual([
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['shop-settings'], verbs: ['get'] },
    ]);
    const binding = await get('rbac.authorization.k8s.io/v1', 'RoleBinding', 'shop-reader');
    expect((binding as unknown as { subjects: unknown[] }).subjects).toEqual([{ kind: 'ServiceAccount', name: 'shop', namespace: TENANT }]);
  });
});
