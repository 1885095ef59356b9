import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChartCatalog, readTree } from '@ck8s/core';
import { describe, expect, it } from 'vitest';
import { readClusterOutput } from '../src/index.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const catalog = ChartCatalog.load(path.join(REPO_ROOT, 'charts/catalog.yaml'));
const entries = catalog.names.map((n) => catalog.get(n));
const files = readTree(path.join(REPO_ROOT, 'clusters/demo-wc'), { keep: ['cluster.yaml'] });

describe('readClusterOutput on the committed demo-wc output', () => {
  const output = readClusterOutput(files, { displayDir: 'clusters/demo-wc', catalog: entries });
  const component = (layer: string, name: string) => output.components.find((c) => c.layer === layer && c.name === name);

  it('finds the chart and version of a HelmRelease from a Helm repository', () => {
    expect(component('controllers', 'falco')?.charts).toEqual([
      {
        release: 'falco/falco',
        chart: 'falco',
        version: catalog.get('falco').version,
        repository: 'https://falcosecurity.github.io/charts',
        description: 'runtime intrusion detection',
      },
    ]);
  });

  it('finds the chart and version of a HelmRelease from an OCI repository', () => {
    expect(component('controllers', 'cert-manager')?.charts).toEqual([
      expect.objectContaining({
        release: 'cert-manager/cert-manager',
        chart: 'cert-manager',
        version: catalog.get('cert-manager').version,
        repository: 'oci://quay.io/jetstack/charts',
      }),
    ]);
  });

  it('lists every generated file as a component in layer order, plain objects too', () => {
    const layers = [...new Set(output.components.map((c) => c.layer))];
    expect(layers).toEqual(['flux-system', 'controllers', 'policies', 'platform', 'tenants', 'node']);
    const tenant = component('tenants', 'team-a')!;
    expect(tenant).toMatchObject({ file: 'clusters/demo-wc/tenants/team-a.yaml', charts: [] });
    expect(tenant.kinds).toContainEqual({ kind: 'Namespace', count: 1 });
    expect(output.components.some((c) => c.name === 'kustomization')).toBe(false);
    // every catalog chart the cluster deploys matches its pin
    expect(output.components.flatMap((c) => c.charts).filter((c) => c.catalogVersion)).toEqual([]);
  });

  it('lists committed Secrets by name without reading their values', () => {
    expect(output.secrets).toContainEqual({
      namespace: 'velero',
      name: 'velero-credentials',
      file: 'clusters/demo-wc/controllers/secrets/velero.velero-credentials.sops.yaml',
      encrypted: true,
    });
    expect(JSON.stringify(output)).not.toContain('ENC[');
  });

  it('finds namespaces whose Pod Security level is lowered, with the reason written on them', () => {
    expect(output.podSecurityExceptions).toContainEqual(
      expect.objectContaining({ namespace: 'falco', rule: 'pod-security: privileged', source: 'clusters/demo-wc/controllers/falco.yaml' }),
    );
    expect(output.podSecurityExceptions.find((e) => e.namespace === 'falco')?.reason).toMatch(/eBPF/);
  });
});

describe('readClusterOutput', () => {
  it('flags a generated chart version that differs from the catalog pin', () => {
    const pinned = entries.map((e) => (e.name === 'falco' ? { ...e, version: '9.9.9' } : e));
    const output = readClusterOutput(files, { displayDir: 'clusters/demo-wc', catalog: pinned });
    expect(output.components.find((c) => c.name === 'falco')?.charts[0]?.catalogVersion).toBe('9.9.9');
  });

  it('reports a component whose file does not parse, with no objects, instead of failing', () => {
    const output = readClusterOutput(new Map([['platform/broken.yaml', 'kind: [unclosed']]), { displayDir: 'clusters/x' });
    expect(output.components).toEqual([{ layer: 'platform', name: 'broken', file: 'clusters/x/platform/broken.yaml', kinds: [], charts: [] }]);
  });

  it('marks a Secret without sops metadata as plaintext, and still never copies its value', () => {
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: leak\n  namespace: team-a\nstringData:\n  password: hunter2\n';
    const output = readClusterOutput(new Map([['tenants/secrets/team-a.leak.sops.yaml', secret]]), { displayDir: 'clusters/x' });
    expect(output.secrets).toEqual([
      { namespace: 'team-a', name: 'leak', file: 'clusters/x/tenants/secrets/team-a.leak.sops.yaml', encrypted: false },
    ]);
    expect(JSON.stringify(output)).not.toContain('hunter2');
  });
});

describe('who can read what, from the committed demo fleet (team-a and team-b)', () => {
  const wc = readClusterOutput(files, { displayDir: 'clusters/demo-wc', catalog: entries }).access;
  const sc = readClusterOutput(readTree(path.join(REPO_ROOT, 'clusters/demo-sc'), { keep: ['cluster.yaml'] }), {
    displayDir: 'clusters/demo-sc',
    catalog: entries,
  }).access;
  const grants = (list: typeof wc, group: string) => list.filter((a) => a.group === group).map((a) => `${a.scope}: ${a.grant}`);

  it("lists each tenant's Kubernetes grants in its own namespace only, besides the cluster-wide reader role", () => {
    expect(grants(wc, 'team-a-admins')).toEqual([
      'cluster-wide: ClusterRole ck8s-tenant-reader',
      'team-a: ClusterRole admin',
      'team-a: ClusterRole ck8s-tenant-monitoring-edit',
    ]);
    expect(grants(wc, 'team-b-admins')).toEqual([
      'cluster-wide: ClusterRole ck8s-tenant-reader',
      'team-b: ClusterRole admin',
      'team-b: ClusterRole ck8s-tenant-monitoring-edit',
    ]);
    expect(grants(wc, 'platform-operators')).toEqual(['cluster-wide: ClusterRole cluster-admin']);
  });

  it("lists each tenant's log store role with the document-level security that keeps it to its namespace", () => {
    const teamA = sc.find((a) => a.group === 'team-a-admins' && a.grant.startsWith('log store role tenant_'))!;
    expect(teamA.grant).toBe('log store role tenant_demo-wc_team-a (indices app-demo-wc-*)');
    expect(teamA.limit).toContain('"kubernetes.namespace_name.keyword":"team-a"');
    expect(teamA.source).toBe('clusters/demo-sc/controllers/opensearch.yaml');
    expect(grants(sc, 'team-b-admins').filter((g) => g.startsWith('log store:'))).toEqual([
      'log store: log store role kibana_user',
      'log store: log store role tenant_demo-wc_team-b (indices app-demo-wc-*)',
    ]);
    expect(grants(sc, 'platform-operators')).toContain('log store: log store role all_access (every index)');
  });

  it("lists each tenant's Grafana organisation with the label its data source's proxy enforces; operators see every series", () => {
    const metrics = (group: string) => sc.filter((a) => a.group === group && a.scope === 'metrics').map((a) => `${a.grant}: ${a.limit}`);
    expect(metrics('team-a-admins')).toEqual([
      'Grafana Editor of organisation 2: series with ck8s_tenant="demo-wc/team-a" (prom-label-proxy metrics-demo-wc-team-a)',
    ]);
    expect(metrics('team-a-developers')).toEqual([
      'Grafana Viewer of organisation 2: series with ck8s_tenant="demo-wc/team-a" (prom-label-proxy metrics-demo-wc-team-a)',
    ]);
    expect(metrics('team-b-admins')).toEqual([
      'Grafana Editor of organisation 3: series with ck8s_tenant="demo-wc/team-b" (prom-label-proxy metrics-demo-wc-team-b)',
    ]);
    expect(metrics('platform-operators')).toEqual(['Grafana Admin of organisation 1: every series of every cluster']);
  });
});

describe('readClusterOutput on the output of a cluster Argo CD syncs', () => {
  // fixtures in the form the gitops package writes: Helm-source Applications in argocd, one per release
  const application = (name: string, namespace: string, source: Record<string, unknown>) =>
    `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: ${name}, namespace: argocd }
spec:
  project: ck8s-platform
  destination: { server: https://kubernetes.default.svc, namespace: ${namespace} }
  source: ${JSON.stringify(source)}
`;
  const falco = catalog.get('falco');
  const certManager = catalog.get('cert-manager');
  const argoFiles = new Map<string, string>([
    [
      'controllers/falco.yaml',
      `apiVersion: v1\nkind: Namespace\nmetadata: { name: falco }\n---\n${application('falco', 'falco', {
        repoURL: falco.repository,
        chart: falco.chart,
        targetRevision: falco.version,
        helm: { releaseName: 'falco', valuesObject: {} },
      })}`,
    ],
    [
      'controllers/cert-manager.yaml',
      application('cert-manager', 'cert-manager', {
        // Argo CD names an OCI registry without its scheme
        repoURL: certManager.repository.replace(/^oci:\/\//, ''),
        chart: certManager.chart,
        targetRevision: '0.0.1',
        helm: { releaseName: 'cert-manager' },
      }),
    ],
    [
      'platform/log-store.yaml',
      application('opensearch', 'opensearch', {
        repoURL: 'https://opensearch-project.github.io/helm-charts',
        chart: 'opensearch',
        targetRevision: '3.0.0',
        helm: {
          releaseName: 'opensearch',
          valuesObject: {
            securityConfig: {
              config: {
                data: {
                  'roles.yml': 'team-a-logs:\n  index_permissions: [{ index_patterns: [kubernetes-*], dls: \'{"term":{"namespace":"team-a"}}\' }]\n',
                  'roles_mapping.yml': 'team-a-logs:\n  backend_roles: [team-a-devs]\n',
                },
              },
            },
          },
        },
      }),
    ],
    ['argocd/layers.yaml', application('tenants', 'argocd', { repoURL: 'https://git.example.com/fleet.git', path: 'clusters/x/tenants' })],
  ]);
  const output = readClusterOutput(argoFiles, { displayDir: 'clusters/argo-wc', catalog: entries });
  const component = (layer: string, name: string) => output.components.find((c) => c.layer === layer && c.name === name);

  it("lists a Helm-source Application's chart as a HelmRelease's: the release it installs, its chart, version and repository", () => {
    expect(component('controllers', 'falco')?.charts).toEqual([
      { release: 'falco/falco', chart: 'falco', version: falco.version, repository: falco.repository, description: falco.description },
    ]);
    // the registry gets its scheme back to match the catalog, which flags the version that differs from its pin
    expect(component('controllers', 'cert-manager')?.charts).toEqual([
      expect.objectContaining({
        release: 'cert-manager/cert-manager',
        repository: certManager.repository,
        version: '0.0.1',
        catalogVersion: certManager.version,
      }),
    ]);
    // an Application of git folders (a layer) deploys no chart
    expect(component('argocd', 'layers')?.charts).toEqual([]);
  });

  it("reads the log store's role mappings from an Application's values", () => {
    expect(output.access).toContainEqual({
      group: 'team-a-devs',
      grant: 'log store role team-a-logs (indices kubernetes-*)',
      scope: 'log store',
      limit: 'documents matching {"term":{"namespace":"team-a"}}',
      source: 'clusters/argo-wc/platform/log-store.yaml',
    });
  });
});
