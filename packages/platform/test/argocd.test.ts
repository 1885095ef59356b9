import { ChartCatalog, type ClusterConfig, HelmChart, renderApp, validateClusterConfig } from '@ck8s/core';
import { App } from 'cdk8s';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { BASE_CONFIG, clusterConfig, fleetOf } from '../../../test-support/cluster-config.js';
import { Kubeconform } from '../../../test-support/kubeconform.js';
import { composeCluster } from '../src/index.js';

const catalog = ChartCatalog.load(new URL('../../../charts/catalog.yaml', import.meta.url).pathname);
const REPO = 'https://git.example.com/fleet.git';

// a service cluster the fixture reports to (Flux), and the fixture: a workload cluster Argo CD syncs
const sc = clusterConfig({
  name: 'sc',
  profile: 'service',
  domain: 'sc.example.com',
  observability: { receivers: [{ name: 'ops', type: 'webhook', secret: 'alert-webhook' }] },
  identity: { connectors: [{ type: 'oidc', id: 'corp', name: 'Corporate', secret: 'dex-corp', issuer: 'https://login.example.com' }] },
  registry: { storage: { endpoint: 'https://s3.example.com', bucket: 'registry' } },
});
const argo = clusterConfig({
  name: 'argo-wc',
  profile: 'workload',
  domain: 'argo.example.com',
  serviceCluster: 'sc',
  gitops: { engine: 'argocd', repository: REPO, branch: 'release' },
  tenants: [{ name: 'team-a', ingressPorts: [8080] }],
});
const fleet = fleetOf(sc, argo);

type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string>; finalizers?: string[] };
  spec?: any;
};

function synth(cluster: ClusterConfig, of = fleet) {
  const app = new App();
  const composed = composeCluster(app, { cluster, fleet: of, catalog });
  const files = renderApp(app, [], cluster.gitops.engine === 'argocd' ? { bootstrapFolder: 'argocd' } : {});
  const objects = new Map<string, Obj[]>();
  for (const [file, content] of files) {
    if (file.endsWith('kustomization.yaml')) continue;
    objects.set(
      file,
      parseAllDocuments(content).map((d) => d.toJSON() as Obj),
    );
  }
  return { composed, files, objects, all: [...objects.values()].flat() };
}

const out = synth(argo);
const byKind = (kind: string) => out.all.filter((o) => o.kind === kind);
const kubeconform = new Kubeconform();
afterAll(() => kubeconform.dispose?.());

describe('gitops.engine argocd', () => {
  it("makes Argo CD's application-controller, not Flux's applier, the one the platform's guard rules let through, and gives tenants no Flux account", () => {
    const policies = byKind('ValidatingAdmissionPolicy');
    const guarded = policies.filter((p) => (p.spec.matchConditions ?? []).some((c: { name: string }) => c.name === 'not-platform'));
    expect(guarded.length).toBeGreaterThan(0);
    for (const p of guarded) {
      const expression = p.spec.matchConditions.find((c: { name: string }) => c.name === 'not-platform').expression as string;
      expect(expression, p.metadata.name).toContain("'system:serviceaccount:argocd:argocd-application-controller'");
      expect(expression, p.metadata.name).not.toContain('flux-system');
    }
    const tenant = out.all.filter((o) => o.metadata.namespace === 'team-a');
    expect(tenant.filter((o) => o.metadata.name === 'flux-reconciler')).toEqual([]);
    const monitoring = tenant.find((o) => o.kind === 'RoleBinding' && o.metadata.name === 'tenant-monitoring-admins') as
      { subjects?: { kind: string }[] } | undefined;
    expect((monitoring?.subjects ?? []).filter((s) => s.kind === 'ServiceAccount')).toEqual([]);
  });

  it('is accepted; anything else is refused naming the allowed engines', () => {
    expect(argo.gitops.engine).toBe('argocd');
    const { problems } = validateClusterConfig(
      { ...BASE_CONFIG, name: 'x', profile: 'workload', domain: 'x.example.com', serviceCluster: 'sc', gitops: { engine: 'argo', repository: REPO } },
      'clusters/x/cluster.yaml',
    );
    expect(problems).toEqual([
      expect.objectContaining({
        path: 'gitops.engine',
        message: expect.stringContaining('is not a supported GitOps engine; allowed: "flux", "argocd"'),
      }),
    ]);
  });

  it('writes the bootstrap objects to argocd/ and nothing of Flux', () => {
    expect([...out.files.keys()].filter((f) => f.startsWith('argocd/'))).toEqual([
      'argocd/argocd.yaml',
      'argocd/kustomization.yaml',
      'argocd/layers.yaml',
      'argocd/project.yaml',
    ]);
    expect([...out.files.keys()].some((f) => f.startsWith('flux-system/'))).toBe(false);
    expect(out.all.filter((o) => o.apiVersion.includes('toolkit.fluxcd.io'))).toEqual([]);
  });

  it('syncs the layers in waves of layer order from the fleet repository, pruning, self-healing, server-side, with retries and the finalizer', () => {
    const apps = out.objects.get('argocd/layers.yaml')!;
    const root = apps.find((a) => a.metadata.name === 'root')!;
    expect(root.spec.source).toEqual({ repoURL: REPO, targetRevision: 'release', path: 'clusters/argo-wc/argocd', plugin: { name: 'sops' } });
    const layers = apps.filter((a) => a !== root);
    expect(layers.map((a) => [a.metadata.name, a.metadata.annotations?.['argocd.argoproj.io/sync-wave'], a.spec.source.path])).toEqual([
      ['controllers', '1', 'clusters/argo-wc/controllers'],
      ['policies', '2', 'clusters/argo-wc/policies'],
      ['platform', '3', 'clusters/argo-wc/platform'],
      ['tenants', '4', 'clusters/argo-wc/tenants'],
    ]);
    for (const app of layers) {
      expect(app.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
      expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
      expect(app.spec.syncPolicy.syncOptions[0]).toBe('ServerSideApply=true');
      expect(app.spec.syncPolicy.retry.limit).toBeGreaterThan(0);
      expect(app.spec.syncPolicy.retry.backoff).toMatchObject({ factor: 2 });
      expect(app.spec.project).toBe('platform');
    }
    // deleting the root never uninstalls the platform
    expect(root.metadata.finalizers).toBeUndefined();
  });

  it('deploys every chart as a Helm-source Application with the values its HelmRelease would carry', () => {
    const all = out.composed.node.findAll().filter((c): c is HelmChart => c instanceof HelmChart);
    // Argo CD's own chart is the one release a Flux cluster does not have
    expect(all.map((c) => c.entry.name)).toContain('argo-cd');
    const charts = all.filter((c) => c.entry.name !== 'argo-cd');
    expect(charts.length).toBeGreaterThan(3);
    // the same declarations, composed for Flux, give the HelmReleases' values
    const flux = synth(clusterConfig({ ...argo, name: 'argo-wc', gitops: { repository: REPO } }));
    const releases = flux.all.filter((o) => o.kind === 'HelmRelease');
    expect(releases).toHaveLength(charts.length);
    const apps = byKind('Application').filter((a) => a.spec.source.chart);
    expect(apps).toHaveLength(all.length);
    for (const release of releases) {
      const app = apps.find(
        (a) => a.spec.destination.namespace === release.metadata.namespace && a.spec.source.helm.releaseName === release.spec.releaseName,
      );
      expect(app, `${release.metadata.namespace}/${release.metadata.name}`).toBeDefined();
      const entry = catalog.get(
        charts.find((c) => c.releaseName === release.metadata.name && c.namespace === release.metadata.namespace)!.entry.name,
      );
      expect(app!.spec.source).toMatchObject({ chart: entry.chart, targetRevision: entry.version });
      // Falco's exceptions name the cluster's engine's namespace (checked below); everything else is the same
      const withoutEngine = (v: any) => (entry.chart === 'falco' ? { ...v, customRules: undefined } : v);
      if (entry.name === 'headlamp') {
        // the one other difference: Headlamp's Flux plugin is loaded where Flux syncs the cluster
        const { initContainers, ...rest } = release.spec.values;
        expect(initContainers.map((c: { name: string }) => c.name)).toEqual(['flux-plugin']);
        expect(app!.spec.source.helm.valuesObject).toEqual({ ...rest, initContainers: [] });
      } else expect(withoutEngine(app!.spec.source.helm.valuesObject)).toEqual(withoutEngine(release.spec.values));
      expect(app!.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
      expect(app!.metadata.namespace).toBe('argocd');
      // after the layer's namespaces, Secrets and NetworkPolicies
      expect(Number(app!.metadata.annotations!['argocd.argoproj.io/sync-wave'])).toBeGreaterThan(0);
    }
    // no Flux reconciler accounts of releases bound to cluster-admin: Argo CD applies charts itself
    expect(out.all.filter((o) => o.kind === 'ClusterRoleBinding' && o.metadata.name.startsWith('flux-'))).toEqual([]);
    expect(flux.all.filter((o) => o.kind === 'ClusterRoleBinding' && o.metadata.name.startsWith('flux-')).length).toBe(releases.length);
  });

  it('restricts the project to the fleet repository, the chart repositories, this cluster and the cluster-scoped kinds the layers contain', () => {
    const [project] = out.objects.get('argocd/project.yaml')!;
    const apps = byKind('Application');
    expect(project!.spec.sourceRepos).toEqual([
      REPO,
      ...[...new Set(apps.filter((a) => a.spec.source.chart).map((a) => a.spec.source.repoURL))].sort(),
    ]);
    expect(new Set(project!.spec.destinations.map((d: { server: string }) => d.server))).toEqual(new Set(['https://kubernetes.default.svc']));
    // every namespace an object or a chart is applied to, and no other
    const used = new Set([
      ...out.all.flatMap((o) => (o.metadata.namespace ? [o.metadata.namespace] : [])),
      ...apps.map((a) => a.spec.destination.namespace),
    ]);
    for (const n of used) expect(project!.spec.destinations).toContainEqual({ server: 'https://kubernetes.default.svc', namespace: n });
    expect(project!.spec.destinations.map((d: { namespace: string }) => d.namespace)).not.toContain('*');
    // each cluster-scoped kind of the layers is whitelisted, and each whitelisted kind is one a layer or chart needs
    const whitelist: { group: string; kind: string }[] = project!.spec.clusterResourceWhitelist;
    const group = (o: Obj) => (o.apiVersion.includes('/') ? o.apiVersion.split('/')[0]! : '');
    const layerKinds = new Set(out.all.filter((o) => !o.metadata.namespace).map((o) => `${group(o)}/${o.kind}`));
    for (const k of layerKinds) expect(whitelist).toContainEqual({ group: k.split('/')[0], kind: k.split('/')[1] });
    expect(whitelist.map((w) => w.kind)).not.toContain('*');
    const chartKinds = new Set([
      'CustomResourceDefinition',
      'ClusterRole',
      'ClusterRoleBinding',
      'ValidatingWebhookConfiguration',
      'MutatingWebhookConfiguration',
    ]);
    for (const w of whitelist) expect(layerKinds.has(`${w.group}/${w.kind}`) || chartKinds.has(w.kind), `${w.group}/${w.kind}`).toBe(true);
  });

  it('validates every generated Argo CD object strictly against the Argo CD CRD schemas', async () => {
    const argoObjects = out.all.filter((o) => o.apiVersion.startsWith('argoproj.io/'));
    expect(argoObjects.length).toBeGreaterThan(6);
    const result = await kubeconform.run({ argocd: argoObjects });
    expect(result.resources.filter((r) => r.status !== 'statusValid')).toEqual([]);
    expect(result.summary).toMatchObject({ valid: argoObjects.length, invalid: 0, errors: 0, skipped: 0 });
  });

  it('keeps the layers safe in any order after bootstrap: tenants governed by label, missing CRDs retried long enough', () => {
    const tenant = out.objects.get('tenants/team-a.yaml')!.find((o) => o.kind === 'Namespace')!;
    expect((tenant.metadata as { labels?: Record<string, string> }).labels).toHaveProperty('platform.ck8s.io/tenant');
    const bindings = out.all.filter((o) => o.kind === 'ValidatingAdmissionPolicyBinding');
    expect(bindings.length).toBeGreaterThan(10);
    // no binding names a tenant: a new tenant namespace is governed the moment it exists, whichever layer syncs first
    for (const b of bindings) expect(JSON.stringify(b.spec)).not.toContain('team-a');
    // a layer synced before the one that brings its CRDs keeps retrying at least as long as Flux waits for a layer (10m)
    for (const app of out.objects.get('argocd/layers.yaml')!) {
      const { limit, backoff } = app.spec.syncPolicy.retry;
      const seconds = (d: string) => Number(d.replace(/[sm]$/, '')) * (d.endsWith('m') ? 60 : 1);
      let total = 0;
      for (let i = 0; i < limit; i++) total += Math.min(seconds(backoff.duration) * backoff.factor ** i, seconds(backoff.maxDuration));
      expect(total, app.metadata.name).toBeGreaterThanOrEqual(600);
    }
  });

  it("names Argo CD's namespace where Flux clusters name flux-system: Falco's exception, the backup schedule, the service cluster's target alert", () => {
    const falco = out.all.find((o) => o.kind === 'Application' && o.spec?.source?.chart === 'falco')!;
    const rules = parseAllDocuments(falco.spec.source.helm.valuesObject.customRules['ck8s-exceptions.yaml'] as string)[0]!.toJSON() as {
      exceptions: { values: string[][][] }[];
    }[];
    const exempt = rules.flatMap((r) => r.exceptions.flatMap((e) => e.values.flat(2)));
    expect(exempt).toContain('argocd');
    expect(exempt).not.toContain('flux-system');
    const schedule = byKind('Schedule')[0]!;
    expect(schedule.spec.template.excludedNamespaces).toContain('argocd');
    expect(JSON.stringify(out.all.filter((o) => o.kind !== 'ValidatingAdmissionPolicy'))).not.toContain('flux-system');
    // the service cluster (Flux) watches the targets of both engines: its own and its Argo CD workload cluster's
    const scAlerts = synth(sc).all.find((o) => o.kind === 'PrometheusRule' && o.metadata.name === 'component-alerts')!;
    const down = scAlerts.spec.groups
      .flatMap((g: { rules: { alert?: string; expr: string }[] }) => g.rules)
      .find((r: { alert?: string }) => r.alert === 'PlatformTargetDown');
    expect(down.expr).toMatch(/namespace=~"argocd\|[^"]*flux-system\|/);
    const fluxOnly = synth(sc, fleetOf(sc)).all.find((o) => o.kind === 'PrometheusRule' && o.metadata.name === 'component-alerts')!;
    expect(JSON.stringify(fluxOnly.spec)).not.toMatch(/argocd/);
  });

  describe('Argo CD itself', () => {
    const argocd = out.objects.get('argocd/argocd.yaml')!;
    const app = argocd.find((o) => o.kind === 'Application')!;
    const values = app.spec.source.helm.valuesObject;
    const policies = argocd.filter((o) => o.kind === 'NetworkPolicy');
    const selects = (p: Obj, name: string) => p.spec.podSelector?.matchLabels?.['app.kubernetes.io/name'] === `argocd-${name}`;
    /** port -> the pods (by name label, with namespace) allowed to connect, over every policy selecting the pods. */
    const ingress = (name: string) => {
      const allowed = new Map<number, string[]>();
      for (const p of policies.filter((q) => selects(q, name))) {
        for (const rule of p.spec.ingress ?? []) {
          for (const port of rule.ports ?? [{ port: 'any' }]) {
            const peers = (rule.from ?? [{ any: true }]).map((f: any) =>
              f.any
                ? 'anyone'
                : `${f.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] ?? 'argocd'}/${f.podSelector?.matchLabels?.['app.kubernetes.io/name'] ?? JSON.stringify(f.podSelector ?? f)}`,
            );
            allowed.set(port.port, [...(allowed.get(port.port) ?? []), ...peers].sort());
          }
        }
      }
      return allowed;
    };

    it('is the pinned argo-cd chart in its own namespace, in core mode, with its own NetworkPolicies replaced by derived ones', () => {
      expect(app.spec.source).toMatchObject({
        repoURL: catalog.get('argo-cd').repository,
        chart: 'argo-cd',
        targetRevision: catalog.get('argo-cd').version,
      });
      expect(app.spec.destination.namespace).toBe('argocd');
      expect(argocd.find((o) => o.kind === 'Namespace')?.metadata.name).toBe('argocd');
      expect(values.global.networkPolicy.create).toBe(false);
      expect(values.server.replicas).toBe(0);
      expect(values.dex.enabled).toBe(false);
      expect(values.configs.cm['admin.enabled']).toBe(false);
      expect(values.configs.cm['resource.customizations.health.argoproj.io_Application']).toContain('obj.status.health.status');
    });

    it('protects Redis with a password kept in sops and lets only the controller and the repo-server reach it', () => {
      // the chart reads the password from argocd-redis (key auth): synth requires it as a sops Secret
      const component = out.composed.components.find((c) => c.componentName === 'argocd')!;
      expect(component.requiredSecrets).toContainEqual(expect.objectContaining({ namespace: 'argocd', name: 'argocd-redis', keys: ['auth'] }));
      expect(values.redisSecretInit.enabled).toBe(false);
      const redis = ingress('redis');
      expect(redis.get(6379)).toEqual(['argocd/argocd-application-controller', 'argocd/argocd-repo-server']);
      // the only other port open is the exporter's, to Prometheus
      expect([...redis.keys()].sort()).toEqual([6379, 9121]);
    });

    it('lets only the application-controller reach the repo-server', () => {
      const repo = ingress('repo-server');
      expect(repo.get(8081)).toEqual(['argocd/argocd-application-controller']);
      expect([...repo.keys()].sort()).toEqual([8081, 8084]);
    });

    it('mounts the age key only in the sops plugin sidecar, which decrypts *.sops.yaml', () => {
      const [sidecar, ...others] = values.repoServer.extraContainers;
      expect(others).toEqual([]);
      expect(sidecar.name).toBe('cmp-sops');
      expect(sidecar.volumeMounts.filter((m: { name: string }) => m.name === 'sops-age')).toEqual([
        { name: 'sops-age', mountPath: '/home/argocd/sops-age', readOnly: true },
      ]);
      expect(values.repoServer.volumeMounts ?? []).toEqual([]);
      expect(values.controller.volumeMounts ?? []).toEqual([]);
      const plugin = values.configs.cmp.plugins.sops;
      expect(plugin.generate.args[0]).toContain('*.sops.yaml) sops --decrypt');
      expect(sidecar.env).toEqual([{ name: 'SOPS_AGE_KEY_FILE', value: '/home/argocd/sops-age/age.agekey' }]);
    });

    it('has its metrics scraped', () => {
      const monitors = out.all.filter((o) => o.kind === 'PodMonitor').map((o) => o.metadata.name);
      expect(monitors).toEqual(expect.arrayContaining(['argocd-application-controller', 'argocd-repo-server', 'argocd-redis']));
    });
  });
});
