import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ck8s, REPO_ROOT } from './repo-fixture.js';

const FIXTURES = path.join(REPO_ROOT, 'packages/policy/test/fixtures');

/** A Deployment that every rule of demo-wc admits, with one change applied. */
function deployment(change: (container: any, pod: any) => void = () => {}): string {
  const container: any = {
    name: 'app',
    image: 'registry.demo-sc.example.com/team-a/app:1.4.2',
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '128Mi' } },
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true },
  };
  const pod: any = { securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } }, containers: [container] };
  change(container, pod);
  return stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'team-a' },
    spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: pod } },
  });
}

function manifest(name: string, text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ck8s-eval-'));
  writeFileSync(path.join(dir, `${name}.yaml`), text);
  return path.join(dir, `${name}.yaml`);
}

describe('ck8s policy eval', () => {
  it("admits a compliant Deployment under demo-wc's rules", async () => {
    const result = await ck8s(REPO_ROOT, ['policy', 'eval', '--cluster', 'demo-wc', manifest('ok', deployment())]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/admitted .*ok\.yaml: Deployment team-a\/web\n/);
    expect(result.stdout).toMatch(/policy eval: 1 object\(s\), 1 admitted, 0 denied \(cluster demo-wc, pod security v1\.36, \d+ rules\)\n$/);
  });

  it.each([
    ['privileged', (c: any) => (c.securityContext = { privileged: true }), 'ck8s-pss-privileged'],
    ['root', (c: any, p: any) => ((p.securityContext.runAsUser = 0), (p.securityContext.runAsNonRoot = undefined)), 'ck8s-pss-run-as-user'],
    ['latest', (c: any) => (c.image = 'registry.demo-sc.example.com/team-a/app:latest'), 'ck8s-image-tag'],
    ['limitless', (c: any) => delete c.resources, 'ck8s-resource-requirements'],
  ])('denies a %s Deployment, naming the rule', async (name, change, policy) => {
    const result = await ck8s(REPO_ROOT, ['policy', 'eval', '--cluster', 'demo-wc', '--output', 'json', manifest(name, deployment(change as any))]);
    expect(result.code).toBe(1);
    const [verdict] = JSON.parse(result.stdout);
    expect(verdict).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'team-a', name: 'web', allowed: false });
    expect(Object.keys(verdict)).toEqual(['file', 'apiVersion', 'kind', 'namespace', 'name', 'allowed', 'violations']);
    expect(verdict.violations.map((v: any) => v.policy)).toContain(policy);
    const message = verdict.violations.find((v: any) => v.policy === policy).message;
    expect(message).toMatch(new RegExp(`\\(rule ${policy.replace('ck8s-', '')}\\)|pod security`));
  });

  it('evaluates only the Pod Security Standards of a level over a folder', async () => {
    const folder = path.join(FIXTURES, 'pod-security/run-as-user');
    const baseline = await ck8s(REPO_ROOT, ['policy', 'eval', '--level', 'baseline', '--namespace', 'team-a', '--output', 'json', folder]);
    expect(baseline.code).toBe(0);
    const restricted = await ck8s(REPO_ROOT, ['policy', 'eval', '--level', 'restricted', '--namespace', 'team-a', '--output', 'json', folder]);
    expect(restricted.code).toBe(1);
    const results = JSON.parse(restricted.stdout);
    expect(results.filter((r: any) => r.file.includes('/fail-')).every((r: any) => !r.allowed)).toBe(true);
    expect(results.filter((r: any) => r.file.includes('/pass-')).every((r: any) => r.allowed)).toBe(true);
    expect(results.flatMap((r: any) => r.violations.map((v: any) => v.policy))).toContain('ck8s-pss-run-as-user');
  });

  it("judges by the Pod Security policy of --kubernetes-version, as a namespace's enforce-version", async () => {
    const pod = path.join(FIXTURES, 'pod-security-versions/unmasked-proc-mount-user-namespace.yaml');
    const at = (version: string) =>
      ck8s(REPO_ROOT, ['policy', 'eval', '--level', 'baseline', '--kubernetes-version', version, '--namespace', 'team-a', pod]);
    const old = await at('1.33');
    expect(old.code).toBe(1);
    expect(old.stdout).toContain('ck8s-pss-proc-mount: procMount must be Default (pod security baseline): app=Unmasked');
    expect(old.stdout).toMatch(/\(pod security baseline:v1\.33, \d+ rules\)\n$/);
    const current = await at('1.35');
    expect(current.code).toBe(0);
    expect(current.stdout).toMatch(/\(pod security baseline:v1\.35, \d+ rules\)\n$/);
    const unsupported = await at('1.31');
    expect(unsupported).toMatchObject({
      code: 1,
      stderr: 'ck8s: --kubernetes-version "1.31" is not supported; allowed: 1.32, 1.33, 1.34, 1.35, 1.36\n',
    });
  });

  it('honours the exceptions of the cluster', async () => {
    const latest = deployment((c) => (c.image = 'registry.demo-sc.example.com/team-b/app:latest')).replace('namespace: team-a', 'namespace: team-b');
    expect((await ck8s(REPO_ROOT, ['policy', 'eval', '--cluster', 'demo-wc', manifest('b', latest)])).code).toBe(0);
    expect((await ck8s(REPO_ROOT, ['policy', 'eval', '--cluster', 'demo-wc', '--namespace', 'team-a', manifest('a', latest)])).code).toBe(1);
  });

  it("judges Ingress hosts by the tenant's allowed hosts, which the cluster's tenant namespaces carry", async () => {
    const ingress = (namespace: string, host: string) =>
      stringify({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'web', namespace },
        spec: {
          rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 8080 } } } }] } }],
        },
      });
    const own = await ck8s(REPO_ROOT, [
      'policy',
      'eval',
      '--cluster',
      'demo-wc',
      manifest('own', ingress('team-a', 'shop.team-a.demo-wc.example.com')),
    ]);
    expect(own.stdout).toMatch(/admitted .*own\.yaml: Ingress team-a\/web\n/);
    expect(own.code).toBe(0);
    const stolen = await ck8s(REPO_ROOT, [
      'policy',
      'eval',
      '--cluster',
      'demo-wc',
      manifest('stolen', ingress('team-b', 'grafana.demo-sc.example.com')),
    ]);
    expect(stolen.code).toBe(1);
    expect(stolen.stdout).toContain(
      "ck8s-ingress-hosts: Ingress hosts must be among the namespace's allowed hosts (rule ingress-hosts): grafana.demo-sc.example.com; allowed: team-b.demo-wc.example.com, *.team-b.demo-wc.example.com",
    );
  });

  it('rejects a bad level and a missing path', async () => {
    expect(await ck8s(REPO_ROOT, ['policy', 'eval', '--level', 'strict', 'x'])).toMatchObject({
      code: 1,
      stderr: 'ck8s: --level "strict" is not supported; allowed: baseline, restricted\n',
    });
    const missing = await ck8s(REPO_ROOT, ['policy', 'eval', '--level', 'baseline', 'no/such/file.yaml']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no/such/file.yaml');
  });
});
