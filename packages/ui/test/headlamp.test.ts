import { ChartCatalog } from '@ck8s/core';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, testApp } from '../../../test-support/connect.js';
import { Kubeconform, problems } from '../../../test-support/kubeconform.js';
import { find, flows, type K8sObject } from '../../../test-support/manifests.js';
import { FLUX_PLUGIN_IMAGE, Headlamp, type HeadlampProps, platformLinksPlugin } from '../src/index.js';

/** The version is deliberately not the pinned one: the component must take it from the catalog. */
const catalog = new ChartCatalog([
  { name: 'headlamp', repository: 'https://kubernetes-sigs.github.io/headlamp', chart: 'headlamp', version: '9.9.9' },
]);

const links = [
  { name: 'grafana', label: 'Grafana', url: 'https://grafana.sc.example.com' },
  { name: 'registry', label: 'Harbor', url: 'https://registry.sc.example.com' },
];

function render(extra: Partial<HeadlampProps> = {}) {
  const app = testApp();
  const component = new Headlamp(app, 'headlamp', {
    catalog,
    host: 'headlamp.wc.example.com',
    clusterName: 'wc',
    issuer: 'https://dex.sc.example.com',
    clientId: 'headlamp-wc',
    apiClientId: 'kubernetes-wc',
    links,
    ...extra,
  });
  connect(app);
  const objects: K8sObject[] = component.toJson();
  const release = find(objects, 'HelmRelease', 'headlamp');
  return { component, objects, release, values: release.spec.values };
}

describe('Headlamp', () => {
  const out = render();

  it('signs people in as its own client and asks for ID tokens its API server accepts', () => {
    expect(out.component.oidcClients).toEqual([
      {
        id: 'headlamp-wc',
        name: 'Headlamp (wc)',
        redirectURIs: ['https://headlamp.wc.example.com/oidc-callback'],
        tokenAudiences: ['kubernetes-wc'],
      },
    ]);
    expect(out.values.config.oidc).toEqual({
      secret: { create: false },
      clientID: 'headlamp-wc',
      issuerURL: 'https://dex.sc.example.com',
      scopes: 'profile,email,groups,offline_access,audience:server:client_id:kubernetes-wc',
      callbackURL: 'https://headlamp.wc.example.com/oidc-callback',
      usePKCE: true,
    });
  });

  it('reads its client secret from the sops Secret onboarding fills with the value Dex holds', async () => {
    expect(out.values.env).toEqual([
      { name: 'HEADLAMP_CONFIG_OIDC_CLIENT_SECRET', valueFrom: { secretKeyRef: { name: 'headlamp-oidc', key: 'client-secret' } } },
    ]);
    const [secret] = out.component.requiredSecrets;
    expect(secret).toMatchObject({ namespace: 'headlamp', name: 'headlamp-oidc', keys: ['client-secret'] });
    const shared: string[] = [];
    const context = { shared: (id: string) => (shared.push(id), 'same-value') } as never;
    expect(await secret!.generate!(context)).toEqual({ 'client-secret': 'same-value' });
    expect(shared).toEqual(['oidc-client/headlamp-wc']);
    // no value of the secret in the release
    expect(JSON.stringify(out.release)).not.toContain('same-value');
  });

  it("binds its service account to nothing: the chart's cluster-admin binding is off and nothing cluster-wide is expected", () => {
    expect(out.values.clusterRoleBinding).toEqual({ create: false });
    // the one binding is the account Flux installs the chart as (every release has its own); none names Headlamp's account
    const bindings = out.objects.filter((o) => o.kind === 'ClusterRoleBinding' || o.kind === 'RoleBinding');
    expect(bindings.map((b) => b.subjects)).toEqual([[{ kind: 'ServiceAccount', name: 'flux-headlamp', namespace: 'headlamp' }]]);
    const chart = out.component.node.findAll().find((c) => (c as { expects?: unknown }).expects) as unknown as {
      expects: { clusterObjects?: string[] };
    };
    expect(chart.expects.clusterObjects ?? []).toEqual([]);
  });

  it('is served through the ingress controller at its host, with a certificate derived from the endpoint', () => {
    expect(out.component.endpoints).toEqual([
      expect.objectContaining({ name: 'headlamp', host: 'headlamp.wc.example.com', service: { name: 'headlamp', port: 80 }, targetPort: 4466 }),
    ]);
    expect(out.values.ingress).toEqual({ enabled: false });
  });

  it('reaches only the API server and the identity provider; only the ingress controller reaches it', () => {
    expect(flows(out.objects)).toEqual([
      'allow-dns-egress: * -> kube-system[k8s-app=kube-dns] :53/UDP,53',
      'allow-headlamp-from-ingress-controller: instance=headlamp,name=headlamp <- ingress-nginx[instance=nginx-ingress,name=nginx-ingress] :4466',
      'allow-headlamp-to-api-server: instance=headlamp,name=headlamp -> 10.0.0.1/32 :6443',
      'allow-headlamp-to-identity-provider: instance=headlamp,name=headlamp -> 192.0.2.10/32 :443',
      'default-deny: * deny ingress+egress',
    ]);
  });

  it('loads the Flux plugin from its pinned image into an emptyDir, and the links plugin from a ConfigMap', () => {
    expect(out.values.initContainers).toEqual([expect.objectContaining({ name: 'flux-plugin', image: FLUX_PLUGIN_IMAGE })]);
    expect(FLUX_PLUGIN_IMAGE).toMatch(/:v\d+\.\d+\.\d+$/);
    expect(out.values.config.pluginsDir).toBe('/headlamp/plugins');
    expect(out.values.volumeMounts).toEqual([
      { name: 'plugins', mountPath: '/headlamp/plugins' },
      { name: 'platform-links', mountPath: '/headlamp/plugins/ck8s-platform-links', readOnly: true },
    ]);
    const configMap = find(out.objects, 'ConfigMap', 'headlamp-platform-links');
    expect(configMap.data['main.js']).toContain('"url":"https://grafana.sc.example.com"');
    expect(JSON.parse(configMap.data['package.json']).name).toBe('ck8s-platform-links');
    expect(render({ fluxPlugin: false }).values.initContainers).toEqual([]);
  });

  it('runs restricted, with requests and a memory limit', () => {
    for (const sc of [out.values.securityContext, ...out.values.initContainers.map((c: K8sObject) => c.securityContext)])
      expect(sc).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
      });
    expect(out.values.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } });
    expect(find(out.objects, 'Namespace', 'headlamp').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  const kubeconform = new Kubeconform();
  afterAll(() => kubeconform.dispose());
  it('accepts every object: Namespace, NetworkPolicies, ConfigMap, HelmRepository and HelmRelease', async () => {
    const result = await kubeconform.run({ headlamp: out.objects });
    expect(problems(result)).toEqual([]);
    expect(result.summary.valid).toBe(out.objects.length);
  });
});

describe('platformLinksPlugin', () => {
  it('writes one sidebar entry per link, deterministically', () => {
    const plugin = platformLinksPlugin(links);
    expect(plugin['main.js']).toBe(platformLinksPlugin(links)['main.js']);
    expect(plugin['main.js']).toContain(
      'var links = [{"name":"ck8s-grafana","label":"Grafana","url":"https://grafana.sc.example.com"},{"name":"ck8s-registry","label":"Harbor","url":"https://registry.sc.example.com"}];',
    );
    expect(plugin['main.js']).toContain('window.pluginLib.registerSidebarEntry(');
  });

  it('refuses a link that is not https, or a name twice', () => {
    expect(() => platformLinksPlugin([{ name: 'x', label: 'X', url: 'http://x.example.com' }])).toThrow(
      'platform link x: "http://x.example.com" is not an https URL',
    );
    expect(() => platformLinksPlugin([...links, links[0]!])).toThrow('platform link "grafana" is listed twice');
  });
});
