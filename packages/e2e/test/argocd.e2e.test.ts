// The GitOps scenario with real Argo CD (v3.6.1, built from its Go module): a throwaway workload
// cluster with `gitops.engine: argocd` is generated with ck8s, pushed to the local git server, and
// Argo CD is installed with what the platform generated for it (argocd-cm, the sops
// config-management plugin, the Redis password from its sops Secret); the project and the root
// Application are applied as the README's bootstrap says. Then the layers in wave order, the
// Secrets decrypted by the plugin (the age key only in the cmp-server), the admission policies,
// a manual change reverted and a removed tenant pruned are checked. Offline no chart can be
// fetched: a chart's Application reports the fetch failure and, holding no objects, does not hold
// back its layer (as the Flux scenario runs with `wait: false`).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadFleet, Workspace } from '@ck8s/core';
import { clusterRules } from '@ck8s/policy';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARGOCD_NAMESPACE, fleetWorkTree, type GitWorkTree, type KubeObject, LocalCluster, type ObjectRef } from '../src/index.js';
import { repositoryRoot } from '../src/versions.js';
import { runCk8s } from './run-ck8s.js';

const ROOT = repositoryRoot();
const cluster = new LocalCluster({ flux: false });
let tree: GitWorkTree;
let keyFile: string;
let sha = '';
const SECRET_VALUE = 'correct horse battery staple\nwith a second line: and a colon';
const REDIS_PASSWORD = randomBytes(24).toString('hex');
const LAYERS = ['controllers', 'policies', 'platform', 'tenants'];
const app = (name: string): ObjectRef => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', name, namespace: ARGOCD_NAMESPACE });

function log(message: string): void {
  console.log(`[argocd] ${message}`);
}

/** ck8s in the fleet work tree. */
const ck8s = (args: string[], stdin = ''): Promise<string> => runCk8s(tree.dir, args, stdin);

function clusterYaml(tenants: string): string {
  return `name: e2e-argo
profile: workload
environment: e2e
kubernetesVersion: "1.36"
domain: e2e-argo.example.com
serviceCluster: e2e-sc
gitops:
  engine: argocd
  repository: ${cluster.git.url('fleet')}
tenants:
${tenants}policy:
  allowedRegistries: [registry.example.com]
network:
  apiServer: { cidrs: [127.0.0.1/32] }
certificates: { enabled: false }
ids: { enabled: false }
logging: { enabled: false }
observability: { enabled: false }
backup: { enabled: false }
posture: { enabled: false }
`;
}

const TENANTS = '  - name: team-a\n    adminGroups: [team-a-admins]\n  - name: team-b\n    adminGroups: [team-b-admins]\n';

/** Every object of a generated YAML file. */
function objectsOf(file: string): KubeObject[] {
  return parseAllDocuments(readFileSync(path.join(tree.dir, file), 'utf8')).map((d) => d.toJS() as KubeObject);
}

/** Asks Argo CD to fetch git again now (its repo-server caches a branch's revision for 3 minutes). */
async function refresh(name: string): Promise<void> {
  await cluster.client.patch(app(name), { metadata: { annotations: { 'argocd.argoproj.io/refresh': 'normal' } } });
}

interface AppStatus {
  sync?: { status?: string; revision?: string };
  health?: { status?: string };
  operationState?: { phase?: string; message?: string; finishedAt?: string; syncResult?: { revision?: string } };
  conditions?: { type: string; message: string }[];
}

const statusOf = (o: KubeObject | undefined) => (o?.status ?? {}) as AppStatus;

/** Waits until an Application is Synced and Healthy at a revision. */
async function waitSynced(name: string, revision: string, timeoutMs = 240_000): Promise<KubeObject> {
  return cluster.client
    .waitFor(
      app(name),
      (o) => {
        const s = statusOf(o);
        return s.sync?.status === 'Synced' && s.sync.revision === revision && s.health?.status === 'Healthy';
      },
      { timeoutMs, what: `Application ${name} to be Synced and Healthy at ${revision.slice(0, 12)}` },
    )
    .then((o) => o!)
    .catch(async (e: Error) => {
      throw new Error(`${e.message}\n${await argoState()}`);
    });
}

/** Every Application's sync, health and last operation, for failure messages. */
async function argoState(): Promise<string> {
  const apps = await cluster.client.list('argoproj.io/v1alpha1', 'Application', { namespace: ARGOCD_NAMESPACE }).catch(() => []);
  const lines = apps.map((o) => {
    const s = statusOf(o);
    return `Application ${o.metadata.name}: sync ${s.sync?.status} at ${s.sync?.revision?.slice(0, 12)}, health ${s.health?.status}, operation ${s.operationState?.phase}: ${s.operationState?.message ?? ''} ${(s.conditions ?? []).map((c) => `${c.type}: ${c.message}`).join('; ')}`;
  });
  return `${lines.join('\n')}\n${cluster.diagnostics()}`;
}

beforeAll(async () => {
  await cluster.start();
  tree = await fleetWorkTree(cluster.git, ROOT, { 'clusters/e2e-argo/cluster.yaml': clusterYaml(TENANTS) });
  keyFile = path.join(mkdtempSync(path.join(tmpdir(), 'ck8s-e2e-key-')), 'e2e-argo.agekey');
  await ck8s(['secrets', 'init', 'e2e-argo', '--key-file', keyFile]);
  await ck8s(['secrets', 'set', 'e2e-argo', 'team-a/app-database', 'username=app', '--stdin', 'password'], SECRET_VALUE);
  await ck8s(['secrets', 'set', 'e2e-argo', 'argocd/argocd-redis', '--stdin', 'auth'], REDIS_PASSWORD);
  log((await ck8s(['synth'])).trim());
  log((await ck8s(['validate', 'e2e-argo'])).trim());
  sha = await tree.commitAndPush('e2e-argo: first synth');

  // Argo CD as the README's bootstrap installs it: the pinned chart's values the platform generated
  const chart = objectsOf('clusters/e2e-argo/argocd/argocd.yaml').find(
    (o) => o.kind === 'Application' && (o.spec as { source?: { chart?: string } }).source?.chart === 'argo-cd',
  );
  if (!chart) throw new Error('clusters/e2e-argo/argocd/argocd.yaml has no Application of the argo-cd chart');
  const values = (
    chart.spec as { source: { helm: { valuesObject: { configs: { cm: Record<string, unknown>; cmp: { plugins: Record<string, unknown> } } } } } }
  ).source.helm.valuesObject;
  await cluster.startArgoCd({
    settings: values.configs.cm,
    plugins: values.configs.cmp.plugins,
    redisPassword: REDIS_PASSWORD,
    ageKeyFile: keyFile,
    pluginPath: [path.join(ROOT, '.tools', 'bin')],
  });
  log('Argo CD started: redis-server, repo-server, cmp-server (sops), application-controller');
}, 600_000);

afterAll(async () => {
  const report = await cluster.stop();
  log(`stopped ${report.pids.length} processes in ${report.ms}ms; left running: ${report.leftovers.length}`);
  expect(report.leftovers).toEqual([]);
  tree?.removeTree();
  if (keyFile) rmSync(path.dirname(keyFile), { recursive: true, force: true });
});

describe('GitOps with real Argo CD', () => {
  it('bootstraps from the project and the root Application, and syncs the layers in wave order', async () => {
    const layers = objectsOf('clusters/e2e-argo/argocd/layers.yaml');
    const root = layers.find((o) => o.metadata.name === 'root')!;
    const project = objectsOf('clusters/e2e-argo/argocd/project.yaml');
    await cluster.client.apply([...project, root]);
    log(`applied ${project.map((o) => `${o.kind} ${o.metadata.name}`).join(', ')} and Application root`);
    await waitSynced('root', sha, 420_000);
    const synced: Record<string, KubeObject> = {};
    for (const layer of LAYERS) {
      synced[layer] = await waitSynced(layer, sha);
      log(`Application ${layer}: Synced and Healthy at ${sha.slice(0, 12)}, created ${synced[layer].metadata.creationTimestamp as string}`);
    }
    // the root creates a layer's Application only once the one before is healthy (sync waves with
    // the Application health check restored), and an Application with nothing live yet is not:
    // each layer's Application was created no earlier than the first object the layer before applied
    for (let i = 1; i < LAYERS.length; i++) {
      const first = await firstApplied(LAYERS[i - 1]!);
      const created = synced[LAYERS[i]!]!.metadata.creationTimestamp as string;
      log(`layer ${LAYERS[i - 1]}: first object ${first.name} at ${first.at}; Application ${LAYERS[i]} created at ${created}`);
      expect(
        Date.parse(created),
        `${LAYERS[i]} created at ${created}, before ${LAYERS[i - 1]} applied anything (${first.at})`,
      ).toBeGreaterThanOrEqual(Date.parse(first.at));
    }
    // the root's own wait (7 min) and the layers' (4 min each) bound it, not the file's 5-minute default
  }, 1_200_000);

  it('creates namespaces, network policies, RBAC and the admission policies', async () => {
    for (const ns of ['team-a', 'team-b']) {
      const namespace = await cluster.client.get({ apiVersion: 'v1', kind: 'Namespace', name: ns });
      expect((namespace?.metadata.labels as Record<string, string> | undefined)?.['pod-security.kubernetes.io/enforce'], ns).toBe('restricted');
      const deny = await cluster.client.get({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', name: 'default-deny', namespace: ns });
      expect(deny?.spec, ns).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    }
    const binding = await cluster.client.get({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      name: 'tenant-admins',
      namespace: 'team-a',
    });
    expect(binding?.subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'oidc:team-a-admins' }]);
    const fleet = loadFleet(new Workspace(tree.dir, {}));
    const rules = clusterRules(fleet.clusters.get('e2e-argo')!, fleet);
    const live = (await cluster.client.list('admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicy'))
      .map((p) => p.metadata.name)
      .filter((n) => n.startsWith('ck8s-'))
      .sort();
    expect(live).toEqual(expect.arrayContaining(rules.map((r) => `ck8s-${r.id}`)));
    // live: a privileged pod in a tenant namespace is refused
    const refused = await cluster.client
      .create(
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'privileged', namespace: 'team-a' },
          spec: { containers: [{ name: 'c', image: 'registry.example.com/x:1', securityContext: { privileged: true } }] },
        },
        { dryRun: true },
      )
      .then(
        () => '',
        (e: Error) => e.message,
      );
    expect(refused).toMatch(/privileged/);
    log(`${live.length} admission policies live; a privileged pod in team-a is refused`);
  });

  it('decrypts each sops Secret through the plugin to its exact original values', async () => {
    const secret = await cluster.client.get({ apiVersion: 'v1', kind: 'Secret', name: 'app-database', namespace: 'team-a' });
    const data = secret?.data as Record<string, string>;
    expect(Buffer.from(data.password!, 'base64').toString()).toBe(SECRET_VALUE);
    expect(Buffer.from(data.username!, 'base64').toString()).toBe('app');
    expect((secret as { sops?: unknown } | undefined)?.sops).toBeUndefined();
    const redis = await cluster.client.get({ apiVersion: 'v1', kind: 'Secret', name: 'argocd-redis', namespace: ARGOCD_NAMESPACE });
    expect(Buffer.from((redis?.data as Record<string, string>).auth!, 'base64').toString()).toBe(REDIS_PASSWORD);
    log('team-a/app-database and argocd/argocd-redis decrypted with the exact values');
  });

  it("keeps Argo CD's manifest cache behind Redis's password", async () => {
    const answer = await redisCommand(redisPort(), 'KEYS *');
    expect(answer).toMatch(/^-NOAUTH/);
  });

  it('reverts a manual change to a generated object (selfHeal)', async () => {
    const ref = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'ck8s-tenant-reader' };
    const rules = (await cluster.client.get(ref))?.rules as unknown[];
    expect(rules.length).toBeGreaterThan(0);
    await cluster.client.patch(ref, { rules: [] });
    await cluster.client.waitFor(ref, (o) => JSON.stringify(o?.rules) === JSON.stringify(rules), {
      timeoutMs: 120_000,
      what: 'Argo CD to restore the ClusterRole',
    });
    log('manual change to ClusterRole ck8s-tenant-reader reverted by Argo CD');
  });

  it('prunes the namespace of a tenant removed from cluster.yaml', async () => {
    tree.write({ 'clusters/e2e-argo/cluster.yaml': clusterYaml('  - name: team-a\n    adminGroups: [team-a-admins]\n') });
    await ck8s(['synth']);
    const next = await tree.commitAndPush('e2e-argo: remove team-b');
    for (const name of ['root', ...LAYERS]) await refresh(name);
    await waitSynced('tenants', next);
    await cluster.client.waitForDeletion({ apiVersion: 'v1', kind: 'Namespace', name: 'team-b' }, { timeoutMs: 180_000 });
    expect(await cluster.client.get({ apiVersion: 'v1', kind: 'Namespace', name: 'team-a' })).toBeDefined();
    log('team-b pruned');
  });
});

/** The earliest creation time among the live objects of a layer's generated files (Applications and sops files aside). */
async function firstApplied(layer: string): Promise<{ name: string; at: string }> {
  const dir = path.join(tree.dir, 'clusters/e2e-argo', layer);
  let first: { name: string; at: string } | undefined;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml') && !f.endsWith('.sops.yaml') && f !== 'kustomization.yaml')) {
    for (const object of objectsOf(path.join('clusters/e2e-argo', layer, file)).filter((o) => o?.kind && o.kind !== 'Application')) {
      const live = await cluster.client
        .get({
          apiVersion: object.apiVersion,
          kind: object.kind,
          name: object.metadata.name,
          ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
        })
        .catch(() => undefined);
      const at = live?.metadata.creationTimestamp as string | undefined;
      if (at && (!first || Date.parse(at) < Date.parse(first.at))) first = { name: `${object.kind} ${object.metadata.name}`, at };
    }
  }
  if (!first) throw new Error(`no object of layer ${layer} is in the cluster`);
  return first;
}

/** The port Redis listens on, from its configuration file in the cluster's data folder. */
function redisPort(): number {
  const config = readFileSync(path.join(cluster.dataDir, 'argocd', 'redis.conf'), 'utf8');
  return Number(/^port (\d+)$/m.exec(config)![1]);
}

/** Sends one inline command to Redis without authenticating; resolves with its first answer line. */
function redisCommand(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(`${command}\r\n`));
    socket.once('data', (chunk) => {
      socket.destroy();
      resolve(chunk.toString().split('\r\n')[0]!);
    });
    socket.once('error', reject);
  });
}
