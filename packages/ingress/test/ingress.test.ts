import { ChartCatalog, ConfigError, containerResources, Tenant } from '@ck8s/core';
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { connect, testApp } from '../../../test-support/connect.js';
import {
  BASIC_AUTH_SECRET_ANNOTATION,
  CERT_MANAGER_RESOURCES,
  CertManager,
  ClusterIssuers,
  ExternalDns,
  IngressController,
  NGINX_INGRESS_RESOURCES,
  PlatformEndpoint,
  PlatformEndpoints,
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
  const component = new IngressController(app, 'nginx-ingress', { catalog, replicas: 3, minAvailable: 2 });
  for (const tenant of TENANTS) new Tenant(app, { tenant });
  connect(app, { network, roles: false });
  return component;
}

const catalog = new ChartCatalog([
  { name: 'nginx-ingress', repository: 'oci://ghcr.io/nginx/charts', chart: 'nginx-ingress', version: '2.6.4' },
  { name: 'cert-manager', repository: 'oci://quay.io/jetstack/charts', chart: 'cert-manager', version: 'v1.21.1' },
  { name: 'external-dns', repository: 'https://kubernetes-sigs.github.io/external-dns', chart: 'external-dns', version: '1.21.1' },
]);

const byKind = (objects: any[], kind: string) => objects.filter((o) => o.kind === kind);

describe('IngressController', () => {
  const component = controller();
  const objects = component.toJson();
  const values = byKind(objects, 'HelmRelease')[0].spec.values;

  it('turns snippets and custom resources off, and HTTPS redirect, HSTS and TLS 1.2+ on', () => {
    expect(values.controller.enableSnippets).toBe(false);
    expect(values.controller.enableCustomResources).toBe(false);
    expect(values.controller.telemetryReporting).toEqual({ enable: false });
    expect(values.controller.config.entries).toEqual({
      'ssl-redirect': 'true',
      hsts: 'true',
      'hsts-max-age': '31536000',
      'hsts-include-subdomains': 'true',
      'server-tokens': 'false',
      'ssl-protocols': 'TLSv1.2 TLSv1.3',
    });
    // the chart's crds/ folder holds only the custom resources switched off
    expect(byKind(objects, 'HelmRelease')[0].spec.install.crds).toBe('Skip');
    // the chart's values.schema.json $refs the internet (nginx/kubernetes-ingress#7193): helm-controller skips it
    const { install, upgrade } = byKind(objects, 'HelmRelease')[0].spec;
    expect([install.disableSchemaValidation, upgrade.disableSchemaValidation]).toEqual([true, true]);
    expect(values.controller.resources).toEqual(NGINX_INGRESS_RESOURCES.controller);
    expect(values.controller.initContainerResources).toEqual(NGINX_INGRESS_RESOURCES.init);
  });

  it('takes the HSTS max-age from the props', () => {
    const app = testApp();
    const component = new IngressController(app, 'nginx-ingress', { catalog, hstsMaxAge: 63072000 });
    expect(byKind(component.toJson(), 'HelmRelease')[0].spec.values.controller.config.entries['hsts-max-age']).toBe('63072000');
  });

  it('is the default IngressClass under the name tenants use, with replicas and a disruption budget from config', () => {
    expect(values.controller.ingressClass).toEqual({ name: 'nginx', create: true, setAsDefaultIngress: true });
    expect(values.controller.replicaCount).toBe(3);
    expect(values.controller.podDisruptionBudget).toEqual({ enabled: true, minAvailable: 2 });
  });

  it('runs restricted with a read-only root filesystem, keeping only NET_BIND_SERVICE', () => {
    expect(values.controller.readOnlyRootFilesystem).toBe(true);
    expect(values.controller.podSecurityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(values.controller.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 101,
      capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(values.controller.initContainerSecurityContext.capabilities).toEqual({ drop: ['ALL'] });
    const [ns] = byKind(objects, 'Namespace');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it("exports metrics and lets Prometheus scrape the exporter's port", () => {
    expect(values.prometheus).toEqual({ create: true, port: 9113, serviceMonitor: { create: false } });
    expect(values.controller.enableLatencyMetrics).toBe(true);
    // the declaration the scrape config and the flow from Prometheus are derived from
    expect(component.metrics).toEqual([
      {
        name: 'nginx-ingress',
        port: 9113,
        pods: expect.objectContaining({ labels: { 'app.kubernetes.io/name': 'nginx-ingress', 'app.kubernetes.io/instance': 'nginx-ingress' } }),
      },
    ]);
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

  it('keeps HTTP-01 solver Ingresses off pathType Exact unless asked, as ingress-nginx before 1.14 rejected it', () => {
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

describe('PlatformEndpoints', () => {
  it("guards an endpoint without a login of its own with the htpasswd Secret it names, required of the controller's type and key", () => {
    const endpoints = new PlatformEndpoints(new App(), 'endpoints', {
      issuer: 'letsencrypt-production',
      endpoints: [
        {
          name: 'prometheus',
          host: 'prometheus.sc.example.com',
          pods: { name: 'prometheus', namespace: 'monitoring', labels: { app: 'prometheus' } },
          service: { name: 'prometheus', port: 9090 },
          basicAuthSecret: 'prometheus-basic-auth',
        },
        {
          name: 'grafana',
          host: 'grafana.sc.example.com',
          pods: { name: 'grafana', namespace: 'monitoring', labels: { app: 'grafana' } },
          service: { name: 'grafana', port: 80 },
        },
      ],
    });
    const ingresses = byKind(endpoints.toJson(), 'Ingress');
    expect(ingresses.find((i) => i.metadata.name === 'prometheus').metadata.annotations).toEqual({
      [BASIC_AUTH_SECRET_ANNOTATION]: 'prometheus-basic-auth',
      'nginx.org/basic-auth-realm': 'prometheus',
    });
    expect(ingresses.find((i) => i.metadata.name === 'grafana').metadata.annotations).toBeUndefined();
    expect(endpoints.requiredSecrets).toEqual([
      expect.objectContaining({ namespace: 'monitoring', name: 'prometheus-basic-auth', type: 'nginx.org/htpasswd', keys: ['htpasswd'] }),
    ]);
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
