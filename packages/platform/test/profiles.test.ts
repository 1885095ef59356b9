import { type ClusterConfig, ConfigError, type Fleet, KUBERNETES_NAMESPACES, PLATFORM_NAMESPACES, renderApp } from '@ck8s/core';
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { clusterConfig, fleetOf } from '../../../test-support/cluster-config.js';
import { find, flows, type K8sObject } from '../../../test-support/manifests.js';
import { ChartCatalog } from '@ck8s/core';
import { type ClusterProfile, composeCluster, platformCredentials, platformExceptionsOf, type Profile, PROFILES } from '../src/index.js';
import { Squatter, Widget } from './widget.js';

const catalog = ChartCatalog.load(new URL('../../../charts/catalog.yaml', import.meta.url).pathname);

const receivers = [{ name: 'ops', type: 'webhook', secret: 'alert-webhook' }];
const connectors = [{ type: 'oidc', id: 'corp', name: 'Corporate', secret: 'dex-corp', issuer: 'https://login.example.com' }];
const sc = clusterConfig({
  name: 'sc',
  profile: 'service',
  domain: 'sc.example.com',
  observability: { receivers },
  identity: { connectors },
  registry: { storage: { endpoint: 'https://s3.example.com', bucket: 'registry' } },
  logging: { snapshots: { endpoint: 'https://s3.example.com', bucket: 'logs' } },
  externalDns: { enabled: true, provider: 'cloudflare' },
});
const wc = clusterConfig({
  name: 'wc',
  profile: 'workload',
  domain: 'wc.example.com',
  serviceCluster: 'sc',
  tenants: [{ name: 'team-a', ingressPorts: [8080], metricsPorts: [9090] }],
});
const fleet = fleetOf(sc, wc);

function compose(cluster: ClusterConfig, f: Fleet = fleet, profile?: Profile) {
  const app = new App();
  const composed = composeCluster(app, { cluster, fleet: f, catalog, ...(profile ? { profile } : {}) });
  const objects: K8sObject[] = composed.components.flatMap((c) => c.toJson());
  return { composed, objects };
}

/** The namespaces the components of both profiles own: what no tenant may take. */
function platformNamespaces(): string[] {
  return [...new Set([sc, wc].flatMap((c) => compose(c).composed.platformNamespaces()))].sort();
}

describe('profiles', () => {
  it('compose every capability of each kind of cluster', () => {
    const components = (c: ClusterConfig) => compose(c).composed.components.map((k) => k.outputFile);
    expect(components(wc)).toEqual(
      expect.arrayContaining([
        'controllers/fluent-bit.yaml',
        'controllers/kube-prometheus-stack.yaml',
        'controllers/falco.yaml',
        'tenants/team-a.yaml',
        'platform/platform-monitors.yaml',
      ]),
    );
    expect(components(sc)).toEqual(
      expect.arrayContaining([
        'controllers/opensearch.yaml',
        'controllers/harbor.yaml',
        'controllers/dex.yaml',
        'platform/availability.yaml',
        'platform/endpoints.yaml',
      ]),
    );
  });

  it('reserve every namespace a component owns: a tenant named after one is rejected at its field, with the reserved names', () => {
    const owned = platformNamespaces();
    // derived from the components, not a list: the platform's namespaces of the vocabulary are all owned somewhere
    expect(owned).toEqual(expect.arrayContaining(Object.values(PLATFORM_NAMESPACES).filter((n) => n !== PLATFORM_NAMESPACES.flux)));
    for (const name of owned) {
      const taken = clusterConfig({ ...wc, name: 'wc', tenants: [{ name: 'team-a' }, { name }] });
      const cluster = [sc, wc].find((c) => compose(c).composed.platformNamespaces().includes(name))!;
      const config = cluster.profile === 'service' ? clusterConfig({ ...sc, tenants: [{ name }] }) : taken;
      let error: unknown;
      try {
        compose(config, fleetOf(cluster.profile === 'service' ? config : sc, cluster.profile === 'service' ? wc : config));
      } catch (e) {
        error = e;
      }
      expect(error, name).toBeInstanceOf(ConfigError);
      const problem = (error as ConfigError).problems[0]!;
      expect(problem.file).toBe(`clusters/${config.name}/cluster.yaml`);
      expect(problem.path).toBe(`tenants[${cluster.profile === 'service' ? 0 : 1}].name`);
      expect(problem.message).toMatch(
        new RegExp(`^"${name}" is a reserved namespace \\(the platform's [a-z-]+ runs there\\); not allowed: .*\\b${name}\\b`),
      );
    }
    // Kubernetes' own and Flux's are refused at load already
    for (const name of [...KUBERNETES_NAMESPACES, PLATFORM_NAMESPACES.flux])
      expect(() => clusterConfig({ ...wc, tenants: [{ name }] }), name).toThrow(/is a reserved namespace/);
  });

  it('refuse an object that two components write, naming both', () => {
    const squatter = (c: ClusterProfile) => new Squatter(c, 'squatter');
    const app = new App();
    composeCluster(app, { cluster: wc, fleet, catalog, profile: { ...PROFILES.workload, entries: [...PROFILES.workload.entries, squatter] } });
    expect(() => renderApp(app)).toThrow(
      'Namespace monitoring is written by two components, controllers/kube-prometheus-stack.yaml and controllers/squatter.yaml; an object belongs to one component',
    );
  });

  it('refuse two components that declare the same metrics endpoint or endpoint name', () => {
    const twice: Profile = {
      ...PROFILES.workload,
      entries: [...PROFILES.workload.entries, (c) => new Widget(c, 'widget'), (c) => new Widget(c, 'widget-again')],
    };
    expect(() => compose(wc, fleet, twice)).toThrow('metrics endpoint "widget" is declared twice (components widget and widget-again)');
  });

  it('open every in-cluster flow on both sides', () => {
    for (const cluster of [sc, wc]) {
      const { objects } = compose(cluster);
      const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
      const owned = new Set(objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name));
      for (const ingress of policies.filter((p) => p.spec.ingress)) {
        for (const peer of ingress.spec.ingress[0].from.filter((f: K8sObject) => f.namespaceSelector)) {
          const from = peer.namespaceSelector.matchLabels['kubernetes.io/metadata.name'];
          if (!owned.has(from)) continue;
          const covering = policies.filter(
            (p) =>
              p.metadata.namespace === from &&
              p.spec.egress &&
              p.spec.egress[0].to.some(
                (t: K8sObject) => t.namespaceSelector?.matchLabels['kubernetes.io/metadata.name'] === ingress.metadata.namespace,
              ) &&
              ingress.spec.ingress[0].ports.every((port: K8sObject) => p.spec.egress[0].ports.some((q: K8sObject) => q.port === port.port)),
          );
          expect(covering.length, `${cluster.name}: ${ingress.metadata.namespace}/${ingress.metadata.name} from ${from}`).toBeGreaterThan(0);
        }
      }
    }
  });

  it('scrape every declared metrics endpoint: dex and trivy-operator too, with their ports open to Prometheus', () => {
    const { objects } = compose(sc);
    for (const [name, namespace, port] of [
      ['dex', 'dex', 5558],
      ['trivy-operator', 'trivy-system', 8080],
    ] as const) {
      expect(find(objects, 'PodMonitor', name, 'monitoring').spec.podMetricsEndpoints).toEqual([{ targetPort: port, path: '/metrics' }]);
      expect(flows(objects, { namespaces: true })).toContain(
        `monitoring allow-prometheus-to-${namespace}: name=prometheus -> ${namespace}[*] :${port}`,
      );
      expect(flows(objects.filter((o) => o.metadata.namespace === namespace))).toContainEqual(
        expect.stringMatching(new RegExp(`^allow-metrics-from-prometheus: .* <- monitoring\\[name=prometheus\\] :${port}$`)),
      );
    }
  });
});

describe('the identity provider', () => {
  it('registers a public client for each API server that trusts it, then the web applications the components declare', () => {
    const wcB = clusterConfig({
      name: 'wc-b',
      profile: 'workload',
      domain: 'wc-b.example.com',
      serviceCluster: 'sc',
      oidc: { clientId: 'k8s-team-b' },
    });
    const external = clusterConfig({
      name: 'wc-ext',
      profile: 'workload',
      domain: 'wc-ext.example.com',
      serviceCluster: 'sc',
      oidc: { issuerUrl: 'https://login.example.org' },
    });
    const dex = find(compose(sc, fleetOf(sc, wc, wcB, external)).objects, 'HelmRelease', 'dex', 'dex').spec.values.config;
    expect(dex.staticClients.map((c: K8sObject) => [c.id, c.public === true])).toEqual([
      ['kubernetes-sc', true],
      ['kubernetes-wc', true],
      ['k8s-team-b', true],
      ['grafana', false],
      ['opensearch-dashboards', false],
      ['harbor', false],
    ]);
  });

  it('refuses two clusters with the same client id, naming the cluster that sets it', () => {
    const clash = clusterConfig({
      name: 'wc-c',
      profile: 'workload',
      domain: 'wc-c.example.com',
      serviceCluster: 'sc',
      oidc: { clientId: 'kubernetes-wc' },
    });
    const grafana = clusterConfig({
      name: 'wc-d',
      profile: 'workload',
      domain: 'wc-d.example.com',
      serviceCluster: 'sc',
      oidc: { clientId: 'grafana' },
    });
    expect(() => compose(sc, fleetOf(sc, wc, clash, grafana))).toThrow(
      /clusters\/wc-c\/cluster.yaml: oidc.clientId: "kubernetes-wc" is already the client id of cluster wc[\s\S]*clusters\/wc-d\/cluster.yaml: oidc.clientId: "grafana" is already the client id of Grafana/,
    );
  });
});

describe('a new component', () => {
  const profile: Profile = { ...PROFILES.workload, entries: [...PROFILES.workload.entries, (c) => new Widget(c, 'widget')] };
  const { composed, objects } = compose(wc, fleet, profile);
  const widget = objects.filter((o) => o.metadata.namespace === 'widget' || o.metadata.name === 'widget');

  it('gets its PodMonitor and both NetworkPolicies from one line in a profile', () => {
    expect(find(objects, 'PodMonitor', 'widget', 'monitoring').spec).toEqual({
      namespaceSelector: { matchNames: ['widget'] },
      selector: { matchLabels: { 'app.kubernetes.io/name': 'widget' } },
      podMetricsEndpoints: [{ targetPort: 9999, path: '/metrics' }],
    });
    expect(flows(widget)).toEqual([
      'allow-dns-egress: * -> kube-system[k8s-app=kube-dns] :53/UDP,53',
      'allow-metrics-from-prometheus: name=widget <- monitoring[name=prometheus] :9999',
      'allow-widget-to-api-server: name=widget -> 10.0.0.1/32 :6443',
      'default-deny: * deny ingress+egress',
    ]);
    expect(flows(objects, { namespaces: true })).toContain('monitoring allow-prometheus-to-widget: name=prometheus -> widget[*] :9999');
  });

  it('reserves its namespace', () => {
    expect(composed.platformNamespaces()).toContain('widget');
    expect(() => compose(clusterConfig({ ...wc, tenants: [{ name: 'widget' }] }), fleet, profile)).toThrow(
      /tenants\[0\]\.name: "widget" is a reserved namespace \(the platform's widget runs there\)/,
    );
  });

  it('gets its credential generated by onboarding', async () => {
    const credentials = await platformCredentials('wc', composed.components, { 's3-access-key-id': 'AKIA', 's3-secret-access-key': 'secret' });
    expect(credentials.secrets.get('widget/widget-token')!.entries.token).toMatch(/^[A-Za-z0-9]{40}$/);
  });
});

describe("cluster.yaml mapped to the components' props", () => {
  it("points the API server at the service cluster's identity provider, or at the issuer cluster.yaml names, with its claims", () => {
    const files = (c: ClusterConfig, f: Fleet = fleet) => composeCluster(new App(), { cluster: c, fleet: f, catalog }).nodeFiles();
    const talosArgs = (c: ClusterConfig, f?: Fleet) => renderTalos(files(c, f)).cluster.apiServer.extraArgs;
    expect(talosArgs(wc)).toMatchObject({
      'oidc-issuer-url': 'https://dex.sc.example.com',
      'oidc-client-id': 'kubernetes-wc',
      'oidc-username-claim': 'email',
    });
    const custom = clusterConfig({ ...wc, oidc: { issuerUrl: 'https://login.example.com', clientId: 'k8s', usernameClaim: 'sub' } });
    expect(talosArgs(custom, fleetOf(sc, custom))).toMatchObject({
      'oidc-issuer-url': 'https://login.example.com',
      'oidc-client-id': 'k8s',
      'oidc-username-claim': 'sub',
    });
  });

  it("syncs the cluster's folder from its repository, branch and interval", () => {
    const custom = clusterConfig({
      ...wc,
      gitops: { repository: 'https://git.example.com/fleet.git', branch: 'release', interval: '5m', secretName: 'git-token', wait: false },
    });
    const { objects } = compose(custom, fleetOf(sc, custom));
    const repo = objects.find((o) => o.kind === 'GitRepository' && o.metadata.name === 'flux-system')!;
    expect(repo.spec).toMatchObject({
      url: 'https://git.example.com/fleet.git',
      ref: { branch: 'release' },
      interval: '5m',
      secretRef: { name: 'git-token' },
    });
    const layers = objects.filter((o) => o.kind === 'Kustomization' && o.metadata.name !== 'flux-system' && o.metadata.name !== 'flux');
    expect(layers.map((k) => k.metadata.name)).toEqual(['controllers', 'policies', 'platform', 'tenants']);
    for (const k of layers) expect(k.spec, k.metadata.name).toMatchObject({ interval: '5m', wait: false, path: `./clusters/wc/${k.metadata.name}` });
  });

  it('gives the tenants of every workload cluster reporting to the service cluster a Grafana organisation, and labels their series at remote write', () => {
    const a = clusterConfig({
      ...wc,
      tenants: [
        { name: 'team-a', adminGroups: ['a-admins'], viewGroups: ['a-readers'] },
        { name: 'team-b', adminGroups: ['b-admins'] },
      ],
    });
    const b = clusterConfig({ ...wc, name: 'wc2', domain: 'wc2.example.com', tenants: [{ name: 'team-a', viewGroups: ['wc2-a-readers'] }] });
    const operators = clusterConfig({ ...sc, rbac: { operatorGroups: ['ops'], auditorGroups: ['audit'] } });
    const f = fleetOf(operators, a, b);
    const grafana = find(compose(operators, f).objects, 'HelmRelease', 'kube-prometheus-stack').spec.values.grafana;
    expect(grafana['grafana.ini']['auth.generic_oauth'].org_mapping).toBe(
      'ops:1:Admin audit:1:Viewer a-admins:2:Editor a-readers:2:Viewer b-admins:3:Editor wc2-a-readers:4:Viewer',
    );
    expect([...grafana.lifecycleHooks.postStart.exec.command[2].matchAll(/^org (\d+) '([^']+)'$/gm)].map((m) => `${m[1]} ${m[2]}`)).toEqual([
      '2 wc/team-a',
      '3 wc/team-b',
      '4 wc2/team-a',
    ]);
    const relabel = (c: ClusterConfig) =>
      find(compose(c, f).objects, 'HelmRelease', 'kube-prometheus-stack').spec.values.prometheus.prometheusSpec.remoteWrite[0].writeRelabelConfigs[1]
        .regex;
    expect(relabel(a)).toBe('(wc/(?:team-a|team-b))');
    expect(relabel(b)).toBe('(wc2/(?:team-a))');
  });

  it("enforces the policy block and the tenants' settings, and names cluster.yaml for an unknown rule", () => {
    const custom = clusterConfig({
      ...wc,
      tenants: [{ name: 'team-a', allowNodePort: true }],
      policy: {
        enforcement: { 'service-load-balancer': { action: 'audit', reason: 'migrating services to the gateway' } },
        exceptions: [{ namespace: 'team-a', rule: 'pss-run-as-non-root', reason: 'legacy image runs as root' }],
      },
    });
    const { objects } = compose(custom, fleetOf(sc, custom));
    const binding = (rule: string) => objects.find((o) => o.kind === 'ValidatingAdmissionPolicyBinding' && o.metadata.name === `ck8s-${rule}`)!;
    expect(binding('service-load-balancer').spec.validationActions).toEqual(['Audit']);
    for (const rule of ['service-node-port', 'pss-run-as-non-root'])
      expect(JSON.stringify(binding(rule).spec.matchResources), rule).toContain('"NotIn","values":["team-a"]');
    const typo = clusterConfig({ ...wc, policy: { exceptions: [{ namespace: 'team-a', rule: 'no-such-rule', reason: 'a typo in the rule id' }] } });
    expect(() => compose(typo, fleetOf(sc, typo))).toThrow(/clusters\/wc\/cluster\.yaml.*policy\.exceptions\[0\]\.rule/);
  });
});

describe("the platform's namespaces under its own admission rules", () => {
  it('binds every platform namespace, with its catalog registries (and cert-manager where ACME solvers run), and lists the exceptions the components declare', () => {
    const exempt = (c: ClusterProfile) => {
      const widget = new Widget(c, 'widget');
      widget.addAdmissionException({
        name: 'widget-probe-tag',
        namespace: 'widget',
        rule: 'image-tag',
        object: 'Job/probe',
        reason: 'the probe image has only latest',
      });
    };
    const { composed, objects } = compose(sc, fleet, { ...PROFILES.service, entries: [...PROFILES.service.entries, exempt] });
    const binding = (name: string) =>
      find(objects, 'ValidatingAdmissionPolicyBinding', name).spec.matchResources.namespaceSelector.matchExpressions[0].values;
    const namespaces = composed.platformNamespaces();
    expect(binding('ck8s-resource-requirements-platform')).toEqual(namespaces);
    expect(binding('ck8s-platform-registries-platform')).toEqual(namespaces);
    // the exception leaves exactly its namespace out of exactly its rule
    expect(binding('ck8s-image-tag-platform')).toEqual(namespaces.filter((n) => n !== 'widget'));
    expect(find(objects, 'ValidatingAdmissionPolicyBinding', 'ck8s-image-tag-platform').metadata.annotations['platform.ck8s.io/exceptions']).toBe(
      'widget: the probe image has only latest (exception widget-probe-tag of component widget, Job/probe)',
    );
    const allowed = find(objects, 'ValidatingAdmissionPolicy', 'ck8s-platform-registries').spec.variables.find(
      (v: any) => v.name === 'allowed',
    ).expression;
    // node-exporter runs the metrics stack's chart in a second namespace; dex serves an ACME-certified endpoint
    expect(allowed).toContain("'node-exporter': ['docker.io', 'ghcr.io', 'quay.io', 'registry.k8s.io']");
    expect(allowed).toContain("'dex': ['ghcr.io', 'quay.io']");
    expect(allowed).toContain("'widget': []");
    expect(platformExceptionsOf(composed, 'sc')).toEqual([
      {
        cluster: 'sc',
        name: 'widget-probe-tag',
        component: 'widget',
        namespace: 'widget',
        object: 'Job/probe',
        rule: 'image-tag',
        reason: 'the probe image has only latest',
      },
    ]);
  });
});

function renderTalos(files: { path: string; content: string }[]): any {
  return parseYaml(files.find((f) => f.path === 'talos-patch.yaml')!.content);
}
