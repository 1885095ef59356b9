// Smoke test of the harness: a real control plane, kwok nodes, admission policies and Flux syncing
// from the local git server, then a teardown that leaves no process behind.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FLUX_CONTROLLERS,
  GitWorkTree,
  KubeApiError,
  KubeClient,
  type KubeObject,
  LocalCluster,
  type StopReport,
  gitRepository,
  groupAlive,
  kustomization,
  processAlive,
  readVersions,
  requestReconcile,
  waitForRevision,
  waitUntil,
} from '../src/index.js';

const NS = 'smoke';
const cluster = new LocalCluster();
const timings: Record<string, number> = {};
let worktree: GitWorkTree | undefined;
let stopReport: StopReport | undefined;

async function timed<T>(name: string, run: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await run();
  } finally {
    timings[name] = Date.now() - started;
  }
}

function configMap(name: string, value: string): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${NS}\ndata:\n  value: ${JSON.stringify(value)}\n`;
}

beforeAll(async () => {
  await timed('start', () => cluster.start());
  console.log(
    `cluster started in ${timings.start}ms: ${Object.entries(cluster.timings)
      .map(([k, v]) => `${k} ${v}ms`)
      .join(', ')}`,
  );
});

afterAll(async () => {
  // runs even when a test failed: nothing may outlive the suite
  stopReport ??= await cluster.stop();
  worktree?.removeTree();
  console.log(
    `phases: ${Object.entries(timings)
      .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}s`)
      .join(', ')}`,
  );
});

describe('local cluster', () => {
  it('serves the pinned Kubernetes version and has a Ready fake node', async () => {
    const version = await cluster.client.request<{ gitVersion: string }>('GET', '/version');
    expect(version.gitVersion).toBe(readVersions().components.kubernetes.version);
    const nodes = await cluster.client.list('v1', 'Node');
    expect(nodes.map((n) => n.metadata.name)).toEqual(['kwok-node-0']);
  });

  it('serves the Flux APIs, HelmRelease included, and has the flux-system namespace', async () => {
    for (const [apiVersion, kind] of [
      ['source.toolkit.fluxcd.io/v1', 'GitRepository'],
      ['source.toolkit.fluxcd.io/v1', 'HelmRepository'],
      ['kustomize.toolkit.fluxcd.io/v1', 'Kustomization'],
      ['helm.toolkit.fluxcd.io/v2', 'HelmRelease'],
    ] as const) {
      await expect(cluster.client.list(apiVersion, kind), `${kind} ${apiVersion}`).resolves.toEqual([]);
    }
    expect(await cluster.client.get({ apiVersion: 'v1', kind: 'Namespace', name: 'flux-system' })).toBeDefined();
  });

  it("runs the Flux controllers as their ServiceAccounts with flux install's RBAC, not as system:masters", async () => {
    for (const controller of FLUX_CONTROLLERS) {
      const token = /token: (\S+)/.exec(readFileSync(path.join(cluster.dataDir, 'pki', `${controller}.kubeconfig`), 'utf8'))![1]!;
      const client = new KubeClient({ server: cluster.server, token, ca: cluster.caCertificate });
      try {
        const review = await client.request<{ status: { userInfo: { username: string; groups: string[] } } }>(
          'POST',
          '/apis/authentication.k8s.io/v1/selfsubjectreviews',
          {
            body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
          },
        );
        expect(review.status.userInfo.username).toBe(`system:serviceaccount:flux-system:${controller}`);
        expect(review.status.userInfo.groups).not.toContain('system:masters');
      } finally {
        client.close();
      }
    }
    // Flux's edit and view roles are aggregated into admin, edit and view
    await waitUntil(
      async () =>
        (
          (await cluster.client.get({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'admin' }))?.rules as
            { apiGroups?: string[] }[] | undefined
        )?.some((r) => r.apiGroups?.includes('kustomize.toolkit.fluxcd.io')) || undefined,
      {
        what: 'the admin role to aggregate flux-edit',
        timeoutMs: 30_000,
      },
    );
  });

  it('schedules a pod on the fake node and kwok reports it Running', async () => {
    await timed('pod running', async () => {
      await cluster.createNamespace(NS);
      await cluster.client.apply({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'web', namespace: NS, labels: { team: 'smoke' } },
        spec: { containers: [{ name: 'web', image: 'registry.invalid/web:1' }] },
      });
      const pod = (await cluster.client.waitFor(
        { apiVersion: 'v1', kind: 'Pod', name: 'web', namespace: NS },
        (p) => (p?.status as { phase?: string } | undefined)?.phase === 'Running',
        { what: 'to be Running' },
      )) as KubeObject;
      expect((pod.spec as { nodeName?: string }).nodeName).toBe('kwok-node-0');
    });
  });

  it('denies a pod through a ValidatingAdmissionPolicy with its own message', async () => {
    await timed('admission policy', async () => {
      await cluster.client.apply(`
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: smoke-team-label
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
      - apiGroups: [""]
        apiVersions: [v1]
        operations: [CREATE, UPDATE]
        resources: [pods]
  validations:
    - expression: "has(object.metadata.labels) && 'team' in object.metadata.labels"
      message: "smoke: every pod needs a team label"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: smoke-team-label
spec:
  policyName: smoke-team-label
  validationActions: [Deny]
  matchResources:
    namespaceSelector:
      matchLabels:
        kubernetes.io/metadata.name: ${NS}
`);
      const unlabelled: KubeObject = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'unlabelled', namespace: NS },
        spec: { containers: [{ name: 'c', image: 'registry.invalid/c:1' }] },
      };
      // the API server picks up a new policy through an informer: retry until it enforces it
      const denial = await waitUntil(
        async () => {
          try {
            await cluster.client.create(unlabelled, { dryRun: true });
            return undefined;
          } catch (e) {
            if (e instanceof KubeApiError) return e;
            throw e;
          }
        },
        { what: 'the policy to deny an unlabelled pod', timeoutMs: 30_000 },
      );
      expect(denial.message).toContain('smoke: every pod needs a team label');
      expect(denial.message).toContain("ValidatingAdmissionPolicy 'smoke-team-label'");
      expect([403, 422]).toContain(denial.status);
      console.log(`denied with ${denial.status} ${denial.reason}: ${denial.message}`);
      // a compliant pod passes the same policy
      const labelled = { ...unlabelled, metadata: { name: 'labelled', namespace: NS, labels: { team: 'smoke' } } };
      await expect(cluster.client.create(labelled, { dryRun: true })).resolves.toMatchObject({ metadata: { name: 'labelled' } });
    });
  });

  it('syncs a folder from the git server with Flux and prunes what leaves it', async () => {
    const gitRepoRef = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name: 'fleet', namespace: 'flux-system' };
    const ksRef = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: 'apps', namespace: 'flux-system' };
    const pruned = { apiVersion: 'v1', kind: 'ConfigMap', name: 'smoke-pruned', namespace: NS };

    const first = await timed('git push', async () => {
      const url = await cluster.git.createRepository('fleet');
      worktree = await GitWorkTree.init(url);
      // a plain folder of manifests: kustomize-controller generates the kustomization.yaml
      worktree.write({ 'apps/kept.yaml': configMap('smoke-kept', 'stays'), 'apps/pruned.yaml': configMap('smoke-pruned', 'goes') });
      return worktree.commitAndPush('apps: two config maps');
    });

    await timed('flux sync', async () => {
      await cluster.client.apply([
        gitRepository({ name: 'fleet', url: cluster.git.url('fleet') }),
        kustomization({ name: 'apps', path: './apps', source: 'fleet' }),
      ]);
      await waitForRevision(cluster.client, gitRepoRef, first, { timeoutMs: 120_000 });
      await waitForRevision(cluster.client, ksRef, first, { timeoutMs: 120_000 });
      const cm = await cluster.client.get(pruned);
      expect(cm?.data).toEqual({ value: 'goes' });
      // Flux labels what it applied with the Kustomization's name
      expect((cm?.metadata.labels as Record<string, string>)['kustomize.toolkit.fluxcd.io/name']).toBe('apps');
    });

    await timed('flux prune', async () => {
      worktree!.remove('apps/pruned.yaml');
      const second = await worktree!.commitAndPush('apps: remove smoke-pruned');
      await requestReconcile(cluster.client, gitRepoRef);
      await waitForRevision(cluster.client, ksRef, second, { timeoutMs: 120_000 });
      await cluster.client.waitForDeletion(pruned, { timeoutMs: 60_000 });
      expect(await cluster.client.get({ ...pruned, name: 'smoke-kept' })).toBeDefined();
    });
  });

  it('stops every process it started', async () => {
    const pids = cluster.pids();
    expect(pids.length).toBeGreaterThanOrEqual(7);
    stopReport = await timed('stop', () => cluster.stop());
    expect(stopReport.leftovers).toEqual([]);
    // every component ended on SIGTERM within the grace period (none needed SIGKILL)
    const killed = Object.entries(stopReport.exits).filter(([, exit]) => exit?.signal === 'SIGKILL');
    expect(killed).toEqual([]);
    console.log(
      `stopped in ${stopReport.ms}ms: ${Object.entries(stopReport.exits)
        .map(([name, exit]) => `${name} ${exit?.signal ?? `code ${exit?.code}`}`)
        .join(', ')}`,
    );
    for (const pid of pids) {
      expect(processAlive(pid), `pid ${pid}`).toBe(false);
      expect(groupAlive(pid), `process group ${pid}`).toBe(false);
    }
    // the data folder goes too, unless kept for debugging
    expect(existsSync(cluster.dataDir)).toBe(process.env.CK8S_E2E_KEEP_DATA === '1');
  });
});
