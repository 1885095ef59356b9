import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { auditPolicy, nodeFiles, oidcSettings } from '../src/index.js';

const oidc = { issuerUrl: 'https://dex.demo-sc.example.com', clientId: 'kubernetes-demo-wc' };

describe('OIDC settings', () => {
  it('read the email and groups claims by default and prefix users and groups', () => {
    expect(oidcSettings(oidc)).toEqual({
      issuerUrl: 'https://dex.demo-sc.example.com',
      clientId: 'kubernetes-demo-wc',
      usernameClaim: 'email',
      groupsClaim: 'groups',
      usernamePrefix: 'oidc:',
      groupsPrefix: 'oidc:',
    });
  });

  it('follow the claims given', () => {
    expect(oidcSettings({ ...oidc, usernameClaim: 'sub', groupsClaim: 'roles' })).toMatchObject({
      usernameClaim: 'sub',
      groupsClaim: 'roles',
      usernamePrefix: 'oidc:',
    });
  });
});

describe('audit policy', () => {
  const policy = auditPolicy();

  it('omits the RequestReceived stage and ends with a catch-all at Metadata', () => {
    expect(policy.omitStages).toEqual(['RequestReceived']);
    expect(policy.rules.at(-1)).toEqual({ level: 'Metadata' });
  });

  it('records secrets, configmaps and token reviews at Metadata before any rule that would record their contents', () => {
    const index = policy.rules.findIndex((r) => r.level === 'Metadata' && r.resources?.some((x) => x.resources?.includes('secrets')));
    const firstBodyRule = policy.rules.findIndex((r) => r.level === 'Request' || r.level === 'RequestResponse');
    expect(index).toBeGreaterThanOrEqual(0);
    expect(index).toBeLessThan(firstBodyRule);
    expect(policy.rules[index]!.resources).toEqual(
      expect.arrayContaining([
        { group: '', resources: ['secrets', 'configmaps', 'serviceaccounts/token'] },
        { group: 'authentication.k8s.io', resources: ['tokenreviews'] },
      ]),
    );
  });

  it('records exec, attach and port-forward, and RBAC changes with request and response', () => {
    expect(policy.rules).toContainEqual(
      expect.objectContaining({
        level: 'Metadata',
        resources: [{ group: '', resources: expect.arrayContaining(['pods/exec', 'pods/attach', 'pods/portforward']) }],
      }),
    );
    expect(policy.rules).toContainEqual(expect.objectContaining({ level: 'RequestResponse', resources: [{ group: 'rbac.authorization.k8s.io' }] }));
  });
});

describe('node files', () => {
  const files = new Map(nodeFiles({ oidc }).map((f) => [f.path, f]));

  it('go to the node folder, outside the Flux layers', () => {
    expect([...files.keys()]).toEqual(['audit-policy.yaml', 'kubeadm-patch.yaml', 'talos-patch.yaml']);
    for (const f of files.values()) expect(f.layer).toBe('node');
  });

  it('configure kubeadm with audit flags, volumes and OIDC', () => {
    const kubeadm = parse(files.get('kubeadm-patch.yaml')!.content);
    expect(kubeadm).toMatchObject({ apiVersion: 'kubeadm.k8s.io/v1beta4', kind: 'ClusterConfiguration' });
    const args = Object.fromEntries(kubeadm.apiServer.extraArgs.map((a: { name: string; value: string }) => [a.name, a.value]));
    expect(args).toMatchObject({
      'audit-policy-file': '/etc/kubernetes/audit/policy.yaml',
      'audit-log-path': '/var/log/kubernetes/audit/audit.log',
      'oidc-issuer-url': 'https://dex.demo-sc.example.com',
      'oidc-client-id': 'kubernetes-demo-wc',
      'oidc-groups-prefix': 'oidc:',
    });
    expect(kubeadm.apiServer.extraVolumes.map((v: { name: string }) => v.name)).toEqual(['audit-policy', 'audit-log']);
  });

  it('configure Talos with the same audit policy and OIDC flags', () => {
    const talos = parse(files.get('talos-patch.yaml')!.content);
    expect(talos.cluster.apiServer.auditPolicy).toEqual(parse(files.get('audit-policy.yaml')!.content));
    expect(talos.cluster.apiServer.extraArgs).toMatchObject({ 'oidc-issuer-url': 'https://dex.demo-sc.example.com', 'oidc-groups-claim': 'groups' });
  });

  it("turn on DenyServiceExternalIPs (CVE-2020-8554), keeping kubeadm's NodeRestriction; Talos adds it to its own defaults", () => {
    const kubeadm = parse(files.get('kubeadm-patch.yaml')!.content);
    const args = kubeadm.apiServer.extraArgs.filter((a: { name: string }) => a.name === 'enable-admission-plugins');
    expect(args).toEqual([{ name: 'enable-admission-plugins', value: 'NodeRestriction,DenyServiceExternalIPs' }]);
    const talos = parse(files.get('talos-patch.yaml')!.content);
    expect(talos.cluster.apiServer.extraArgs['enable-admission-plugins']).toBe('DenyServiceExternalIPs');
  });
});
