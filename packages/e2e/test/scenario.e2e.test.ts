// The GitOps scenario on a real control plane with real Flux: a throwaway workload cluster is
// generated with ck8s, pushed to a local git server and bootstrapped; then the layers, the
// decrypted Secrets, the admission policies (against every policy fixture, compared with
// `ck8s policy eval`), pruning and drift correction are checked. Everything is torn down even
// when an assertion fails.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '@ck8s/cli';
import { loadFleet, Workspace } from '@ck8s/core';
import { clusterRules, evaluateManifests } from '@ck8s/policy';
import { generateAgeKeyPair } from '@ck8s/secrets';
import { execa } from 'execa';
import { parse, parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conditionsOf, GitWorkTree, KubeApiError, type KubeObject, LocalCluster, requestReconcile, waitForRevision, waitUntil } from '../src/index.js';
import { repositoryRoot } from '../src/versions.js';

const ROOT = repositoryRoot();
const cluster = new LocalCluster();
let tree: GitWorkTree;
let keyFile: string;
let sha = '';
const SECRET_VALUE = 'correct horse battery staple\nwith a second line: and a colon';
const FLUX = 'flux-system';
const ks = (name: string) => ({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name, namespace: FLUX });
const gitRepo = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name: FLUX, namespace: FLUX };

function log(message: string): void {
  console.log(`[scenario] ${message}`);
}

/** Runs the ck8s CLI in-process in the work tree; fails the test with its output when it fails. */
async function ck8s(args: string[], stdin = ''): Promise<string> {
  let out = '';
  const code = await main(args, { cwd: tree.dir, stdout: (t) => (out += t), stderr: (t) => (out += t), readStdin: async () => stdin });
  if (code !== 0) throw new Error(`ck8s ${args.join(' ')} exited ${code}:\n${out}`);
  return out;
}

function clusterYaml(tenants: string): string {
  return `name: e2e-wc
profile: workload
environment: e2e
kubernetesVersion: "1.33"
domain: e2e-wc.example.com
serviceCluster: e2e-sc
gitops:
  repository: ${cluster.git.url('fleet')}
  interval: 1m
  # the HelmReleases cannot become ready offline (no chart can be fetched): do not wait for them
  wait: false
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

beforeAll(async () => {
  await cluster.start();
  log(`cluster started: ${Object.entries(cluster.timings).map(([k, v]) => `${k} ${v}ms`).join(', ')}`);
  tree = await GitWorkTree.init(await cluster.git.createRepository('fleet'));
  const settings = readFileSync(path.join(ROOT, 'ck8s.config.yaml'), 'utf8').replace(/schemaMirror: (.*)/, (_, p: string) => `schemaMirror: ${path.resolve(ROOT, p)}`);
  tree.write({
    'ck8s.config.yaml': settings,
    'charts/catalog.yaml': readFileSync(path.join(ROOT, 'charts/catalog.yaml'), 'utf8'),
    'clusters/e2e-wc/cluster.yaml': clusterYaml(TENANTS),
    'clusters/e2e-sc/cluster.yaml':
      'name: e2e-sc\nprofile: service\nenvironment: e2e\nkubernetesVersion: "1.33"\ndomain: e2e-sc.example.com\ngitops: { repository: https://git.invalid/fleet.git }\n' +
      'certificates: { enabled: false }\nids: { enabled: false }\nlogging: { enabled: false }\nobservability: { enabled: false }\nbackup: { enabled: false }\nposture: { enabled: false }\nregistry: { enabled: false }\nidentity: { enabled: false }\ningress: { enabled: false }\n',
  });
  // tools and the schema cache of the real repository, as a developer's clone would have them
  mkdirSync(path.join(tree.dir, '.tools'), { recursive: true });
  cpSync(path.join(ROOT, '.tools', 'bin'), path.join(tree.dir, '.tools', 'bin'), { recursive: true });
  writeFileSync(path.join(tree.dir, '.gitignore'), '.tools/\n.ck8s/\n');
  keyFile = path.join(mkdtempSync(path.join(tmpdir(), 'ck8s-e2e-key-')), 'e2e-wc.agekey');
  await ck8s(['secrets', 'init', 'e2e-wc', '--key-file', keyFile]);
  await ck8s(['secrets', 'set', 'e2e-wc', 'team-a/app-database', 'username=app', '--stdin', 'password'], SECRET_VALUE);
  log((await ck8s(['synth'])).trim());
  log((await ck8s(['validate', 'e2e-wc'])).trim());
  sha = await tree.commitAndPush('e2e-wc: first synth');
}, 600_000);

afterAll(async () => {
  // always: no process may outlive the suite, whatever failed
  const report = await cluster.stop();
  log(`stopped ${report.pids.length} processes in ${report.ms}ms; left running: ${report.leftovers.length}`);
  expect(report.leftovers).toEqual([]);
  tree?.removeTree();
  if (keyFile) rmSync(path.dirname(keyFile), { recursive: true, force: true });
});

describe('GitOps on a real control plane', () => {
  it('bootstraps from the generated flux-system folder and applies the layers in dependsOn order', async () => {
    const key = readFileSync(keyFile);
    await cluster.client.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sops-age', namespace: FLUX }, data: { 'age.agekey': key.toString('base64') } });
    const bootstrap = path.join(tree.dir, 'clusters/e2e-wc/flux-system');
    const resources: string[] = parse(readFileSync(path.join(bootstrap, 'kustomization.yaml'), 'utf8')).resources;
    for (const file of resources) await cluster.client.apply(readFileSync(path.join(bootstrap, file), 'utf8'));
    log(`applied bootstrap: ${resources.join(', ')}`);

    await waitForRevision(cluster.client, gitRepo, sha, { timeoutMs: 120_000 });
    const readyAt: Record<string, number> = {};
    for (const layer of ['flux-system', 'controllers', 'policies', 'platform', 'tenants']) {
      const object = await cluster.client
        .waitFor(ks(layer), (o) => conditionsOf(o).some((c) => c.type === 'Ready' && c.status === 'True') && String((o?.status as { lastAppliedRevision?: string } | undefined)?.lastAppliedRevision ?? '').includes(sha), {
          timeoutMs: 180_000,
          what: `Kustomization ${layer} to be Ready at ${sha}`,
        })
        .catch(async (e: Error) => {
          throw new Error(`${e.message}\n${await fluxState()}`);
        });
      const ready = conditionsOf(object).find((c) => c.type === 'Ready')!;
      if (!object) throw new Error(`Kustomization ${layer} is gone`);
      readyAt[layer] = Date.parse((ready as { lastTransitionTime?: string }).lastTransitionTime ?? '');
      expect((object.status as { lastAppliedRevision?: string }).lastAppliedRevision, layer).toContain(sha);
      log(`Kustomization ${layer} Ready at ${(ready as { lastTransitionTime?: string }).lastTransitionTime}: ${ready.message}`);
    }
    const order = ['controllers', 'policies', 'platform', 'tenants'].map((l) => readyAt[l]!);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('creates namespaces, network policies, RBAC and admission policies', async () => {
    for (const ns of ['team-a', 'team-b', 'ingress-nginx']) {
      const namespace = await cluster.client.get({ apiVersion: 'v1', kind: 'Namespace', name: ns });
      expect((namespace?.metadata.labels as Record<string, string> | undefined)?.['pod-security.kubernetes.io/enforce'], ns).toBe('restricted');
      const deny = await cluster.client.get({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', name: 'default-deny', namespace: ns });
      expect(deny?.spec, ns).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    }
    const binding = await cluster.client.get({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', name: 'tenant-admins', namespace: 'team-a' });
    expect(binding?.subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'oidc:team-a-admins' }]);
    const policies = await cluster.client.list('admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicy');
    const expected = clusterRules(...wcConfig()).map((r) => `ck8s-${r.id}`).sort();
    expect(policies.map((p) => p.metadata.name).filter((n) => n.startsWith('ck8s-')).sort()).toEqual(expected);
    log(`${expected.length} admission policies live`);
  });

  it('decrypts each sops Secret to its exact original values', async () => {
    const secret = await cluster.client.get({ apiVersion: 'v1', kind: 'Secret', name: 'app-database', namespace: 'team-a' });
    const data = secret?.data as Record<string, string>;
    expect(Buffer.from(data.password!, 'base64').toString()).toBe(SECRET_VALUE);
    expect(Buffer.from(data.username!, 'base64').toString()).toBe('app');
    expect((secret as { sops?: unknown } | undefined)?.sops).toBeUndefined();
    log('team-a/app-database decrypted with the exact values');
  });

  it('creates the HelmReleases, whose failure offline is a source error, not an apply error', async () => {
    const release = await cluster.client.get({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', name: 'ingress-nginx', namespace: 'ingress-nginx' });
    expect(release?.spec).toMatchObject({ chart: { spec: { chart: 'ingress-nginx' } } });
    const source = await cluster.client.waitFor(
      { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', name: 'ingress-nginx', namespace: 'ingress-nginx' },
      (o) => conditionsOf(o).some((c) => c.type === 'Ready' && c.status === 'False'),
      { timeoutMs: 120_000, what: 'the chart source to report its fetch failure' },
    );
    const ready = conditionsOf(source).find((c) => c.type === 'Ready')!;
    log(`HelmRepository ingress-nginx: ${ready.reason}: ${ready.message}`);
    expect(ready.reason).toMatch(/Fail/);
    // the layer that applied it is Ready: nothing failed to apply
    expect(conditionsOf(await cluster.client.get(ks('controllers'))).find((c) => c.type === 'Ready')?.status).toBe('True');
  });

  it('denies and admits every policy fixture exactly as ck8s policy eval does', async () => {
    const mismatches = await admissionParity();
    expect(mismatches).toEqual([]);
  });

  it("admits into a tenant namespace, under its generated quota, a pod that meets the platform's resource rule", async () => {
    // CPU and memory requests and a memory limit, as the rule and the README ask: the quota must not ask for more (no limits.cpu)
    const deployment = parse(readFileSync(path.join(ROOT, 'packages/policy/test/fixtures/platform/resource-requirements/pass-requests-and-limits.yaml'), 'utf8'));
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'within-quota', namespace: 'team-a', labels: deployment.spec.template.metadata.labels }, spec: deployment.spec.template.spec };
    expect((await cluster.client.get({ apiVersion: 'v1', kind: 'ResourceQuota', name: 'tenant-quota', namespace: 'team-a' }))?.spec).toBeDefined();
    await cluster.client.create(pod, { dryRun: true });
    log('team-a admits a pod with cpu and memory requests and a memory limit under its quota');
  });

  it('reverts a manual change to a generated object on the next reconcile', async () => {
    // an object outside the tenant namespaces: there, protect-platform-objects refuses manual changes to generated objects
    const ref = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'ck8s-tenant-reader' };
    const rules = (await cluster.client.get(ref))?.rules as unknown[];
    expect(rules.length).toBeGreaterThan(0);
    await cluster.client.patch(ref, { rules: [] });
    expect((await cluster.client.get(ref))?.rules ?? []).toEqual([]);
    await requestReconcile(cluster.client, ks('platform'));
    await cluster.client.waitFor(ref, (o) => JSON.stringify(o?.rules) === JSON.stringify(rules), { timeoutMs: 120_000, what: 'Flux to restore the ClusterRole' });
    log('manual change to ClusterRole ck8s-tenant-reader reverted by Flux');
  });

  it('fails, naming the file, when a Secret is encrypted to a key the cluster does not hold', async () => {
    // bypasses ck8s on purpose (its secrets check refuses such a file): what would Flux do?
    const stranger = (await generateAgeKeyPair()).recipient;
    const plain = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: foreign\n  namespace: team-a\ndata:\n  token: aGVsbG8=\n';
    const { stdout: encrypted } = await execa(path.join(ROOT, '.tools/bin/sops'), ['encrypt', '--age', stranger, '--encrypted-regex', '^(data|stringData)$', '--input-type', 'yaml', '--output-type', 'yaml', '--filename-override', 'team-a.foreign.sops.yaml'], { input: plain, cwd: tmpdir(), env: { SOPS_AGE_RECIPIENTS: '' } });
    const layer = path.join(tree.dir, 'clusters/e2e-wc/tenants');
    const kustomizationFile = readFileSync(path.join(layer, 'kustomization.yaml'), 'utf8');
    tree.write({ 'clusters/e2e-wc/tenants/secrets/team-a.foreign.sops.yaml': encrypted, 'clusters/e2e-wc/tenants/kustomization.yaml': kustomizationFile.replace('resources:\n', 'resources:\n  - secrets/team-a.foreign.sops.yaml\n') });
    const broken = await tree.commitAndPush('e2e-wc: a secret for a stranger');
    await requestReconcile(cluster.client, gitRepo);
    const failed = await cluster.client.waitFor(
      ks('tenants'),
      (o) =>
        String((o?.status as { lastAttemptedRevision?: string } | undefined)?.lastAttemptedRevision ?? '').includes(broken) &&
        conditionsOf(o).some((c) => c.type === 'Ready' && c.status === 'False'),
      { timeoutMs: 180_000, what: 'the tenants layer to fail on the foreign secret' },
    ).catch(async (e: Error) => {
      throw new Error(`${e.message}\n${await fluxState()}`);
    });
    const message = conditionsOf(failed).find((c) => c.type === 'Ready')!.message!;
    log(`tenants failed at ${broken.slice(0, 12)}: ${message}`);
    // the failure says it is a decryption failure of this Secret
    expect(message).toMatch(/decrypt|sops/i);
    expect(message).toMatch(/foreign/);
    // put it right again: the layer recovers
    tree.remove('clusters/e2e-wc/tenants/secrets/team-a.foreign.sops.yaml');
    tree.write({ 'clusters/e2e-wc/tenants/kustomization.yaml': kustomizationFile });
    const fixed = await tree.commitAndPush('e2e-wc: remove the foreign secret');
    await requestReconcile(cluster.client, gitRepo);
    await waitForRevision(cluster.client, ks('tenants'), fixed, { timeoutMs: 180_000 });
  });

  it('prunes the namespace of a tenant removed from cluster.yaml', async () => {
    tree.write({ 'clusters/e2e-wc/cluster.yaml': clusterYaml('  - name: team-a\n    adminGroups: [team-a-admins]\n') });
    await ck8s(['synth']);
    const next = await tree.commitAndPush('e2e-wc: remove team-b');
    await requestReconcile(cluster.client, gitRepo);
    await waitForRevision(cluster.client, ks('tenants'), next, { timeoutMs: 180_000 });
    await cluster.client.waitForDeletion({ apiVersion: 'v1', kind: 'Namespace', name: 'team-b' }, { timeoutMs: 120_000 });
    expect(await cluster.client.get({ apiVersion: 'v1', kind: 'Namespace', name: 'team-a' })).toBeDefined();
    log('team-b pruned');
  });
});

/** Every Flux object's Ready condition, for failure messages that say which layer broke and why. */
async function fluxState(): Promise<string> {
  const lines: string[] = [];
  for (const [apiVersion, kind] of [
    ['source.toolkit.fluxcd.io/v1', 'GitRepository'],
    ['kustomize.toolkit.fluxcd.io/v1', 'Kustomization'],
  ]) {
    for (const o of await cluster.client.list(apiVersion!, kind!, { namespace: FLUX })) {
      const ready = conditionsOf(o).find((c) => c.type === 'Ready');
      lines.push(`${kind} ${o.metadata.name}: ${ready?.status ?? 'no Ready condition'} ${ready?.reason ?? ''}: ${ready?.message ?? ''}`);
    }
  }
  return lines.join('\n');
}

function wcConfig(): Parameters<typeof clusterRules> {
  const fleet = loadFleet(new Workspace(tree.dir, {}));
  return [fleet.clusters.get('e2e-wc')!, fleet];
}

interface Fixture {
  readonly name: string;
  readonly object: KubeObject;
  readonly namespace: string;
  readonly via?: string;
}

function readFixtures(root: string): Fixture[] {
  const out: Fixture[] = [];
  for (const check of readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    for (const file of readdirSync(path.join(root, check)).filter((f) => f.endsWith('.yaml')).sort()) {
      const text = readFileSync(path.join(root, check, file), 'utf8');
      const namespace = /^# namespace: (\S+)$/m.exec(text)?.[1] ?? 'parity';
      const via = /^# via: (\S+)$/m.exec(text)?.[1];
      const object = parseAllDocuments(text)[0]!.toJS() as KubeObject;
      out.push({ name: `${path.basename(root)}/${check}/${file}`, object, namespace, ...(via ? { via } : {}) });
    }
  }
  return out;
}

/** Containers get requests and limits, so Pod Security fixtures are judged on what they test, not on the resource rule. */
function withResources(object: KubeObject): KubeObject {
  const copy = JSON.parse(JSON.stringify(object)) as KubeObject;
  const spec: any = copy.kind === 'Pod' ? copy.spec : copy.kind === 'CronJob' ? (copy.spec as any)?.jobTemplate?.spec?.template?.spec : (copy.spec as any)?.template?.spec;
  for (const c of [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])]) c.resources ??= { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '16Mi' } };
  return copy;
}

/** The API server's verdict on a fixture: undefined when admitted, else the denying policy and message. */
async function apiVerdict(fixture: Fixture, object: KubeObject): Promise<{ policy: string; message: string } | undefined> {
  const namespaced = { ...object, metadata: { ...object.metadata, namespace: fixture.namespace } } as KubeObject;
  try {
    if (fixture.via === 'pods/ephemeralcontainers') {
      const base = JSON.parse(JSON.stringify(namespaced));
      delete base.spec.ephemeralContainers;
      await cluster.client.create(base);
      try {
        // kwok updates the pod's status meanwhile: retry on a stale resourceVersion
        for (let attempt = 1; ; attempt++) {
          const stored = (await cluster.client.get({ apiVersion: 'v1', kind: 'Pod', name: base.metadata.name, namespace: fixture.namespace }))!;
          const update = { ...stored, spec: { ...(stored.spec as object), ephemeralContainers: (namespaced.spec as any).ephemeralContainers } };
          try {
            await cluster.client.request('PUT', `/api/v1/namespaces/${fixture.namespace}/pods/${base.metadata.name}/ephemeralcontainers`, { body: update, query: { dryRun: 'All' } });
            break;
          } catch (e) {
            if (!(e instanceof KubeApiError) || e.status !== 409 || attempt >= 5) throw e;
          }
        }
      } finally {
        await cluster.client.delete({ apiVersion: 'v1', kind: 'Pod', name: base.metadata.name, namespace: fixture.namespace });
      }
    } else {
      await cluster.client.create(namespaced, { dryRun: true });
    }
    return undefined;
  } catch (e) {
    if (!(e instanceof KubeApiError)) throw e;
    const match = /ValidatingAdmissionPolicy '([^']+)' with binding '[^']+' denied request: (.*)$/s.exec(e.message);
    if (!match) throw new Error(`${fixture.name}: the API server refused it for another reason than a policy: ${e.message}`);
    return { policy: match[1]!, message: match[2]!.trim() };
  }
}

async function admissionParity(): Promise<string[]> {
  // a tenant namespace as the platform writes one: its label, and the allowed hosts of the fixtures' namespace
  const fixtureNamespace = parse(readFileSync(path.join(ROOT, 'packages/policy/test/fixtures/platform/namespace.yaml'), 'utf8')) as KubeObject;
  await cluster.createNamespace('parity', { 'platform.ck8s.io/tenant': 'parity' });
  const parity = await cluster.client.patch({ apiVersion: 'v1', kind: 'Namespace', name: 'parity' }, { metadata: { annotations: fixtureNamespace.metadata.annotations } });
  const namespaces = new Map([['parity', parity]]);
  const rules = clusterRules(...wcConfig());
  const fixtures = [...readFixtures(path.join(ROOT, 'packages/policy/test/fixtures/pod-security')), ...readFixtures(path.join(ROOT, 'packages/policy/test/fixtures/platform'))];
  // the API server enforces a new binding once its informer has it: wait until a known violation is denied
  await waitUntil(async () => (await apiVerdict(fixtures.find((f) => f.name.includes('privileged/fail-privileged-container'))!, withResources(fixtures.find((f) => f.name.includes('privileged/fail-privileged-container'))!.object))) ?? undefined, {
    what: 'the admission policies to be enforced',
    timeoutMs: 60_000,
  });
  const mismatches: string[] = [];
  let denied = 0;
  for (const fixture of fixtures) {
    const object = fixture.name.startsWith('pod-security/') ? withResources(fixture.object) : fixture.object;
    const [offline] = evaluateManifests(rules, [{ file: fixture.name, object: { ...object, metadata: { ...object.metadata, namespace: fixture.namespace } } }], { namespace: fixture.namespace, namespaces });
    const live = await apiVerdict(fixture, object);
    if (live) denied++;
    if (!offline!.allowed !== (live !== undefined)) {
      mismatches.push(`${fixture.name}: API server ${live ? `denied (${live.policy}: ${live.message})` : 'admitted'}, ck8s policy eval ${offline!.allowed ? 'admitted' : `denied (${offline!.violations.map((v) => v.policy).join(', ')})`}`);
    } else if (live && !offline!.violations.some((v) => v.policy === live.policy)) {
      mismatches.push(`${fixture.name}: API server denied with ${live.policy}: "${live.message}", a policy ck8s policy eval does not report (it reports ${offline!.violations.map((v) => `${v.policy}: "${v.message}"`).join('; ')})`);
    } else if (live && !offline!.violations.some((v) => v.message === live.message)) {
      // same verdict and policy; the API server's defaulting adds fields before admission (e.g. the
      // AppArmor annotations it keeps in sync with the fields), which a message may list
      log(`${fixture.name}: same verdict (${live.policy}); the API server's message "${live.message}" differs from eval's after server-side defaulting`);
    }
  }
  log(`admission parity: ${fixtures.length} fixtures, ${denied} denied and ${fixtures.length - denied} admitted by the API server, ${mismatches.length} mismatches`);
  return mismatches;
}
