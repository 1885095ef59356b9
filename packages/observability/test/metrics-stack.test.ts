import { type ClusterNetwork, Component, ConfigError, type CredentialContext, POD_SECURITY_EXCEPTION_ANNOTATION, Tenant } from '@ck8s/core';
import type { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { clusterConfig } from '../../../test-support/cluster-config.js';
import { connect, testApp } from '../../../test-support/connect.js';
import { find, flows, type K8sObject } from '../../../test-support/manifests.js';
import {
  ALERTMANAGER_SECRETS_DIR,
  HEARTBEAT_PLACEHOLDER_URL,
  COLLECTED_METRICS,
  ARGOCD_APPLICATION_REVISION,
  FLUX_RESOURCE_INFO,
  grafanaRoleAttributePath,
  MetricsStack,
  type MetricsStackProps,
  NO_CLIENTS_YET,
  NODE_EXPORTER_POD_SECURITY_EXCEPTION,
  prometheusRetentionSize,
  prometheusVolumeSize,
} from '../src/index.js';
import { workloadProps, serverProps } from './fixtures.js';

/** Every key of a nested object, at any depth. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]);
}

/** Another component of the cluster, serving metrics in its own namespace: Prometheus must reach it. */
class Exporter extends Component {
  constructor(scope: Construct) {
    super(scope, 'exporter', { layer: 'controllers' });
    const pods = { name: 'exporter', namespace: 'exporter', labels: { 'app.kubernetes.io/name': 'exporter' } };
    this.addNamespace({ name: pods.namespace });
    this.addMetrics({ name: 'exporter', pods, port: 9402 });
  }
}

/** The workload cluster's tenants: team-a declares metrics ports, team-b none. */
const tenants = clusterConfig({
  name: 'wc',
  profile: 'workload',
  domain: 'wc.example.com',
  serviceCluster: 'sc',
  tenants: [{ name: 'team-a', metricsPorts: [9090, 8081] }, { name: 'team-b' }],
}).tenants;

/**
 * The stack with its NetworkPolicies derived as a profile derives them, beside another component's
 * metrics endpoint (and, in a workload cluster, the tenants). The stack plays the scraper itself; a
 * stand-in plays the ingress controller. In a service cluster the identity provider is behind that
 * controller.
 */
function synth(props: MetricsStackProps, network: Partial<ClusterNetwork> = {}): { stack: MetricsStack; objects: K8sObject[]; values: K8sObject } {
  const app = testApp();
  const stack = new MetricsStack(app, 'kube-prometheus-stack', props);
  new Exporter(app);
  if (props.mode === 'workload') for (const tenant of tenants) new Tenant(app, { tenant });
  connect(app, { roles: ['ingress-controller'], network: { isServiceCluster: props.mode === 'server', ...network } });
  const objects: K8sObject[] = stack.toJson();
  return { stack, objects, values: find(objects, 'HelmRelease', 'kube-prometheus-stack').spec.values };
}

describe('MetricsStack in a service cluster', () => {
  const { stack, objects, values } = synth(serverProps());
  const spec = values.prometheus.prometheusSpec;

  it('deploys the pinned kube-prometheus-stack from its OCI repository', () => {
    expect(find(objects, 'OCIRepository', 'kube-prometheus-stack').spec).toMatchObject({
      url: 'oci://ghcr.io/prometheus-community/charts/kube-prometheus-stack',
      ref: { tag: '88.5.3' },
    });
    expect(stack.outputFile).toBe('controllers/kube-prometheus-stack.yaml');
  });

  it('keeps 30 days or 50GB of metrics by default, whichever is reached first, on a volume with headroom', () => {
    expect(spec).toMatchObject({ retention: '30d', retentionSize: '50GB' });
    expect(spec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage).toBe('60Gi');
    expect(values.prometheus.agentMode).toBe(false);
  });

  it('takes retention from its props', () => {
    const s = synth(serverProps({ retentionTime: '90d', retentionSize: '200GB' })).values.prometheus.prometheusSpec;
    expect(s).toMatchObject({ retention: '90d', retentionSize: '200GB' });
    expect(s.storageSpec.volumeClaimTemplate.spec.resources.requests.storage).toBe('240Gi');
  });

  it('converts retention sizes to the form the operator accepts and refuses others', () => {
    expect(prometheusRetentionSize('50GB')).toBe('50GB');
    expect(prometheusRetentionSize('512MB')).toBe('512MB');
    expect(prometheusVolumeSize('512MB')).toBe('1Gi');
    expect(prometheusVolumeSize('1TB')).toBe('1229Gi');
    expect(() => prometheusRetentionSize('50 GB')).toThrow('retention size "50 GB" is not a size the Prometheus operator accepts');
    expect(() => prometheusRetentionSize('50GiB')).toThrow('"50GiB"');
  });

  it("receives the workload clusters' remote writes and labels every series with the cluster", () => {
    expect(spec.enableRemoteWriteReceiver).toBe(true);
    expect(spec.remoteWrite).toBeUndefined();
    expect(spec.externalLabels).toEqual({ cluster: 'sc' });
    expect(spec.scrapeClasses).toEqual([
      { name: 'cluster', default: true, relabelings: [{ action: 'replace', targetLabel: 'cluster', replacement: 'sc' }] },
    ]);
    expect(values.defaultRules).toEqual({ create: true, additionalAggregationLabels: ['cluster', 'ck8s_tenant'] });
  });

  it('selects monitors, probes and rules in every namespace', () => {
    for (const kind of ['serviceMonitor', 'podMonitor', 'probe', 'rule']) {
      expect(spec[`${kind}SelectorNilUsesHelmValues`]).toBe(false);
      expect(spec[`${kind}Selector`]).toEqual({});
      expect(spec[`${kind}NamespaceSelector`]).toEqual({});
    }
  });

  it('routes every alert to the first receiver and reads each credential from its sops Secret through a *_file field', () => {
    const am = values.alertmanager;
    expect(am.enabled).toBe(true);
    expect(am.config.route.receiver).toBe('ops-slack');
    expect(am.config.route.group_by).toContain('cluster');
    // the always-firing Watchdog goes to the heartbeat receiver, only the InfoInhibitor helper is dropped
    expect(am.config.route.routes.map((r: K8sObject) => [r.receiver, r.matchers])).toEqual([
      ['heartbeat', ['alertname = "Watchdog"']],
      ['null', ['alertname = "InfoInhibitor"']],
    ]);
    const byName = Object.fromEntries(am.config.receivers.map((r: K8sObject) => [r.name, r]));
    expect(byName['ops-slack'].slack_configs[0]).toMatchObject({
      api_url_file: `${ALERTMANAGER_SECRETS_DIR}/alert-slack/url`,
      channel: '#platform-alerts',
    });
    expect(byName['ops-mail'].email_configs[0]).toMatchObject({
      auth_password_file: '/etc/alertmanager/secrets/alert-mail/password',
      auth_username: 'alerts',
      to: 'oncall@example.com',
      from: 'alertmanager@example.com',
      smarthost: 'smtp.example.com:587',
    });
    expect(byName['ops-pager'].pagerduty_configs[0]).toMatchObject({ routing_key_file: '/etc/alertmanager/secrets/alert-pagerduty/routing-key' });
    expect(byName['ops-hook'].webhook_configs[0]).toMatchObject({ url_file: '/etc/alertmanager/secrets/alert-webhook/url' });
    expect(am.alertmanagerSpec.secrets).toEqual(['alert-slack', 'alert-mail', 'alert-pagerduty', 'alert-webhook', 'alertmanager-heartbeat']);
  });

  it("sends the Watchdog to a dead man's switch: a webhook whose URL is a sops Secret, repeated every few minutes, never resolved", () => {
    const am = values.alertmanager;
    const route = am.config.route.routes.find((r: K8sObject) => r.receiver === 'heartbeat');
    // first, so no other route takes the Watchdog; sent at once and again every 5 minutes (dead man's switch period)
    expect(am.config.route.routes[0]).toBe(route);
    expect(route).toEqual({
      receiver: 'heartbeat',
      matchers: ['alertname = "Watchdog"'],
      group_by: ['cluster'],
      group_wait: '0s',
      group_interval: '1m',
      repeat_interval: '5m',
    });
    expect(am.config.receivers.find((r: K8sObject) => r.name === 'heartbeat')).toEqual({
      name: 'heartbeat',
      webhook_configs: [{ url_file: '/etc/alertmanager/secrets/alertmanager-heartbeat/url', send_resolved: false }],
    });
    // the URL is a credential: init writes a placeholder that never resolves, the operator sets the real one
    const secret = stack.requiredSecrets.find((s) => s.name === 'alertmanager-heartbeat')!;
    expect(secret.generate!({} as CredentialContext)).toEqual({ url: HEARTBEAT_PLACEHOLDER_URL });
    expect(new URL(HEARTBEAT_PLACEHOLDER_URL).hostname.endsWith('.invalid')).toBe(true);
  });

  it('never puts a credential into the values', () => {
    expect(
      keysOf(values.alertmanager.config).filter((k) => ['api_url', 'auth_password', 'auth_secret', 'routing_key', 'service_key', 'url'].includes(k)),
    ).toEqual([]);
    expect(keysOf(values.grafana).filter((k) => ['client_secret', 'adminPassword', 'password'].includes(k))).toEqual([]);
    expect(values.grafana.admin).toEqual({ existingSecret: 'grafana-admin', userKey: 'admin-user', passwordKey: 'admin-password' });
    expect(values.grafana.envValueFrom).toEqual({
      GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET: { secretKeyRef: { name: 'grafana-oidc', key: 'client-secret' } },
    });
  });

  it('declares every Secret it reads with the keys it needs', () => {
    expect(stack.requiredSecrets.map((s) => [`${s.namespace}/${s.name}`, s.keys])).toEqual([
      ['monitoring/alert-slack', ['url']],
      ['monitoring/alert-mail', ['password']],
      ['monitoring/alert-pagerduty', ['routing-key']],
      ['monitoring/alert-webhook', ['url']],
      ['monitoring/alertmanager-heartbeat', ['url']],
      ['monitoring/grafana-oidc', ['client-secret']],
      ['monitoring/grafana-admin', ['admin-user', 'admin-password']],
      ['monitoring/prometheus-basic-auth', ['htpasswd']],
      ['monitoring/alertmanager-basic-auth', ['htpasswd']],
    ]);
  });

  it('guards Prometheus and Alertmanager with basic auth, starting without clients, to which onboarding adds each cluster', () => {
    const basicAuth = stack.requiredSecrets.filter((s) => s.name.endsWith('-basic-auth'));
    for (const s of basicAuth) expect(s.generate!({} as CredentialContext)).toEqual({ htpasswd: NO_CLIENTS_YET });
    // the only type and key the F5 NGINX Ingress Controller reads basic auth from
    expect(basicAuth.map((s) => s.type)).toEqual(['nginx.org/htpasswd', 'nginx.org/htpasswd']);
    expect(stack.requiredSecrets.filter((s) => !s.name.endsWith('-basic-auth')).map((s) => s.type)).toEqual(
      stack.requiredSecrets.filter((s) => !s.name.endsWith('-basic-auth')).map(() => undefined),
    );
    expect(stack.accountSinks.map((a) => [a.kind, `${a.namespace}/${a.secret}`, a.key])).toEqual([
      ['metrics-writer', 'monitoring/prometheus-basic-auth', 'htpasswd'],
      ['alert-sender', 'monitoring/alertmanager-basic-auth', 'htpasswd'],
    ]);
    const context = { upsertHtpasswd: (text: string, user: string, password: string) => `${text}${user}:${password}\n` } as Pick<
      CredentialContext,
      'bcrypt' | 'htpasswd' | 'upsertHtpasswd'
    >;
    expect(
      stack.accountSinks[0]!.add(
        NO_CLIENTS_YET,
        [
          { user: 'prometheus-wc', password: 'p1' },
          { user: 'prometheus-wc2', password: 'p2' },
        ],
        context,
      ),
    ).toBe(`${NO_CLIENTS_YET}prometheus-wc:p1\nprometheus-wc2:p2\n`);
  });

  it('declares a Secret shared by two receivers once, with both keys', () => {
    const shared = serverProps({
      receivers: [
        { name: 'chat', type: 'slack', secret: 'alerting' },
        { name: 'pager', type: 'pagerduty', secret: 'alerting' },
      ],
    });
    const { stack: s, values: v } = synth(shared);
    expect(s.requiredSecrets.filter((r) => r.name === 'alerting').map((r) => r.keys)).toEqual([['url', 'routing-key']]);
    expect(v.alertmanager.alertmanagerSpec.secrets).toEqual(['alerting', 'alertmanager-heartbeat']);
  });

  it('needs a receiver: Alertmanager sends every alert to the first one', () => {
    // the rest of the receivers' checks (unique names, not "null", complete e-mail fields) happen when cluster.yaml is loaded
    expect(() => synth(serverProps({ receivers: [] }))).toThrow(
      'alertmanager: at least one receiver is needed; Alertmanager sends every alert to the first one',
    );
  });

  it('logs people into Grafana through the identity provider: operators as Admin, whoever no group maps is refused', () => {
    const g = values.grafana;
    expect(g.enabled).toBe(true);
    expect(g['grafana.ini']['auth.generic_oauth']).toMatchObject({
      enabled: true,
      client_id: 'grafana',
      auth_url: 'https://dex.sc.example.com/auth',
      token_url: 'https://dex.sc.example.com/token',
      api_url: 'https://dex.sc.example.com/userinfo',
      role_attribute_path: "(contains(groups[*], 'platform-operators') || contains(groups[*], 'sre')) && 'Admin' || ''",
      org_attribute_path: 'groups',
      org_mapping: 'platform-operators:1:Admin sre:1:Admin',
      role_attribute_strict: true,
    });
    expect(g['grafana.ini'].server.root_url).toBe('https://grafana.sc.example.com');
    expect(grafanaRoleAttributePath([])).toBe("''");
    expect(grafanaRoleAttributePath(["o'neil"])).toBe("(contains(groups[*], 'o\\'neil')) && 'Admin' || ''");
  });

  it('loads dashboards from labelled ConfigMaps in every namespace', () => {
    expect(values.grafana.sidecar.dashboards).toEqual({
      enabled: true,
      label: 'grafana_dashboard',
      labelValue: '1',
      searchNamespace: 'ALL',
      multicluster: { global: { enabled: true } },
    });
  });

  it('declares the endpoints it serves, without creating Ingresses, and Grafana as a client of the identity provider', () => {
    const pods = (name: string) => ({ name, namespace: 'monitoring', labels: { 'app.kubernetes.io/name': name } });
    expect(stack.endpoints).toEqual([
      {
        name: 'grafana',
        host: 'grafana.sc.example.com',
        pods: pods('grafana'),
        service: { name: 'kube-prometheus-stack-grafana', port: 80 },
        targetPort: 3000,
      },
      {
        name: 'prometheus',
        host: 'prometheus.sc.example.com',
        pods: pods('prometheus'),
        service: { name: 'kube-prometheus-stack-prometheus', port: 9090 },
        targetPort: 9090,
        basicAuthSecret: 'prometheus-basic-auth',
      },
      {
        name: 'alertmanager',
        host: 'alertmanager.sc.example.com',
        pods: pods('alertmanager'),
        service: { name: 'kube-prometheus-stack-alertmanager', port: 9093 },
        targetPort: 9093,
        basicAuthSecret: 'alertmanager-basic-auth',
      },
    ]);
    expect(objects.filter((o) => o.kind === 'Ingress' || o.kind === 'Certificate')).toEqual([]);
    expect(stack.oidcClients).toEqual([{ id: 'grafana', name: 'Grafana', redirectURIs: ['https://grafana.sc.example.com/login/generic_oauth'] }]);
  });

  it('lets exactly the described flows through', () => {
    expect(flows(objects, { namespaces: true })).toEqual([
      'monitoring allow-admission-create-to-api-server: app=kube-prometheus-stack-admission-create -> 10.0.0.1/32 :6443',
      'monitoring allow-admission-patch-to-api-server: app=kube-prometheus-stack-admission-patch -> 10.0.0.1/32 :6443',
      'monitoring allow-admission-webhook-from-api-server: app=kube-prometheus-stack-operator <- 10.0.0.1/32 :10250',
      'monitoring allow-alertmanager-from-grafana: name=alertmanager <- monitoring[name=grafana] :9093',
      'monitoring allow-alertmanager-from-ingress-controller: name=alertmanager <- ingress-nginx[instance=nginx-ingress,name=nginx-ingress] :9093',
      'monitoring allow-alertmanager-to-receivers: name=alertmanager -> 0.0.0.0/0 ::/0 :443,587',
      'monitoring allow-dns-egress: * -> kube-system[k8s-app=kube-dns] :53/UDP,53',
      'monitoring allow-from-prometheus: * <- monitoring[name=prometheus] :3000,8080,9090,9093,10250',
      'monitoring allow-grafana-from-ingress-controller: name=grafana <- ingress-nginx[instance=nginx-ingress,name=nginx-ingress] :3000',
      'monitoring allow-grafana-to-alertmanager: name=grafana -> monitoring[name=alertmanager] :9093',
      'monitoring allow-grafana-to-api-server: name=grafana -> 10.0.0.1/32 :6443',
      'monitoring allow-grafana-to-identity-provider: name=grafana -> ingress-nginx[instance=nginx-ingress,name=nginx-ingress] 192.0.2.10/32 :443',
      'monitoring allow-grafana-to-prometheus: name=grafana -> monitoring[name=prometheus] :9090',
      'monitoring allow-kube-state-metrics-to-api-server: name=kube-state-metrics -> 10.0.0.1/32 :6443',
      'monitoring allow-operator-to-api-server: app=kube-prometheus-stack-operator -> 10.0.0.1/32 :6443',
      'monitoring allow-prometheus-from-grafana: name=prometheus <- monitoring[name=grafana] :9090',
      'monitoring allow-prometheus-from-ingress-controller: name=prometheus <- ingress-nginx[instance=nginx-ingress,name=nginx-ingress] :9090',
      'monitoring allow-prometheus-to-api-server: name=prometheus -> 10.0.0.1/32 :6443',
      'monitoring allow-prometheus-to-coredns: name=prometheus -> kube-system[k8s-app=kube-dns] :9153',
      // every namespace with a declared metrics endpoint, on exactly the declared ports
      'monitoring allow-prometheus-to-exporter: name=prometheus -> exporter[*] :9402',
      'monitoring allow-prometheus-to-monitoring: name=prometheus -> monitoring[*] :3000,8080,9090,9093,10250',
      'monitoring allow-prometheus-to-node-exporter: name=prometheus -> node-exporter[*] :9100',
      'monitoring allow-prometheus-to-nodes: name=prometheus -> 0.0.0.0/0 ::/0 :9100,10250',
      'monitoring default-deny: * deny ingress+egress',
      'node-exporter allow-dns-egress: * -> kube-system[k8s-app=kube-dns] :53/UDP,53',
      'node-exporter allow-metrics-from-prometheus: name=prometheus-node-exporter <- monitoring[name=prometheus] :9100',
      'node-exporter default-deny: * deny ingress+egress',
    ]);
  });

  it("plays the cluster's scraper: other components' metrics endpoints are opened to exactly its pods", () => {
    expect(stack.roles.get('scraper')).toEqual({ name: 'prometheus', namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } });
    const app = testApp();
    new MetricsStack(app, 'kube-prometheus-stack', serverProps());
    const exporter = new Exporter(app);
    connect(app, { roles: ['ingress-controller'] });
    expect(flows(exporter.toJson(), { namespaces: true })).toContain(
      'exporter allow-metrics-from-prometheus: name=exporter <- monitoring[name=prometheus] :9402',
    );
  });
});

describe('MetricsStack in a workload cluster', () => {
  const { stack, objects, values } = synth(workloadProps);
  const spec = values.prometheus.prometheusSpec;

  it("runs Prometheus (not in agent mode) keeping a day, with the tenants' Alertmanager, no Grafana and none of the platform's rules", () => {
    expect(values.prometheus).toMatchObject({ enabled: true, agentMode: false });
    expect(values.grafana).toEqual({ enabled: false });
    expect(values.defaultRules).toEqual({ create: false });
    expect(spec.retention).toBe('1d');
    expect(spec.storageSpec).toBeUndefined();
    expect(spec.enableRemoteWriteReceiver).toBeUndefined();
    expect(stack.endpoints).toEqual([]);
  });

  it("evaluates only the tenants' rules, with the namespace label enforced on everything but the platform's own monitors", () => {
    expect(spec.ruleSelector).toEqual({});
    expect(spec.ruleNamespaceSelector).toEqual({ matchExpressions: [{ key: 'platform.ck8s.io/tenant', operator: 'Exists' }] });
    expect(spec.enforcedNamespaceLabel).toBe('namespace');
    expect(spec.excludedFromEnforcement).toEqual(
      ['servicemonitors', 'podmonitors', 'probes', 'prometheusrules'].map((resource) => ({
        group: 'monitoring.coreos.com',
        resource,
        namespace: 'monitoring',
      })),
    );
    // nothing in a tenant namespace is excluded
    expect(JSON.stringify(spec.excludedFromEnforcement)).not.toMatch(/team-/);
  });

  it("sends the tenants' alerts only through their own AlertmanagerConfigs, each matched to its namespace, and drops the rest", () => {
    const am = values.alertmanager;
    expect(am.enabled).toBe(true);
    expect(am.config.route).toMatchObject({ receiver: 'null' });
    expect(am.config.route.routes).toBeUndefined();
    expect(am.config.receivers).toEqual([{ name: 'null' }]);
    expect(am.alertmanagerSpec).toMatchObject({
      alertmanagerConfigSelector: {},
      alertmanagerConfigNamespaceSelector: { matchExpressions: [{ key: 'platform.ck8s.io/tenant', operator: 'Exists' }] },
      alertmanagerConfigMatcherStrategy: { type: 'OnNamespace' },
      secrets: [],
    });
  });

  it("writes to the service cluster's remote-write endpoint with the credentials of a declared sops Secret", () => {
    expect(spec.remoteWrite).toEqual([
      {
        url: 'https://prometheus.sc.example.com/api/v1/write',
        // no tenant namespaces in these props: a tenant label a series came with is dropped all the same
        writeRelabelConfigs: [{ action: 'labeldrop', regex: 'ck8s_tenant' }],
        basicAuth: { username: { name: 'prometheus-remote-write', key: 'username' }, password: { name: 'prometheus-remote-write', key: 'password' } },
      },
    ]);
    expect(stack.requiredSecrets).toEqual([
      expect.objectContaining({ namespace: 'monitoring', name: 'prometheus-remote-write', keys: ['username', 'password'] }),
    ]);
    // onboarding fills it with the cluster's metrics-writer account, the user the service cluster's htpasswd lists
    const account = (kind: string, user: string): string => `password of ${kind} ${user}`;
    expect(stack.requiredSecrets[0]!.generate!({ account } as CredentialContext)).toEqual({
      username: 'prometheus-wc',
      password: 'password of metrics-writer prometheus-wc',
    });
    expect(spec.externalLabels).toEqual({ cluster: 'wc' });
  });

  it("accepts the tenants' ServiceMonitors and PodMonitors from their namespaces", () => {
    for (const kind of ['serviceMonitor', 'podMonitor']) {
      expect(spec[`${kind}SelectorNilUsesHelmValues`]).toBe(false);
      expect(spec[`${kind}Selector`]).toEqual({});
      expect(spec[`${kind}NamespaceSelector`]).toEqual({});
    }
  });

  it('needs the addresses of the service cluster and the API server', () => {
    expect(() => synth(workloadProps, { serviceClusterCidrs: [] })).toThrow(ConfigError);
    expect(() => synth(workloadProps, { serviceClusterCidrs: [] })).toThrow(
      /^clusters\/test\/cluster\.yaml: network\.serviceClusterCidrs: is required: kube-prometheus-stack sends to the service cluster's ingress \(its addresses\)/,
    );
    expect(() => synth(workloadProps, { apiServer: undefined })).toThrow(
      /clusters\/test\/cluster\.yaml: network\.apiServer: is required: kube-prometheus-stack must reach the Kubernetes API server/,
    );
  });

  it('lets exactly the described flows through', () => {
    const workload = flows(objects, { namespaces: true });
    expect(workload).toEqual([
      'monitoring allow-admission-create-to-api-server: app=kube-prometheus-stack-admission-create -> 10.0.0.1/32 :6443',
      'monitoring allow-admission-patch-to-api-server: app=kube-prometheus-stack-admission-patch -> 10.0.0.1/32 :6443',
      'monitoring allow-admission-webhook-from-api-server: app=kube-prometheus-stack-operator <- 10.0.0.1/32 :10250',
      'monitoring allow-alertmanager-to-receivers: name=alertmanager -> 0.0.0.0/0 ::/0 :443,587',
      'monitoring allow-dns-egress: * -> kube-system[k8s-app=kube-dns] :53/UDP,53',
      'monitoring allow-from-prometheus: * <- monitoring[name=prometheus] :8080,9090,9093,10250',
      'monitoring allow-kube-state-metrics-to-api-server: name=kube-state-metrics -> 10.0.0.1/32 :6443',
      'monitoring allow-operator-to-api-server: app=kube-prometheus-stack-operator -> 10.0.0.1/32 :6443',
      'monitoring allow-prometheus-to-api-server: name=prometheus -> 10.0.0.1/32 :6443',
      'monitoring allow-prometheus-to-coredns: name=prometheus -> kube-system[k8s-app=kube-dns] :9153',
      'monitoring allow-prometheus-to-exporter: name=prometheus -> exporter[*] :9402',
      'monitoring allow-prometheus-to-monitoring: name=prometheus -> monitoring[*] :8080,9090,9093,10250',
      'monitoring allow-prometheus-to-node-exporter: name=prometheus -> node-exporter[*] :9100',
      'monitoring allow-prometheus-to-nodes: name=prometheus -> 0.0.0.0/0 ::/0 :9100,10250',
      'monitoring allow-prometheus-to-service-cluster: name=prometheus -> 192.0.2.10/32 :443',
      'monitoring allow-prometheus-to-team-a: name=prometheus -> team-a[*] :8081,9090',
      'monitoring default-deny: * deny ingress+egress',
      'node-exporter allow-dns-egress: * -> kube-system[k8s-app=kube-dns] :53/UDP,53',
      'node-exporter allow-metrics-from-prometheus: name=prometheus-node-exporter <- monitoring[name=prometheus] :9100',
      'node-exporter default-deny: * deny ingress+egress',
    ]);
    // nothing comes in from outside the cluster, and team-b declared no metrics port
    expect(workload.join('\n')).not.toMatch(/ingress-controller|team-b/);
  });
});

describe('MetricsStack in both profiles', () => {
  for (const props of [serverProps(), workloadProps]) {
    const { objects, values } = synth(props);
    const profile = props.mode === 'server' ? 'service' : 'workload';

    it(`${profile}: collects CPU, memory, disk and network I/O per pod and node`, () => {
      expect(values.kubelet).toEqual({ enabled: true, serviceMonitor: { kubelet: true, cAdvisor: true, probes: true } });
      expect(values.nodeExporter).toEqual({ enabled: true });
      expect(values.kubeStateMetrics).toEqual({ enabled: true });
      // node-exporter's default collectors (cpu, meminfo, diskstats, netdev, filesystem) stay on
      expect(JSON.stringify(values['prometheus-node-exporter'])).not.toContain('--no-collector');
      expect(COLLECTED_METRICS).toMatchObject({
        podCpu: 'container_cpu_usage_seconds_total',
        nodeDiskRead: 'node_disk_read_bytes_total',
        podNetworkReceive: 'container_network_receive_bytes_total',
      });
    });

    it(`${profile}: derives Flux readiness, and Argo CD Applications' revision, from kube-state-metrics`, () => {
      const ksm = values['kube-state-metrics'];
      expect(ksm.customResourceState.enabled).toBe(true);
      const resources: K8sObject[] = ksm.customResourceState.config.spec.resources;
      const flux = resources.filter((r) => r.groupVersionKind.group !== 'argoproj.io');
      const kinds = flux.map((r: K8sObject) => r.groupVersionKind.kind);
      expect(kinds).toEqual(['GitRepository', 'HelmRepository', 'OCIRepository', 'Kustomization', 'HelmRelease']);
      for (const r of flux) expect(`${r.metricNamePrefix}_${r.metrics[0].name}`).toBe(FLUX_RESOURCE_INFO);
      // Argo CD's own argocd_app_info has no revision: kube-state-metrics reads the Application's
      const argo = resources.filter((r) => r.groupVersionKind.group === 'argoproj.io');
      expect(argo.map((r) => `${r.groupVersionKind.version}/${r.groupVersionKind.kind}`)).toEqual(['v1alpha1/Application']);
      expect(`${argo[0]!.metricNamePrefix}_${argo[0]!.metrics[0].name}`).toBe(ARGOCD_APPLICATION_REVISION);
      expect(argo[0]!.metrics[0].labelsFromPath.revision).toEqual(['status', 'sync', 'revision']);
      expect(ksm.rbac.extraRules).toContainEqual({ apiGroups: ['argoproj.io'], resources: ['applications'], verbs: ['list', 'watch'] });
      // the revision each object fetched or applied, read where each kind's status keeps it
      const revisions = Object.fromEntries(flux.map((r: K8sObject) => [r.groupVersionKind.kind, r.metrics[0].labelsFromPath.revision]));
      expect(revisions).toEqual({
        GitRepository: ['status', 'artifact', 'revision'],
        HelmRepository: ['status', 'artifact', 'revision'],
        OCIRepository: ['status', 'artifact', 'revision'],
        Kustomization: ['status', 'lastAppliedRevision'],
        HelmRelease: ['status', 'lastAttemptedRevision'],
      });
      expect(ksm.rbac.extraRules.flatMap((r: K8sObject) => r.verbs)).toEqual(['list', 'watch', 'list', 'watch', 'list', 'watch', 'list', 'watch']);
    });

    it(`${profile}: runs node-exporter in its own namespace, the documented privileged exception`, () => {
      expect(values['prometheus-node-exporter']).toMatchObject({
        namespaceOverride: 'node-exporter',
        hostNetwork: true,
        hostPID: true,
        hostRootFsMount: { enabled: true },
      });
      const ns = find(objects, 'Namespace', 'node-exporter');
      expect(ns.metadata.labels).toMatchObject({
        'pod-security.kubernetes.io/enforce': 'privileged',
        'pod-security.kubernetes.io/enforce-version': 'v1.33',
        'pod-security.kubernetes.io/warn': 'restricted',
      });
      expect(ns.metadata.annotations![POD_SECURITY_EXCEPTION_ANNOTATION]).toBe(NODE_EXPORTER_POD_SECURITY_EXCEPTION);
      const monitoring = find(objects, 'Namespace', 'monitoring');
      expect(monitoring.metadata.labels!['pod-security.kubernetes.io/enforce']).toBe('restricted');
      expect(monitoring.metadata.annotations).toBeUndefined();
    });

    it(`${profile}: gives every other workload a restricted security context`, () => {
      const contexts = [
        values.prometheus.prometheusSpec.securityContext,
        values.prometheusOperator.securityContext,
        values['kube-state-metrics'].securityContext,
        values['prometheus-node-exporter'].securityContext,
        ...(props.mode === 'server' ? [values.alertmanager.alertmanagerSpec.securityContext, values.grafana.securityContext] : []),
      ];
      for (const c of contexts) expect(c).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      const containers = [
        values.prometheusOperator.containerSecurityContext,
        values['kube-state-metrics'].containerSecurityContext,
        values['prometheus-node-exporter'].containerSecurityContext,
        ...(props.mode === 'server' ? [values.grafana.containerSecurityContext, values.grafana.sidecar.securityContext] : []),
      ];
      for (const c of containers) expect(c).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    });
  }
});
