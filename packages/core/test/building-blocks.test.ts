import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  ChartCatalog,
  Component,
  HardenedNamespace,
  HelmChart,
  POD_SECURITY_EXCEPTION_ANNOTATION,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  Tenant,
  TENANT_HOSTS_ANNOTATION,
  validateClusterConfig,
} from '../src/index.js';

const catalog = new ChartCatalog([
  { name: 'cert-manager', repository: 'oci://quay.io/jetstack/charts', chart: 'cert-manager', version: 'v1.17.2' },
  { name: 'ingress-nginx', repository: 'https://kubernetes.github.io/ingress-nginx', chart: 'ingress-nginx', version: '4.12.3' },
]);

function objects(build: (c: Component) => void): any[] {
  const app = new App();
  const component = new Component(app, 'test', { layer: 'controllers' });
  build(component);
  return component.toJson();
}

describe('HardenedNamespace', () => {
  it('enforces restricted Pod Security and denies all traffic but DNS by default', () => {
    const [ns, deny, dns] = objects((c) => new HardenedNamespace(c, 'ns', { name: 'team-a', podSecurityVersion: 'v1.33' }));
    expect(ns.kind).toBe('Namespace');
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.33',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
      'app.kubernetes.io/managed-by': 'ck8s',
    });
    expect(deny).toMatchObject({
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny', namespace: 'team-a' },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    expect(deny.spec.ingress).toBeUndefined();
    expect(deny.spec.egress).toBeUndefined();
    expect(dns.spec.egress[0].ports).toEqual([
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ]);
    expect(dns.spec.egress[0].to[0].namespaceSelector.matchLabels).toEqual({ 'kubernetes.io/metadata.name': 'kube-system' });
  });

  it('needs a written reason to run below restricted, and records it', () => {
    expect(() => objects((c) => new HardenedNamespace(c, 'ns', { name: 'falco', podSecurity: 'privileged' }))).toThrow(
      'namespace "falco": pod security "privileged" needs a podSecurityException that says why',
    );
    const [ns] = objects(
      (c) => new HardenedNamespace(c, 'ns', { name: 'falco', podSecurity: 'privileged', podSecurityException: 'eBPF probes need host access' }),
    );
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(ns.metadata.labels['pod-security.kubernetes.io/audit']).toBe('restricted');
    expect(ns.metadata.annotations[POD_SECURITY_EXCEPTION_ANNOTATION]).toBe('eBPF probes need host access');
  });

  it('omits DNS egress when asked', () => {
    expect(objects((c) => new HardenedNamespace(c, 'ns', { name: 'isolated', allowDns: false }))).toHaveLength(2);
  });

  it('writes given annotations beside the Pod Security exception', () => {
    const [ns] = objects(
      (c) =>
        new HardenedNamespace(c, 'ns', {
          name: 'falco',
          podSecurity: 'privileged',
          podSecurityException: 'eBPF probes need host access',
          annotations: { 'example.com/owner': 'ops' },
        }),
    );
    expect(ns.metadata.annotations).toEqual({ 'example.com/owner': 'ops', [POD_SECURITY_EXCEPTION_ANNOTATION]: 'eBPF probes need host access' });
  });
});

describe('Tenant', () => {
  const tenant = {
    name: 'team-a',
    adminGroups: ['a-admins'],
    viewGroups: [],
    quota: { cpu: '4', memory: '8Gi', storage: '50Gi', pods: 50 },
    ingressPorts: [],
    metricsPorts: [],
    allowLoadBalancer: false,
    allowNodePort: false,
    services: [],
  };

  it('writes its allowed hosts on its namespace, for the host admission rules', () => {
    const [ns] = new Tenant(new App(), { tenant, hosts: ['team-a.example.com', '*.team-a.example.com'] }).toJson();
    expect(ns.metadata.annotations).toEqual({ [TENANT_HOSTS_ANNOTATION]: 'team-a.example.com,*.team-a.example.com' });
    const [bare] = new Tenant(new App(), { tenant }).toJson();
    expect(bare.metadata.annotations).toBeUndefined();
  });

  it('caps CPU by requests only, and memory by requests and limits', () => {
    const quota = new Tenant(new App(), { tenant }).toJson().find((o: { kind: string }) => o.kind === 'ResourceQuota');
    expect(quota.spec.hard).toEqual({ 'requests.cpu': '4', 'requests.memory': '8Gi', 'limits.memory': '8Gi', 'requests.storage': '50Gi', pods: 50 });
  });
});

describe('HelmChart', () => {
  it('delivers an OCI chart through an OCIRepository and chartRef', () => {
    const [source, release] = objects(
      (c) => new HelmChart(c, 'cm', { catalog, chart: 'cert-manager', namespace: 'cert-manager', values: { crds: { enabled: true } } }),
    );
    expect(source).toMatchObject({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'OCIRepository',
      metadata: { name: 'cert-manager', namespace: 'cert-manager' },
      spec: { url: 'oci://quay.io/jetstack/charts/cert-manager', ref: { tag: 'v1.17.2' }, layerSelector: { operation: 'copy' } },
    });
    expect(release).toMatchObject({
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      spec: {
        chartRef: { kind: 'OCIRepository', name: 'cert-manager' },
        install: { crds: 'CreateReplace', remediation: { retries: 3 } },
        upgrade: { crds: 'CreateReplace', remediation: { retries: 3, remediateLastFailure: true } },
        driftDetection: { mode: 'enabled' },
        values: { crds: { enabled: true } },
      },
    });
    expect(release.spec.chart).toBeUndefined();
  });

  it('is installed as its own account, which Flux impersonates (never mounted) with the rights charts need', () => {
    const all = objects((c) => new HelmChart(c, 'cm', { catalog, chart: 'cert-manager', namespace: 'cert-manager' }));
    const release = all.find((o) => o.kind === 'HelmRelease');
    // under Flux's lockdown a release that names no account runs as `default`, which may do nothing
    expect(release.spec.serviceAccountName).toBe('flux-cert-manager');
    expect(all.find((o) => o.kind === 'ServiceAccount')).toMatchObject({
      metadata: { name: 'flux-cert-manager', namespace: 'cert-manager' },
      automountServiceAccountToken: false,
    });
    expect(all.find((o) => o.kind === 'ClusterRoleBinding')).toMatchObject({
      metadata: { name: 'flux-cert-manager-cert-manager' },
      roleRef: { kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: 'flux-cert-manager', namespace: 'cert-manager' }],
    });
  });

  it("is installed as a tenant's own account when named, with no account or cluster-wide binding of its own", () => {
    const all = objects(
      (c) => new HelmChart(c, 'cm', { catalog, chart: 'cert-manager', namespace: 'team-a', serviceAccountName: 'flux-reconciler' }),
    );
    expect(all.find((o) => o.kind === 'HelmRelease').spec.serviceAccountName).toBe('flux-reconciler');
    expect(all.filter((o) => ['ServiceAccount', 'ClusterRoleBinding'].includes(o.kind))).toEqual([]);
  });

  it('delivers an HTTPS chart through a HelmRepository at the pinned version', () => {
    const [source, release] = objects((c) => new HelmChart(c, 'ing', { catalog, chart: 'ingress-nginx', namespace: 'ingress-nginx', crds: 'Skip' }));
    expect(source).toMatchObject({ kind: 'HelmRepository', spec: { url: 'https://kubernetes.github.io/ingress-nginx' } });
    expect(release.spec.chart.spec).toMatchObject({
      chart: 'ingress-nginx',
      version: '4.12.3',
      sourceRef: { kind: 'HelmRepository', name: 'ingress-nginx' },
    });
    expect(release.spec.install.crds).toBe('Skip');
  });

  it('skips the chart schema only with a reason', () => {
    const [, release] = objects(
      (c) => new HelmChart(c, 'ing', { catalog, chart: 'cert-manager', namespace: 'cert-manager', skipSchemaValidation: 'offline' }),
    );
    expect([release.spec.install.disableSchemaValidation, release.spec.upgrade.disableSchemaValidation]).toEqual([true, true]);
    const [, checked] = objects((c) => new HelmChart(c, 'ing', { catalog, chart: 'cert-manager', namespace: 'cert-manager' }));
    expect(checked.spec.install.disableSchemaValidation).toBeUndefined();
    expect(() =>
      objects((c) => new HelmChart(c, 'x', { catalog, chart: 'cert-manager', namespace: 'cert-manager', skipSchemaValidation: ' ' })),
    ).toThrow("chart cert-manager: skipSchemaValidation needs the reason helm cannot check the chart's schema");
  });

  it('fails synth for a chart missing from the catalog', () => {
    expect(() => objects((c) => new HelmChart(c, 'x', { catalog, chart: 'falco', namespace: 'falco' }))).toThrow(
      'chart "falco" is not in charts/catalog.yaml; add it there with repository, chart and an exact version (known: cert-manager, ingress-nginx)',
    );
  });
});

describe('restricted security context', () => {
  it('matches the restricted profile plus a read-only root filesystem', () => {
    expect(restrictedPodSecurityContext()).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(restrictedContainerSecurityContext()).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });
});

describe('Component', () => {
  it('rejects names that cannot be file and label values', () => {
    expect(() => new Component(new App(), 'Bad_Name', { layer: 'platform' })).toThrow('component name "Bad_Name" is not a DNS-1123 label');
  });

  it('lets two layers use the same component name', () => {
    const app = new App();
    new Component(app, 'same', { layer: 'platform' });
    expect(() => new Component(app, 'same', { layer: 'tenants' })).not.toThrow();
  });
});

describe('findTool', () => {
  it('says which tool is missing and how to install it', async () => {
    const { findTool } = await import('../src/index.js');
    const saved = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      expect(() => findTool('kubeconform', '/nonexistent-root')).toThrow(
        'kubeconform not found in .tools/bin or on PATH; run `npm run setup` (builds the versions pinned in tools.json with go install)',
      );
    } finally {
      process.env.PATH = saved;
    }
  });
});

describe('Tenant', () => {
  it("gives the tenant's own Flux objects an account with the tenant's rights in its namespace only", () => {
    const { config } = validateClusterConfig(
      {
        name: 'c',
        profile: 'workload',
        environment: 'e',
        kubernetesVersion: '1.33',
        domain: 'c.example.com',
        serviceCluster: 's',
        gitops: { repository: 'https://git.example.com/f.git' },
        certificates: { enabled: false },
        backup: { enabled: false },
        tenants: [{ name: 'team-a', adminGroups: ['a'] }],
      },
      'cluster.yaml',
    );
    const all = new Tenant(new App(), { tenant: config!.tenants[0]! }).toJson();
    expect(all.find((o: any) => o.kind === 'ServiceAccount')).toMatchObject({
      metadata: { name: 'flux-reconciler', namespace: 'team-a' },
      automountServiceAccountToken: false,
    });
    const binding = all.find((o: any) => o.metadata.name === 'flux-reconciler' && o.kind === 'RoleBinding');
    expect(binding).toMatchObject({
      metadata: { namespace: 'team-a' },
      roleRef: { kind: 'ClusterRole', name: 'admin' },
      subjects: [{ kind: 'ServiceAccount', name: 'flux-reconciler', namespace: 'team-a' }],
    });
    // nothing cluster-wide, and nothing for `default`
    expect(all.filter((o: any) => o.kind === 'ClusterRoleBinding').flatMap((o: any) => o.subjects.map((s: any) => s.kind))).not.toContain(
      'ServiceAccount',
    );
    expect(all.filter((o: any) => o.kind === 'RoleBinding').flatMap((o: any) => o.subjects.map((s: any) => s.name))).not.toContain('default');
  });
});
