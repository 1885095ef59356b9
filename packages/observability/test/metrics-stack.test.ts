import { ConfigError, type Fleet, PLATFORM_NAMESPACES, POD_SECURITY_EXCEPTION_ANNOTATION } from '@ck8s/core';
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  ALERTMANAGER_SECRETS_DIR,
  COLLECTED_METRICS,
  FLUX_RESOURCE_INFO,
  grafanaRoleAttributePath,
  MetricsStack,
  NODE_EXPORTER_POD_SECURITY_EXCEPTION,
  prometheusRetentionSize,
  prometheusVolumeSize,
  SCRAPED_PLATFORM_NAMESPACES,
} from '../src/index.js';
import { catalog, config, find, fleet, flows, type Manifest, network, receivers, sc, wc } from './fixtures.js';

/** Every key of a nested object, at any depth. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]);
}

/** Every platform namespace but monitoring, then Flux's and node-exporter's, as the flows show them. */
const scraped = [...Object.values(PLATFORM_NAMESPACES).filter((ns) => ns !== 'monitoring'), 'flux-system', 'node-exporter'].map((ns) => `${ns}[*]`).join(' ');

function synth(cluster = sc, f: Fleet = fleet): { stack: MetricsStack; objects: Manifest[]; values: any } {
  const stack = new MetricsStack(new App(), 'kube-prometheus-stack', { cluster, fleet: f, catalog, podSecurityVersion: 'v1.33' });
  const objects = stack.toJson() as Manifest[];
  return { stack, objects, values: find(objects, 'HelmRelease', 'kube-prometheus-stack').spec.values };
}

describe('MetricsStack in a service cluster', () => {
  const { stack, objects, values } = synth();
  const spec = values.prometheus.prometheusSpec;

  it('deploys the pinned kube-prometheus-stack from its OCI repository', () => {
    expect(find(objects, 'OCIRepository', 'kube-prometheus-stack').spec).toMatchObject({ url: 'oci://ghcr.io/prometheus-community/charts/kube-prometheus-stack', ref: { tag: '72.6.2' } });
    expect(stack.outputFile).toBe('controllers/kube-prometheus-stack.yaml');
  });

  it('keeps 30 days or 50GB of metrics by default, whichever is reached first, on a volume with headroom', () => {
    expect(spec).toMatchObject({ retention: '30d', retentionSize: '50GB' });
    expect(spec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage).toBe('60Gi');
    expect(values.prometheus.agentMode).toBe(false);
  });

  it('takes retention from cluster.yaml', () => {
    const custom = config({ name: 'sc', profile: 'service', domain: 'sc.example.com', network, observability: { receivers, retentionTime: '90d', retentionSize: '200GB' } });
    const s = synth(custom).values.prometheus.prometheusSpec;
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

  it('receives the workload clusters\' remote writes and labels every series with the cluster', () => {
    expect(spec.enableRemoteWriteReceiver).toBe(true);
    expect(spec.remoteWrite).toBeUndefined();
    expect(spec.externalLabels).toEqual({ cluster: 'sc' });
    expect(spec.scrapeClasses).toEqual([{ name: 'cluster', default: true, relabelings: [{ action: 'replace', targetLabel: 'cluster', replacement: 'sc' }] }]);
    expect(values.defaultRules).toEqual({ create: true, additionalAggregationLabels: ['cluster'] });
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
    // only the always-firing heartbeat is dropped
    expect(am.config.route.routes).toEqual([{ receiver: 'null', matchers: ['alertname =~ "Watchdog|InfoInhibitor"'] }]);
    const byName = Object.fromEntries(am.config.receivers.map((r: any) => [r.name, r]));
    expect(byName['ops-slack'].slack_configs[0]).toMatchObject({ api_url_file: `${ALERTMANAGER_SECRETS_DIR}/alert-slack/url`, channel: '#platform-alerts' });
    expect(byName['ops-mail'].email_configs[0]).toMatchObject({
      auth_password_file: '/etc/alertmanager/secrets/alert-mail/password',
      auth_username: 'alerts',
      to: 'oncall@example.com',
      from: 'alertmanager@example.com',
      smarthost: 'smtp.example.com:587',
    });
    expect(byName['ops-pager'].pagerduty_configs[0]).toMatchObject({ routing_key_file: '/etc/alertmanager/secrets/alert-pagerduty/routing-key' });
    expect(byName['ops-hook'].webhook_configs[0]).toMatchObject({ url_file: '/etc/alertmanager/secrets/alert-webhook/url' });
    expect(am.alertmanagerSpec.secrets).toEqual(['alert-slack', 'alert-mail', 'alert-pagerduty', 'alert-webhook']);
  });

  it('never puts a credential into the values', () => {
    expect(keysOf(values.alertmanager.config).filter((k) => ['api_url', 'auth_password', 'auth_secret', 'routing_key', 'service_key', 'url'].includes(k))).toEqual([]);
    expect(keysOf(values.grafana).filter((k) => ['client_secret', 'adminPassword', 'password'].includes(k))).toEqual([]);
    expect(values.grafana.admin).toEqual({ existingSecret: 'grafana-admin', userKey: 'admin-user', passwordKey: 'admin-password' });
    expect(values.grafana.envValueFrom).toEqual({ GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET: { secretKeyRef: { name: 'grafana-oidc', key: 'client-secret' } } });
  });

  it('declares every Secret it reads with the keys it needs', () => {
    expect(stack.requiredSecrets.map((s) => [`${s.namespace}/${s.name}`, s.keys])).toEqual([
      ['monitoring/alert-slack', ['url']],
      ['monitoring/alert-mail', ['password']],
      ['monitoring/alert-pagerduty', ['routing-key']],
      ['monitoring/alert-webhook', ['url']],
      ['monitoring/grafana-oidc', ['client-secret']],
      ['monitoring/grafana-admin', ['admin-user', 'admin-password']],
    ]);
  });

  it('declares a Secret shared by two receivers once, with both keys', () => {
    const shared = config({
      name: 'sc',
      profile: 'service',
      domain: 'sc.example.com',
      network,
      observability: { receivers: [{ name: 'chat', type: 'slack', secret: 'alerting' }, { name: 'pager', type: 'pagerduty', secret: 'alerting' }] },
    });
    const { stack: s, values: v } = synth(shared);
    expect(s.requiredSecrets.filter((r) => r.name === 'alerting').map((r) => r.keys)).toEqual([['url', 'routing-key']]);
    expect(v.alertmanager.alertmanagerSpec.secrets).toEqual(['alerting']);
  });

  it('needs a receiver, and complete e-mail receivers with unique names', () => {
    const none = config({ name: 'sc', profile: 'service', domain: 'sc.example.com', network });
    expect(() => synth(none)).toThrow(ConfigError);
    expect(() => synth(none)).toThrow(/clusters\/sc\/cluster\.yaml: observability\.receivers: is empty; a service cluster needs at least one receiver/);
    const bad = config({
      name: 'sc',
      profile: 'service',
      domain: 'sc.example.com',
      network,
      observability: { receivers: [{ name: 'mail', type: 'email', secret: 'm', to: 'a@example.com' }, { name: 'mail', type: 'webhook', secret: 'w' }, { name: 'null', type: 'webhook', secret: 'w' }] },
    });
    try {
      synth(bad);
      expect.unreachable();
    } catch (e) {
      expect((e as ConfigError).problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
        'observability.receivers[0].from: is required for an email receiver ("mail")',
        'observability.receivers[0].smarthost: is required for an email receiver ("mail")',
        'observability.receivers[1].name: "mail" is used by an earlier receiver; receiver names must be unique',
        'observability.receivers[2].name: "null" is reserved for the receiver that drops the Watchdog heartbeat; choose another name',
      ]);
    }
  });

  it('logs people into Grafana through the identity provider: operators as Admin, everyone else as Viewer', () => {
    const g = values.grafana;
    expect(g.enabled).toBe(true);
    expect(g['grafana.ini']['auth.generic_oauth']).toMatchObject({
      enabled: true,
      client_id: 'grafana',
      auth_url: 'https://dex.sc.example.com/auth',
      token_url: 'https://dex.sc.example.com/token',
      api_url: 'https://dex.sc.example.com/userinfo',
      role_attribute_path: "(contains(groups[*], 'platform-operators') || contains(groups[*], 'sre')) && 'Admin' || 'Viewer'",
    });
    expect(g['grafana.ini'].server.root_url).toBe('https://grafana.sc.example.com');
    expect(grafanaRoleAttributePath([])).toBe("'Viewer'");
    expect(grafanaRoleAttributePath(["o'neil"])).toBe("(contains(groups[*], 'o\\'neil')) && 'Admin' || 'Viewer'");
  });

  it('loads dashboards from labelled ConfigMaps in every namespace', () => {
    expect(values.grafana.sidecar.dashboards).toEqual({ enabled: true, label: 'grafana_dashboard', labelValue: '1', searchNamespace: 'ALL', multicluster: { global: { enabled: true } } });
  });

  it('exports the endpoints it serves without creating Ingresses', () => {
    expect(stack.endpoints).toEqual([
      { name: 'grafana', host: 'grafana.sc.example.com', namespace: 'monitoring', service: 'kube-prometheus-stack-grafana', port: 80 },
      { name: 'prometheus', host: 'prometheus.sc.example.com', namespace: 'monitoring', service: 'kube-prometheus-stack-prometheus', port: 9090 },
      { name: 'alertmanager', host: 'alertmanager.sc.example.com', namespace: 'monitoring', service: 'kube-prometheus-stack-alertmanager', port: 9093 },
    ]);
    expect(objects.filter((o) => o.kind === 'Ingress')).toEqual([]);
  });

  it('lets exactly the described flows through', () => {
    expect(SCRAPED_PLATFORM_NAMESPACES).toEqual(expect.arrayContaining(['ingress-nginx', 'cert-manager', 'falco', 'logging', 'velero', 'flux-system', 'node-exporter']));
    expect(SCRAPED_PLATFORM_NAMESPACES).not.toContain('monitoring');
    expect(flows(objects)).toEqual([
      'monitoring allow-admission-create-to-api-server: app=kube-prometheus-stack-admission-create -> 10.0.0.1/32 :6443',
      'monitoring allow-admission-patch-to-api-server: app=kube-prometheus-stack-admission-patch -> 10.0.0.1/32 :6443',
      'monitoring allow-admission-webhook-from-api-server: app=kube-prometheus-stack-operator <- 10.0.0.1/32 :10250',
      'monitoring allow-alertmanager-from-grafana: name=alertmanager <- monitoring[name=grafana] :9093',
      'monitoring allow-alertmanager-from-ingress-controller: name=alertmanager <- ingress-nginx[component=controller,name=ingress-nginx] :9093',
      'monitoring allow-alertmanager-to-receivers: name=alertmanager -> 0.0.0.0/0 ::/0 :443,587',
      'monitoring allow-dns-egress: * -> kube-system[k8s-app=kube-dns] :53/UDP,53',
      'monitoring allow-grafana-from-ingress-controller: name=grafana <- ingress-nginx[component=controller,name=ingress-nginx] :3000',
      'monitoring allow-grafana-to-api-server: name=grafana -> 10.0.0.1/32 :6443',
      'monitoring allow-grafana-to-identity-provider: name=grafana -> ingress-nginx[component=controller,name=ingress-nginx] 192.0.2.10/32 :443',
      'monitoring allow-grafana-to-prometheus-and-alertmanager: name=grafana -> monitoring[name=prometheus] monitoring[name=alertmanager] :9090,9093',
      'monitoring allow-kube-state-metrics-to-api-server: name=kube-state-metrics -> 10.0.0.1/32 :6443',
      'monitoring allow-operator-to-api-server: app=kube-prometheus-stack-operator -> 10.0.0.1/32 :6443',
      'monitoring allow-prometheus-from-grafana: name=prometheus <- monitoring[name=grafana] :9090',
      'monitoring allow-prometheus-from-ingress-controller: name=prometheus <- ingress-nginx[component=controller,name=ingress-nginx] :9090',
      'monitoring allow-prometheus-to-api-server: name=prometheus -> 10.0.0.1/32 :6443',
      'monitoring allow-prometheus-to-coredns: name=prometheus -> kube-system[k8s-app=kube-dns] :9153',
      'monitoring allow-prometheus-to-monitoring: name=prometheus -> monitoring[*] :3000,8080,9090,9093,10250',
      'monitoring allow-prometheus-to-nodes: name=prometheus -> 0.0.0.0/0 ::/0 :9100,10250',
      `monitoring allow-prometheus-to-platform-metrics: name=prometheus -> ${scraped} :2020,8080,8085,8765,9090,9100,9402,10254`,
      'monitoring allow-scrape-from-prometheus: * <- monitoring[name=prometheus] :3000,8080,9090,9093,10250',
      'monitoring default-deny: * deny ingress+egress',
      'node-exporter allow-dns-egress: * -> kube-system[k8s-app=kube-dns] :53/UDP,53',
      'node-exporter allow-metrics-from-prometheus: name=prometheus-node-exporter <- monitoring[name=prometheus] :9100',
      'node-exporter default-deny: * deny ingress+egress',
    ]);
  });
});

describe('MetricsStack in a workload cluster', () => {
  const { stack, objects, values } = synth(wc);
  const spec = values.prometheus.prometheusSpec;

  it('runs Prometheus in agent mode, without Alertmanager, Grafana or rules', () => {
    expect(values.prometheus).toMatchObject({ enabled: true, agentMode: true });
    expect(values.alertmanager).toEqual({ enabled: false });
    expect(values.grafana).toEqual({ enabled: false });
    expect(values.defaultRules).toEqual({ create: false });
    expect(spec.retention).toBeUndefined();
    expect(spec.enableRemoteWriteReceiver).toBeUndefined();
    expect(stack.endpoints).toEqual([]);
  });

  it("writes to the service cluster's remote-write endpoint with the credentials of a declared sops Secret", () => {
    expect(spec.remoteWrite).toEqual([
      {
        url: 'https://prometheus.sc.example.com/api/v1/write',
        basicAuth: { username: { name: 'prometheus-remote-write', key: 'username' }, password: { name: 'prometheus-remote-write', key: 'password' } },
      },
    ]);
    expect(stack.requiredSecrets).toEqual([expect.objectContaining({ namespace: 'monitoring', name: 'prometheus-remote-write', keys: ['username', 'password'] })]);
    expect(spec.externalLabels).toEqual({ cluster: 'wc' });
  });

  it("accepts the tenants' ServiceMonitors and PodMonitors from their namespaces", () => {
    for (const kind of ['serviceMonitor', 'podMonitor']) {
      expect(spec[`${kind}SelectorNilUsesHelmValues`]).toBe(false);
      expect(spec[`${kind}Selector`]).toEqual({});
      expect(spec[`${kind}NamespaceSelector`]).toEqual({});
    }
  });

  it('needs the service cluster in the fleet and its addresses', () => {
    expect(() => synth(wc, { clusters: new Map([['wc', wc]]) })).toThrow('cluster wc: service cluster "sc" is not in this repository');
    const noCidrs = config({ name: 'wc', profile: 'workload', domain: 'wc.example.com', serviceCluster: 'sc', network: { apiServer: { cidrs: ['10.0.0.1/32'] } } });
    expect(() => synth(noCidrs)).toThrow(/network\.serviceClusterCidrs: is required: Prometheus remote write sends to the service cluster/);
    const noApi = config({ name: 'wc', profile: 'workload', domain: 'wc.example.com', serviceCluster: 'sc' });
    expect(() => synth(noApi)).toThrow(/network\.apiServer: is required: Prometheus must reach the Kubernetes API server/);
  });

  it('lets exactly the described flows through', () => {
    const workload = flows(objects);
    expect(workload).toEqual([
      'monitoring allow-admission-create-to-api-server: app=kube-prometheus-stack-admission-create -> 10.0.0.1/32 :6443',
      'monitoring allow-admission-patch-to-api-server: app=kube-prometheus-stack-admission-patch -> 10.0.0.1/32 :6443',
      'monitoring allow-admission-webhook-from-api-server: app=kube-prometheus-stack-operator <- 10.0.0.1/32 :10250',
      'monitoring allow-dns-egress: * -> kube-system[k8s-app=kube-dns] :53/UDP,53',
      'monitoring allow-kube-state-metrics-to-api-server: name=kube-state-metrics -> 10.0.0.1/32 :6443',
      'monitoring allow-operator-to-api-server: app=kube-prometheus-stack-operator -> 10.0.0.1/32 :6443',
      'monitoring allow-prometheus-to-api-server: name=prometheus-agent -> 10.0.0.1/32 :6443',
      'monitoring allow-prometheus-to-coredns: name=prometheus-agent -> kube-system[k8s-app=kube-dns] :9153',
      'monitoring allow-prometheus-to-monitoring: name=prometheus-agent -> monitoring[*] :3000,8080,9090,9093,10250',
      'monitoring allow-prometheus-to-nodes: name=prometheus-agent -> 0.0.0.0/0 ::/0 :9100,10250',
      `monitoring allow-prometheus-to-platform-metrics: name=prometheus-agent -> ${scraped} :2020,8080,8085,8765,9090,9100,9402,10254`,
      'monitoring allow-prometheus-to-service-cluster: name=prometheus-agent -> 192.0.2.10/32 :443',
      'monitoring allow-prometheus-to-team-a: name=prometheus-agent -> team-a[*] :9090,8081',
      'monitoring allow-scrape-from-prometheus: * <- monitoring[name=prometheus-agent] :3000,8080,9090,9093,10250',
      'monitoring default-deny: * deny ingress+egress',
      'node-exporter allow-dns-egress: * -> kube-system[k8s-app=kube-dns] :53/UDP,53',
      'node-exporter allow-metrics-from-prometheus: name=prometheus-node-exporter <- monitoring[name=prometheus-agent] :9100',
      'node-exporter default-deny: * deny ingress+egress',
    ]);
    // nothing comes in from outside the cluster, and team-b declared no metrics port
    expect(workload.join('\n')).not.toMatch(/ingress-controller|team-b/);
  });
});

describe('MetricsStack in both profiles', () => {
  for (const cluster of [sc, wc]) {
    const { objects, values } = synth(cluster);

    it(`${cluster.profile}: collects CPU, memory, disk and network I/O per pod and node`, () => {
      expect(values.kubelet).toEqual({ enabled: true, serviceMonitor: { kubelet: true, cAdvisor: true, probes: true } });
      expect(values.nodeExporter).toEqual({ enabled: true });
      expect(values.kubeStateMetrics).toEqual({ enabled: true });
      // node-exporter's default collectors (cpu, meminfo, diskstats, netdev, filesystem) stay on
      expect(JSON.stringify(values['prometheus-node-exporter'])).not.toContain('--no-collector');
      expect(COLLECTED_METRICS).toMatchObject({ podCpu: 'container_cpu_usage_seconds_total', nodeDiskRead: 'node_disk_read_bytes_total', podNetworkReceive: 'container_network_receive_bytes_total' });
    });

    it(`${cluster.profile}: derives Flux readiness from kube-state-metrics`, () => {
      const ksm = values['kube-state-metrics'];
      expect(ksm.customResourceState.enabled).toBe(true);
      const kinds = ksm.customResourceState.config.spec.resources.map((r: any) => r.groupVersionKind.kind);
      expect(kinds).toEqual(['GitRepository', 'HelmRepository', 'OCIRepository', 'Kustomization', 'HelmRelease']);
      for (const r of ksm.customResourceState.config.spec.resources) expect(`${r.metricNamePrefix}_${r.metrics[0].name}`).toBe(FLUX_RESOURCE_INFO);
      expect(ksm.rbac.extraRules.flatMap((r: any) => r.verbs)).toEqual(['list', 'watch', 'list', 'watch', 'list', 'watch']);
    });

    it(`${cluster.profile}: runs node-exporter in its own namespace, the documented privileged exception`, () => {
      expect(values['prometheus-node-exporter']).toMatchObject({ namespaceOverride: 'node-exporter', hostNetwork: true, hostPID: true, hostRootFsMount: { enabled: true } });
      const ns = find(objects, 'Namespace', 'node-exporter');
      expect(ns.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'privileged', 'pod-security.kubernetes.io/enforce-version': 'v1.33', 'pod-security.kubernetes.io/warn': 'restricted' });
      expect(ns.metadata.annotations![POD_SECURITY_EXCEPTION_ANNOTATION]).toBe(NODE_EXPORTER_POD_SECURITY_EXCEPTION);
      const monitoring = find(objects, 'Namespace', 'monitoring');
      expect(monitoring.metadata.labels!['pod-security.kubernetes.io/enforce']).toBe('restricted');
      expect(monitoring.metadata.annotations).toBeUndefined();
    });

    it(`${cluster.profile}: gives every other workload a restricted security context`, () => {
      const contexts = [
        values.prometheus.prometheusSpec.securityContext,
        values.prometheusOperator.securityContext,
        values['kube-state-metrics'].securityContext,
        values['prometheus-node-exporter'].securityContext,
        ...(cluster.profile === 'service' ? [values.alertmanager.alertmanagerSpec.securityContext, values.grafana.securityContext] : []),
      ];
      for (const c of contexts) expect(c).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      const containers = [
        values.prometheusOperator.containerSecurityContext,
        values['kube-state-metrics'].containerSecurityContext,
        values['prometheus-node-exporter'].containerSecurityContext,
        ...(cluster.profile === 'service' ? [values.grafana.containerSecurityContext, values.grafana.sidecar.securityContext] : []),
      ];
      for (const c of containers) expect(c).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    });
  }
});
