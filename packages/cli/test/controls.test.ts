import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ck8s, copyRepo, REPO_ROOT } from './repo-fixture.js';

/** Edits one committed output file of a fresh copy of the repository and runs validate on it. */
async function validateAfter(file: string, edit: (text: string) => string): Promise<{ code: number; stdout: string }> {
  const repo = copyRepo();
  const target = path.join(repo, 'clusters/demo-wc', file);
  const before = readFileSync(target, 'utf8');
  const after = edit(before);
  expect(after, 'the edit must change the file').not.toBe(before);
  writeFileSync(target, after);
  return ck8s(repo, ['validate', 'demo-wc']);
}

describe('controls of ck8s validate', () => {
  it('lists every control with its status, mappings and evidence in JSON', async () => {
    const result = await ck8s(REPO_ROOT, ['validate', '--output', 'json', 'demo-wc']);
    expect(result.code).toBe(0);
    const { controls } = JSON.parse(result.stdout);
    const ids = controls.map((c: any) => c.id);
    expect(ids).toEqual([
      'CK8S-NET-001',
      'CK8S-PSA-001',
      'CK8S-ADM-001',
      'CK8S-ADM-002',
      'CK8S-TEN-001',
      'CK8S-RBAC-001',
      'CK8S-RBAC-002',
      'CK8S-RBAC-003',
      'CK8S-AUD-001',
      'CK8S-AUTH-001',
      'CK8S-SEC-001',
    ]);
    for (const control of controls) {
      expect(control.status, control.id).toBe('pass');
      expect(control.cluster).toBe('demo-wc');
      expect(control.cis.length + control.nsa.length + control.kubescape.length, control.id).toBeGreaterThan(0);
    }
    const net = controls.find((c: any) => c.id === 'CK8S-NET-001');
    expect(net).toMatchObject({ cis: ['5.3.2'], kubescape: ['C-0030', 'C-0054'] });
    expect(net.objects).toContain('clusters/demo-wc/tenants/team-a.yaml: NetworkPolicy team-a/default-deny');
    const platform = controls.find((c: any) => c.id === 'CK8S-ADM-002');
    expect(platform.exceptions).toEqual(
      expect.arrayContaining([
        expect.stringContaining('ck8s-image-tag: team-b: vendor chart pins'),
        expect.stringContaining('ck8s-service-load-balancer: team-b: tenant setting allowLoadBalancer: true'),
      ]),
    );
  });

  it('fails CK8S-NET-001 when a namespace loses its default deny', async () => {
    const result = await validateAfter('tenants/team-a.yaml', (t) =>
      t.replace('name: default-deny', 'name: not-a-deny').replace('policyTypes:\n    - Ingress\n    - Egress', 'policyTypes:\n    - Ingress'),
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'control: clusters/demo-wc: CK8S-NET-001: namespace team-a has no default-deny NetworkPolicy for ingress and egress',
    );
  });

  it('fails CK8S-PSA-001 when a tenant namespace is relaxed below restricted', async () => {
    const result = await validateAfter('tenants/team-b.yaml', (t) =>
      t.replace('pod-security.kubernetes.io/enforce: restricted', 'pod-security.kubernetes.io/enforce: baseline'),
    );
    expect(result.stdout).toContain('control: clusters/demo-wc: CK8S-PSA-001: tenant namespace team-b enforces "baseline", not restricted');
  });

  it('fails CK8S-ADM-002 when an admission policy is removed', async () => {
    const result = await validateAfter('policies/admission-policies.yaml', (t) =>
      t.replace(
        /^kind: ValidatingAdmissionPolicy\nmetadata:\n {2}name: ck8s-image-tag$/m,
        'kind: ValidatingAdmissionPolicy\nmetadata:\n  name: ck8s-image-tag-disabled',
      ),
    );
    expect(result.stdout).toContain('control: clusters/demo-wc: CK8S-ADM-002: admission policy ck8s-image-tag is missing');
  });

  it('fails CK8S-ADM-001 when a Pod Security check is no longer enforced', async () => {
    const result = await validateAfter('policies/admission-policies.yaml', (t) =>
      t
        .replace(/(policyName: ck8s-pss-privileged\n {2}validationActions:\n {4}- )Deny/, '$1Audit')
        .replace(
          /^kind: ValidatingAdmissionPolicy\nmetadata:\n {2}name: ck8s-pss-host-ports$/m,
          'kind: ValidatingAdmissionPolicy\nmetadata:\n  name: ck8s-pss-host-ports-off',
        ),
    );
    expect(result.stdout).toContain('control: clusters/demo-wc: CK8S-ADM-001: admission policy ck8s-pss-host-ports is missing');
    // a binding that does not deny holds only with a reason
    expect(result.stdout).toContain(
      'control: clusters/demo-wc: CK8S-ADM-001: binding ck8s-pss-privileged does not deny (Audit) and gives no reason (platform.ck8s.io/enforcement-reason)',
    );
  });

  it('fails CK8S-ADM-002 when the API server would admit external IPs', async () => {
    const result = await validateAfter('node/kubeadm-patch.yaml', (t) =>
      t.replace('value: NodeRestriction,DenyServiceExternalIPs', 'value: NodeRestriction'),
    );
    expect(result.stdout).toContain(
      'control: clusters/demo-wc: CK8S-ADM-002: node/kubeadm-patch.yaml: enable-admission-plugins does not include DenyServiceExternalIPs',
    );
  });

  it('fails CK8S-TEN-001 when a tenant quota stops capping CPU requests', async () => {
    const result = await validateAfter('tenants/team-b.yaml', (t) => t.replace(/ {4}requests\.cpu: "4"\n/, ''));
    expect(result.stdout).toContain(
      'control: clusters/demo-wc: CK8S-TEN-001: clusters/demo-wc/tenants/team-b.yaml: ResourceQuota team-b/tenant-quota does not cap requests.cpu',
    );
  });

  it('fails CK8S-TEN-001 when a tenant loses its quota', async () => {
    const result = await validateAfter('tenants/team-b.yaml', (t) =>
      t.replace('kind: ResourceQuota', 'kind: LimitRange').replace(/spec:\n {2}hard:\n( {4}.*\n)+/, 'spec:\n  limits: []\n'),
    );
    expect(result.stdout).toContain('control: clusters/demo-wc: CK8S-TEN-001: tenant namespace team-b has no ResourceQuota capping cpu and memory');
  });

  it('fails CK8S-SEC-001 when a plaintext Secret reaches the output', async () => {
    const result = await validateAfter(
      'tenants/secrets/team-a.app-database.sops.yaml',
      () => 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-database\n  namespace: team-a\nstringData:\n  password: hunter2\n',
    );
    expect(result.stdout).toMatch(
      /control: clusters\/demo-wc: CK8S-SEC-001: clusters\/demo-wc\/tenants\/secrets\/team-a\.app-database\.sops\.yaml: stringData\.password: is not encrypted/,
    );
    expect(result.stdout).not.toContain('hunter2');
  });

  it('fails CK8S-RBAC-001 and -002 when a tenant group gets cluster-admin', async () => {
    const result = await validateAfter('tenants/team-a.yaml', (t) =>
      t.replace(
        /roleRef:\n {2}apiGroup: rbac.authorization.k8s.io\n {2}kind: ClusterRole\n {2}name: ck8s-tenant-reader/,
        'roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: cluster-admin',
      ),
    );
    expect(result.stdout).toMatch(
      /control: clusters\/demo-wc: CK8S-RBAC-001: .*ClusterRoleBinding ck8s-tenant-reader-team-a grants cluster-admin to Group oidc:team-a-admins/,
    );
    expect(result.stdout).toMatch(/control: clusters\/demo-wc: CK8S-RBAC-002: .*grants wildcard rights/);
  });

  it('counts the accounts Flux installs platform charts as, and nothing else, as allowed to hold cluster-admin', async () => {
    const json = JSON.parse((await ck8s(REPO_ROOT, ['validate', '--output', 'json', 'demo-wc'])).stdout);
    expect(json.controls.find((c: any) => c.id === 'CK8S-RBAC-001').objects).toContain(
      'clusters/demo-wc/controllers/cert-manager.yaml: ClusterRoleBinding flux-cert-manager-cert-manager',
    );
    // an account no platform HelmRelease names
    const stray = await validateAfter('controllers/cert-manager.yaml', (t) =>
      t.replace(
        'subjects:\n  - kind: ServiceAccount\n    name: flux-cert-manager\n',
        'subjects:\n  - kind: ServiceAccount\n    name: cert-manager\n',
      ),
    );
    expect(stray.stdout).toMatch(
      /control: clusters\/demo-wc: CK8S-RBAC-001: .*ClusterRoleBinding flux-cert-manager-cert-manager grants cluster-admin to ServiceAccount cert-manager/,
    );
    // a tenant's own reconciler, even one a HelmRelease of the tenant names
    const release =
      '---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: app\n  namespace: team-a\nspec:\n  interval: 10m\n  serviceAccountName: flux-reconciler\n  chartRef:\n    kind: OCIRepository\n    name: app\n';
    const tenant = await validateAfter(
      'tenants/team-a.yaml',
      (t) =>
        t.replace(
          /(roleRef:\n {2}apiGroup: rbac.authorization.k8s.io\n {2}kind: ClusterRole\n {2}name: )admin(\nsubjects:\n {2}- kind: ServiceAccount)/,
          '$1cluster-admin$2',
        ) + release,
    );
    expect(tenant.stdout).toMatch(
      /control: clusters\/demo-wc: CK8S-RBAC-001: .*RoleBinding team-a\/flux-reconciler grants cluster-admin to ServiceAccount flux-reconciler/,
    );
  });

  it('fails CK8S-RBAC-003 when anonymous users are bound', async () => {
    const result = await validateAfter('tenants/team-b.yaml', (t) => t.replace('name: oidc:team-b-admins', 'name: system:anonymous'));
    expect(result.stdout).toMatch(/control: clusters\/demo-wc: CK8S-RBAC-003: .* binds system:anonymous/);
  });

  it('fails CK8S-RBAC-003 when every authenticated user or a namespace of service accounts is bound', async () => {
    const result = await validateAfter('tenants/team-a.yaml', (t) =>
      t
        .replace('name: oidc:team-a-admins', 'name: system:authenticated')
        .replace('name: oidc:team-a-developers', 'name: system:serviceaccounts:team-b'),
    );
    expect(result.stdout).toMatch(/control: clusters\/demo-wc: CK8S-RBAC-003: .*RoleBinding team-a\/tenant-admins binds system:authenticated/);
    expect(result.stdout).toMatch(
      /control: clusters\/demo-wc: CK8S-RBAC-003: .*RoleBinding team-a\/tenant-viewers binds system:serviceaccounts:team-b/,
    );
  });

  it('fails CK8S-AUD-001 when the audit policy would log secret contents', async () => {
    const result = await validateAfter('node/audit-policy.yaml', (t) =>
      t.replace(
        /- level: Metadata\n {4}resources:\n {6}- group: ""\n {8}resources:\n {10}- secrets/,
        '- level: RequestResponse\n    resources:\n      - group: ""\n        resources:\n          - secrets',
      ),
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'CK8S-AUD-001: clusters/demo-wc/node/audit-policy.yaml: reading a Secret is logged at RequestResponse, which would record its contents (at most Metadata)',
    );
  });

  it('fails CK8S-AUTH-001 when OIDC groups are not prefixed', async () => {
    const result = await validateAfter('node/kubeadm-patch.yaml', (t) => t.replace(/ {4}- name: oidc-groups-prefix\n {6}value: "?oidc:"?\n/, ''));
    expect(result.stdout).toContain('control: clusters/demo-wc: CK8S-AUTH-001: node/kubeadm-patch.yaml: oidc-groups-prefix is missing');
  });
});
