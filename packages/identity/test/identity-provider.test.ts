import { ConfigError } from '@ck8s/core';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, testApp } from '../../../test-support/connect.js';
import { Kubeconform, problems } from '../../../test-support/kubeconform.js';
import { find, flows, type K8sObject } from '../../../test-support/manifests.js';
import { DEX_CLIENT_SECRETS, IdentityProvider, type IdentityProviderProps, KUBERNETES_LOGIN_REDIRECT_URIS } from '../src/index.js';
import { catalog, clients, connectors, ISSUER } from './fixtures.js';

function render(extra: Partial<IdentityProviderProps> = {}, network = {}) {
  const app = testApp();
  const component = new IdentityProvider(app, 'dex', { catalog, issuer: ISSUER, connectors, clients, ...extra });
  connect(app, { network });
  const objects: K8sObject[] = component.toJson();
  const release = find(objects, 'HelmRelease', 'dex');
  return { component, objects, release, values: release.spec.values, dex: release.spec.values.config };
}

describe('IdentityProvider', () => {
  const out = render();

  it('deploys the catalog chart into its own restricted dex namespace', () => {
    expect(out.component.outputFile).toBe('controllers/dex.yaml');
    expect(out.release.spec.chart.spec).toMatchObject({ chart: 'dex', version: '9.9.9' });
    // cluster-scoped: the namespace, and the binding of the account Flux installs the chart as
    expect(
      out.objects.every((o) =>
        o.kind === 'Namespace'
          ? o.metadata.name === 'dex'
          : o.kind === 'ClusterRoleBinding'
            ? o.subjects.every((s: { namespace?: string }) => s.namespace === 'dex')
            : o.metadata.namespace === 'dex',
      ),
    ).toBe(true);
    const ns = find(out.objects, 'Namespace', 'dex');
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.33',
    });
    expect(out.values.podSecurityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(out.values.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
  });

  it('is the issuer the API servers are told about, and keeps its state in Kubernetes custom resources', () => {
    expect(out.dex.issuer).toBe('https://dex.sc.example.com');
    expect(out.dex.storage).toEqual({ type: 'kubernetes', config: { inCluster: true } });
    expect(out.dex.enablePasswordDB).toBe(false);
    expect(out.values.rbac).toEqual({ create: true, createClusterScoped: true });
  });

  it('registers the given clients: public ones for kubectl oidc-login, confidential ones for the web applications', () => {
    const kube = out.dex.staticClients.filter((c: K8sObject) => c.public);
    expect(kube.map((c: K8sObject) => c.id)).toEqual(['kubernetes-sc', 'k8s-team-b']);
    for (const c of kube) {
      expect(c.redirectURIs).toEqual(['http://localhost:8000', 'http://localhost:18000']);
      expect(c.secretEnv).toBeUndefined();
    }
    expect(out.dex.staticClients.filter((c: K8sObject) => !c.public).map((c: K8sObject) => [c.id, c.redirectURIs])).toEqual([
      ['grafana', ['https://grafana.sc.example.com/login/generic_oauth']],
      ['opensearch-dashboards', ['https://opensearch-dashboards.sc.example.com/auth/openid/login']],
      ['harbor', ['https://registry.sc.example.com/c/oidc/callback']],
    ]);
  });

  it('reads every confidential client secret from one declared sops Secret, never from the config', () => {
    const confidential = out.dex.staticClients.filter((c: K8sObject) => !c.public);
    expect(confidential.map((c: K8sObject) => [c.id, c.secretEnv])).toEqual([
      ['grafana', 'CLIENT_SECRET_GRAFANA'],
      ['opensearch-dashboards', 'CLIENT_SECRET_OPENSEARCH_DASHBOARDS'],
      ['harbor', 'CLIENT_SECRET_HARBOR'],
    ]);
    for (const c of confidential) {
      expect(c.secret).toBeUndefined();
      expect(out.values.envVars).toContainEqual({ name: c.secretEnv, valueFrom: { secretKeyRef: { name: DEX_CLIENT_SECRETS, key: c.id } } });
    }
    expect(out.component.requiredSecrets).toContainEqual(
      expect.objectContaining({ namespace: 'dex', name: 'dex-client-secrets', keys: ['grafana', 'opensearch-dashboards', 'harbor'] }),
    );
  });

  it('declares no client secrets without confidential clients', () => {
    const lean = render({ clients: clients.filter((c) => c.public) });
    expect(lean.component.requiredSecrets.find((s) => s.name === DEX_CLIENT_SECRETS)).toBeUndefined();
    expect(lean.values.envVars.map((e: K8sObject) => e.name)).not.toContain('CLIENT_SECRET_GRAFANA');
  });

  it('generates each client secret as the one shared value the application holds too', async () => {
    const secret = out.component.requiredSecrets.find((s) => s.name === DEX_CLIENT_SECRETS)!;
    const shared = new Map<string, string>();
    const generated = await secret.generate!({
      shared: (id: string) => shared.get(id) ?? (shared.set(id, `value-of-${id}`), `value-of-${id}`),
    } as never);
    expect(generated).toEqual({
      grafana: 'value-of-oidc-client/grafana',
      'opensearch-dashboards': 'value-of-oidc-client/opensearch-dashboards',
      harbor: 'value-of-oidc-client/harbor',
    });
  });

  it('federates the configured connectors with their credentials from environment variables of their declared Secrets', () => {
    const [oidc, saml, ldap] = out.dex.connectors;
    expect(oidc).toEqual({
      type: 'oidc',
      id: 'entra',
      name: 'Microsoft Entra ID',
      config: {
        issuer: 'https://login.microsoftonline.com/tenant-id/v2.0',
        clientID: '$CONNECTOR_ENTRA_CLIENT_ID',
        clientSecret: '$CONNECTOR_ENTRA_CLIENT_SECRET',
        redirectURI: 'https://dex.sc.example.com/callback',
        scopes: ['openid', 'profile', 'email'],
        insecureEnableGroups: true,
        insecureSkipEmailVerified: false,
      },
    });
    expect(saml.config).toMatchObject({
      ssoURL: 'https://idp.example.com/sso',
      ca: '/etc/dex/saml/corp-saml/ca.crt',
      redirectURI: 'https://dex.sc.example.com/callback',
      groupsAttr: 'groups',
    });
    expect(ldap.config).toMatchObject({
      host: 'ldap.example.com:636',
      insecureNoSSL: false,
      startTLS: false,
      bindDN: '$CONNECTOR_AD_BIND_DN',
      bindPW: '$CONNECTOR_AD_BIND_PASSWORD',
      userSearch: { baseDN: 'ou=users,dc=example,dc=com' },
      groupSearch: { baseDN: 'ou=groups,dc=example,dc=com', userMatchers: [{ userAttr: 'DN', groupAttr: 'member' }], nameAttr: 'cn' },
    });
    // every $VAR of the config is an environment variable from a Secret the component declares
    const declared = new Map(out.component.requiredSecrets.map((s) => [s.name, s.keys]));
    const env = new Map<string, K8sObject>(out.values.envVars.map((e: K8sObject) => [e.name, e.valueFrom.secretKeyRef]));
    const vars = [...JSON.stringify(out.dex.connectors).matchAll(/\$([A-Z0-9_]+)/g)].map((m) => m[1]!);
    expect(vars).toEqual(['CONNECTOR_ENTRA_CLIENT_ID', 'CONNECTOR_ENTRA_CLIENT_SECRET', 'CONNECTOR_AD_BIND_DN', 'CONNECTOR_AD_BIND_PASSWORD']);
    for (const v of vars) {
      const ref = env.get(v);
      expect(ref, v).toBeDefined();
      expect(declared.get(ref.name)).toContain(ref.key);
    }
    // the SAML CA is a file from its Secret
    expect(out.values.volumes).toEqual([{ name: 'saml-ca-0', secret: { secretName: 'dex-saml', items: [{ key: 'ca.crt', path: 'ca.crt' }] } }]);
    expect(out.values.volumeMounts).toEqual([{ name: 'saml-ca-0', mountPath: '/etc/dex/saml/corp-saml', readOnly: true }]);
  });

  it('declares each connector Secret with the keys of its type', () => {
    const secrets = out.component.requiredSecrets.filter((s) => s.name !== DEX_CLIENT_SECRETS).map((s) => [s.namespace, s.name, s.keys]);
    expect(secrets).toEqual([
      ['dex', 'dex-entra', ['client-id', 'client-secret']],
      ['dex', 'dex-saml', ['ca.crt']],
      ['dex', 'dex-ldap', ['bind-dn', 'bind-password']],
    ]);
    // nothing secret in the rendered config
    expect(JSON.stringify(out.objects)).not.toMatch(/BEGIN CERTIFICATE|password":\s*"[^$]/);
  });

  it('merges the keys of connectors that share a Secret', () => {
    const component = render({
      connectors: [
        { ...connectors[1]!, secret: 'dex-upstream' },
        { ...connectors[2]!, secret: 'dex-upstream' },
      ],
    }).component;
    expect(component.requiredSecrets.filter((s) => s.name === 'dex-upstream').map((s) => s.keys)).toEqual([['ca.crt', 'bind-dn', 'bind-password']]);
  });

  it('allows only the flows Dex needs', () => {
    expect(flows(out.objects)).toEqual([
      'allow-dex-from-ingress-controller: name=dex <- ingress-nginx[instance=nginx-ingress,name=nginx-ingress] :5556',
      'allow-dex-to-api-server: name=dex -> 10.0.0.1/32 :6443',
      'allow-dex-to-upstream-identity-providers: name=dex -> 0.0.0.0/0 ::/0 :443,636',
      'allow-dns-egress: * -> kube-system[k8s-app=kube-dns] :53/UDP,53',
      'allow-metrics-from-prometheus: name=dex <- monitoring[name=prometheus] :5558',
      'default-deny: * deny ingress+egress',
    ]);
  });

  it('opens no upstream egress for SAML-only setups (the browser carries the assertion)', () => {
    const objects = render({ connectors: [connectors[1]!] }).objects;
    expect(flows(objects).filter((f) => f.includes('upstream'))).toEqual([]);
  });

  it("serves the issuer's host through the ingress controller and its metrics port to Prometheus", () => {
    expect(out.component.endpoints.map((e) => [e.name, e.host, e.pods.namespace, e.service, e.targetPort ?? e.service.port])).toEqual([
      ['dex', 'dex.sc.example.com', 'dex', { name: 'dex', port: 5556 }, 5556],
    ]);
    expect(out.dex.web.http).toBe('0.0.0.0:5556');
    expect(out.component.metrics.map((m) => [m.name, m.port])).toEqual([['dex', 5558]]);
    expect(out.dex.telemetry.http).toBe('0.0.0.0:5558');
    expect(KUBERNETES_LOGIN_REDIRECT_URIS).toEqual(['http://localhost:8000', 'http://localhost:18000']);
  });

  it('refuses connectors Dex could not start with, and needs the API server', () => {
    expect(() => render({ connectors: [] })).toThrow(/identity provider: at least one upstream identity provider is needed/);
    expect(() => render({ connectors: [connectors[0]!, connectors[0]!] })).toThrow(/connector id "entra" is used twice/);
    expect(() => render({ connectors: [{ ...connectors[0]!, secret: DEX_CLIENT_SECRETS }] })).toThrow(
      /uses "dex-client-secrets", the Secret of the client secrets/,
    );
    expect(() => render({}, { apiServer: undefined })).toThrow(ConfigError);
    expect(() => render({}, { apiServer: undefined })).toThrow(/network.apiServer: is required: dex/);
  });
});

describe('kubeconform -strict on the identity provider', () => {
  const kubeconform = new Kubeconform();
  afterAll(() => kubeconform.dispose());

  it('accepts every object: Namespace, NetworkPolicies, HelmRepository and HelmRelease', async () => {
    const objects = render().objects;
    const result = await kubeconform.run({ dex: objects });
    expect(problems(result)).toEqual([]);
    expect(result.summary).toEqual({ valid: objects.length, invalid: 0, errors: 0, skipped: 0 });
    const kinds = new Set(result.resources.map((r) => `${r.version}/${r.kind}`));
    for (const kind of [
      'v1/Namespace',
      'networking.k8s.io/v1/NetworkPolicy',
      'source.toolkit.fluxcd.io/v1/HelmRepository',
      'helm.toolkit.fluxcd.io/v2/HelmRelease',
    ])
      expect(kinds).toContain(kind);
  });
});
