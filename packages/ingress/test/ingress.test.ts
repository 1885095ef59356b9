import { ChartCatalog, ConfigError, containerResources, Tenant } from '@ck8s/core';
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { connect, testApp } from '../../../test-support/connect.js';
import {
  CERT_MANAGER_RESOURCES,
  CertManager,
  ClusterIssuers,
  ExternalDns,
  INGRESS_NGINX_RESOURCES,
  IngressController,
  PlatformEndpoint,
  PRIVATE_CA_SECRET,
} from '../src/index.js';
import { clusterConfig } from '../../../test-support/cluster-config.js';

const TENANTS = clusterConfig({
  name: 'wc',
  profile: 'workload',
  domain: 'wc.example.com',
  serviceCluster: 'sc',
  tenants: [{ name: 'team-a', ingressPorts: [8080, 8443] }, { name: 'team-b' }],
}).tenants;

/** The ingress controller with tenants, connected as in a cluster. */
function controller(network = {}) {
  const app = testApp();
  const component = new IngressController(app, 'ingress-nginx', { catalog, replicas: 3, minAvailable: 2 });
  for (const tenant of TENANTS) new Tenant(app, { tenant });
  connect(app, { network, roles: false });
  return component;
}

const catalog = new ChartCatalog([
  { name: 'ingress-nginx', repository: 'https://kubernetes.github.io/ingress-nginx', chart: 'ingress-nginx', version: '4.15.1' },
  { name: 'cert-manager', repository: 'oci://quay.io/jetstack/charts', chart: 'cert-manager', version: 'v1.21.1' },
  { name: 'external-dns', repository: 'https://kubernetes-sigs.github.io/external-dns', chart: 'external-dns', version: '1.21.1' },
]);

const byKind = (objects: any[], kind: string) => objects.filter((o) => o.kind === kind);

describe('IngressController', () => {
  const objects = controller().toJson();
  const values = byKind(objects, 'HelmRelease')[0].spec.values;

  it('disables snippet and risky annotations and turns on HTTPS redirect, HSTS and the admission webhook', () => {
    expect(values.controller.allowSnippetAnnotations).toBe(false);
    expect(values.controller.config).toMatchObject({
      'allow-snippet-annotations': 'false',
      'annotations-risk-level': 'High',
      'force-ssl-redirect': 'true',
      hsts: 'true',
      'server-tokens': 'false',
    });
    expect(values.controller.admissionWebhooks).toMatchObject({ enabled: true, failurePolicy: 'Fail' });
    // the admission hook Jobs too: the platform's resource-requirements rule holds for its own namespaces
    expect(values.controller.admissionWebhooks.createSecretJob.resources).toEqual(INGRESS_NGINX_RESOURCES.createSecretJob);
    expect(values.controller.admissionWebhooks.patchWebhookJob.resources).toEqual(INGRESS_NGINX_RESOURCES.patchWebhookJob);
    expect(values.controller.resources).toEqual(INGRESS_NGINX_RESOURCES.controller);
    expect(values.controller.metrics.enabled).toBe(true);
  });

  it('is the default IngressClass, with replicas and a disruption budget from config', () => {
    expect(values.controller.ingressClassResource).toMatchObject({ name: 'nginx', default: true });
    expect(values.controller.replicaCount).toBe(3);
    expect(values.controller.minAvailable).toBe(2);
  });

  it('runs restricted, keeping only what the restricted profile allows', () => {
    expect(values.controller.image).toMatchObject({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const [ns] = byKind(objects, 'Namespace');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('admits the internet on 80/443 and reaches tenants only on their declared ports', () => {
    const policies = Object.fromEntries(byKind(objects, 'NetworkPolicy').map((p) => [p.metadata.name, p.spec]));
    expect(policies['allow-http-https-from-anywhere'].ingress[0].ports).toEqual([
      { protocol: 'TCP', port: 80 },
      { protocol: 'TCP', port: 443 },
    ]);
    expect(policies['allow-ingress-controller-to-team-a'].egress[0]).toEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'team-a' } } }],
      ports: [
        { protocol: 'TCP', port: 8080 },
        { protocol: 'TCP', port: 8443 },
      ],
    });
    expect(policies['allow-ingress-controller-to-team-b']).toBeUndefined();
    expect(policies['default-deny']).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  it('lets the admission hook Jobs reach the API server: they create the certificate Secret the controller mounts', () => {
    const policy = byKind(objects, 'NetworkPolicy').find((p) => p.metadata.name === 'allow-admission-hooks-to-api-server');
    expect(policy.spec.podSelector).toEqual({
      matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'admission-webhook' },
    });
    expect(policy.spec.policyTypes).toEqual(['Egress']);
  });

  it('needs to know where the API server is', () => {
    expect(() => controller({ apiServer: undefined })).toThrow(ConfigError);
  });
});

describe('ClusterIssuers', () => {
  it("issues from Let's Encrypt staging and production through the ingress class, and from a private CA", () => {
    const objects = new ClusterIssuers(new App(), 'cluster-issuers', { acmeEmail: 'ops@example.com' }).toJson();
    const issuers = Object.fromEntries(byKind(objects, 'ClusterIssuer').map((i) => [i.metadata.name, i.spec]));
    expect(Object.keys(issuers).sort()).toEqual(['letsencrypt-production', 'letsencrypt-staging', 'private-ca', 'selfsigned']);
    expect(issuers['letsencrypt-production'].acme).toEqual({
      server: 'https://acme-v02.api.letsencrypt.org/directory',
      email: 'ops@example.com',
      privateKeySecretRef: { name: 'letsencrypt-production-account-key' },
      solvers: [{ http01: { ingress: { ingressClassName: 'nginx' } } }],
    });
    expect(issuers['letsencrypt-staging'].acme.server).toBe('https://acme-staging-v02.api.letsencrypt.org/directory');
    // the private CA issuer reads the Secret the self-signed root certificate writes
    const [root] = byKind(objects, 'Certificate');
    expect(root.spec).toMatchObject({ isCA: true, secretName: PRIVATE_CA_SECRET, issuerRef: { name: 'selfsigned', kind: 'ClusterIssuer' } });
    expect(issuers['private-ca']).toEqual({ ca: { secretName: PRIVATE_CA_SECRET } });
    expect(root.metadata.namespace).toBe('cert-manager');
  });

  it("has no Let's Encrypt issuers without a contact address", () => {
    const objects = new ClusterIssuers(new App(), 'x').toJson();
    expect(byKind(objects, 'ClusterIssuer').map((i) => i.metadata.name)).toEqual(['selfsigned', 'private-ca']);
  });
});

describe('CertManager', () => {
  it("installs the CRDs and may reach ACME only when a Let's Encrypt issuer exists", () => {
    const acmeApp = testApp();
    const withAcme = new CertManager(acmeApp, 'cert-manager', { catalog });
    connect(acmeApp);
    expect(byKind(withAcme.toJson(), 'HelmRelease')[0].spec.values.crds).toEqual({ enabled: true, keep: true });
    expect(byKind(withAcme.toJson(), 'NetworkPolicy').map((p) => p.metadata.name)).toContain('allow-acme-to-internet');
    const privateApp = testApp();
    const privateOnly = new CertManager(privateApp, 'cert-manager', { catalog, acme: false });
    connect(privateApp);
    expect(byKind(privateOnly.toJson(), 'NetworkPolicy').map((p) => p.metadata.name)).not.toContain('allow-acme-to-internet');
  });

  it('sizes every container the chart runs, hooks included, and takes a size per container from the props', () => {
    const webhook = containerResources('20m', '64Mi', '256Mi');
    const values = byKind(new CertManager(new App(), 'cert-manager', { catalog, resources: { webhook } }).toJson(), 'HelmRelease')[0].spec.values;
    expect(values.resources).toEqual(CERT_MANAGER_RESOURCES.controller);
    expect(values.webhook.resources).toEqual(webhook);
    expect(values.cainjector.resources).toEqual(CERT_MANAGER_RESOURCES.cainjector);
    expect(values.startupapicheck.resources).toEqual(CERT_MANAGER_RESOURCES.startupapicheck);
  });

  it('keeps HTTP-01 solver Ingresses off pathType Exact unless asked, since ingress-nginx rejects it', () => {
    const gates = (props: { acmeHttp01PathTypeExact?: boolean }) =>
      byKind(new CertManager(new App(), 'cert-manager', { catalog, ...props }).toJson(), 'HelmRelease')[0].spec.values.config.featureGates;
    expect(gates({})).toEqual({ ACMEHTTP01IngressPathTypeExact: false });
    expect(gates({ acmeHttp01PathTypeExact: true })).toEqual({ ACMEHTTP01IngressPathTypeExact: true });
  });
});

describe('PlatformEndpoint', () => {
  it('gets a Certificate from the configured issuer and serves it on its Ingress', () => {
    const app = new App();
    const c = new ClusterIssuers(app, 'host', { acmeEmail: 'ops@example.com' });
    new PlatformEndpoint(c, 'grafana', {
      issuer: 'letsencrypt-production',
      namespace: 'monitoring',
      name: 'grafana',
      host: 'grafana.sc.example.com',
      service: { name: 'grafana', port: 80 },
    });
    const objects = c.toJson();
    const cert = byKind(objects, 'Certificate').find((o) => o.metadata.name === 'grafana');
    const ingress = byKind(objects, 'Ingress')[0];
    expect(cert.spec).toEqual({
      secretName: 'grafana-tls',
      dnsNames: ['grafana.sc.example.com'],
      issuerRef: { name: 'letsencrypt-production', kind: 'ClusterIssuer', group: 'cert-manager.io' },
    });
    expect(ingress.spec.tls).toEqual([{ hosts: ['grafana.sc.example.com'], secretName: 'grafana-tls' }]);
  });
});

describe('ExternalDns', () => {
  it('reads the provider credentials from the declared sops Secret', () => {
    const component = new ExternalDns(new App(), 'external-dns', { catalog, provider: 'cloudflare', domain: 'wc.example.com', owner: 'wc' });
    const values = byKind(component.toJson(), 'HelmRelease')[0].spec.values;
    expect(values.envFrom).toEqual([{ secretRef: { name: 'external-dns-credentials' } }]);
    expect(values.domainFilters).toEqual(['wc.example.com']);
    expect(component.requiredSecrets).toEqual([expect.objectContaining({ namespace: 'external-dns', name: 'external-dns-credentials' })]);
  });
});
