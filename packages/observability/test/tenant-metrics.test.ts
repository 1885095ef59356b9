import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { connect, testApp } from '../../../test-support/connect.js';
import { find, flows, type K8sObject } from '../../../test-support/manifests.js';
import { MetricsStack, type MetricsTenant, tenantProxyName, type WriteRelabeling } from '../src/index.js';
import { serverProps, workloadProps } from './fixtures.js';

/**
 * Two tenants of workload cluster `wc`, and a third with team-a's name on another cluster `wc2`
 * (same namespace, different tenant), so neither the namespace nor the cluster alone may decide.
 */
const tenants: readonly MetricsTenant[] = [
  { cluster: 'wc', namespace: 'team-a', adminGroups: ['team-a-admins'], viewGroups: ['team-a-developers'] },
  { cluster: 'wc', namespace: 'team-b', adminGroups: ['team-b-admins'], viewGroups: [] },
  { cluster: 'wc2', namespace: 'team-a', adminGroups: ['wc2-team-a-admins'], viewGroups: ['wc2-team-a-readers'] },
];

function synthServer(list: readonly MetricsTenant[] = tenants): { objects: K8sObject[]; values: K8sObject } {
  const app = testApp();
  const stack = new MetricsStack(
    app,
    'kube-prometheus-stack',
    serverProps({ grafana: { ...serverProps().grafana, auditorGroups: ['auditors'], tenants: list } }),
  );
  connect(app, { roles: ['ingress-controller'], network: { isServiceCluster: true } });
  const objects: K8sObject[] = stack.toJson();
  return { objects, values: find(objects, 'HelmRelease', 'kube-prometheus-stack').spec.values };
}

/** Grafana's `org_mapping` read back: group -> [organisation, role][]. */
function orgMapping(setting: string): Map<string, [number, string][]> {
  const result = new Map<string, [number, string][]>();
  for (const entry of setting.split(' ')) {
    const [group, org, role] = entry.split(':');
    result.set(group!, [...(result.get(group!) ?? []), [Number(org), role!]]);
  }
  return result;
}

/** The data sources the start-up hook provisions: organisation -> URL. */
function hookDatasources(script: string): Map<number, string> {
  const body = /<<'EOF'\n([\s\S]*?)\nEOF\n/.exec(script)?.[1];
  if (body === undefined) throw new Error('the hook writes no data source file');
  const file = parse(body) as { datasources: { orgId: number; url: string; editable: boolean }[] };
  for (const ds of file.datasources) expect(ds.editable).toBe(false);
  return new Map(file.datasources.map((ds) => [ds.orgId, ds.url]));
}

/** The label values a data source URL is held to: its Service, the Deployment behind it, that container's flags. */
function enforcedBy(objects: K8sObject[], url: string): { label: string; values: string[]; upstream: string } {
  const host = new URL(url).hostname.split('.');
  const service = find(objects, 'Service', host[0]!, host[1]);
  const deployments = objects.filter(
    (o) =>
      o.kind === 'Deployment' &&
      Object.entries(service.spec.selector as Record<string, string>).every(([k, v]) => o.spec.template.metadata.labels[k] === v),
  );
  expect(deployments).toHaveLength(1);
  const args: string[] = deployments[0].spec.template.spec.containers[0].args;
  const flag = (name: string): string[] => args.filter((a) => a.startsWith(`-${name}=`)).map((a) => a.slice(name.length + 2));
  return { label: flag('label')[0]!, values: flag('label-value'), upstream: flag('upstream')[0]! };
}

describe('metrics per tenant in the service cluster', () => {
  const { objects, values } = synthServer();
  const oauth = values.grafana['grafana.ini']['auth.generic_oauth'];
  const mapping = orgMapping(oauth.org_mapping);
  const script: string = values.grafana.lifecycleHooks.postStart.exec.command[2];
  const datasources = hookDatasources(script);

  it("gives each tenant's groups one organisation whose only data source sees exactly the tenant's cluster and namespace", () => {
    for (const tenant of tenants) {
      const groups = [...tenant.adminGroups, ...tenant.viewGroups];
      const orgs = new Set(groups.flatMap((g) => (mapping.get(g) ?? []).map(([org]) => org)));
      expect(orgs.size, `${tenant.cluster}/${tenant.namespace}`).toBe(1);
      const [org] = [...orgs];
      expect(org).not.toBe(1);
      const url = datasources.get(org!);
      expect(url, `data source of organisation ${org}`).toBeDefined();
      expect(enforcedBy(objects, url!)).toEqual({
        label: 'ck8s_tenant',
        values: [`${tenant.cluster}/${tenant.namespace}`],
        upstream: 'http://kube-prometheus-stack-prometheus.monitoring.svc:9090',
      });
    }
    // three tenants, three organisations, three proxies: nobody shares one
    expect(new Set(datasources.keys())).toEqual(new Set([2, 3, 4]));
    expect(new Set(datasources.values()).size).toBe(3);
  });

  it('makes tenant admins Editors and readers Viewers, never Admins, and puts operators and auditors in the main organisation only', () => {
    expect(Object.fromEntries(mapping)).toEqual({
      'platform-operators': [[1, 'Admin']],
      sre: [[1, 'Admin']],
      auditors: [[1, 'Viewer']],
      'team-a-admins': [[2, 'Editor']],
      'team-a-developers': [[2, 'Viewer']],
      'team-b-admins': [[3, 'Editor']],
      'wc2-team-a-admins': [[4, 'Editor']],
      'wc2-team-a-readers': [[4, 'Viewer']],
    });
    // whoever no group maps is refused instead of becoming a Viewer of the main organisation
    expect(oauth).toMatchObject({ org_attribute_path: 'groups', role_attribute_strict: true });
  });

  it('creates the organisations with the numbers the mapping uses before it provisions their data sources', () => {
    const created = [...script.matchAll(/^org (\d+) '([^']+)'$/gm)].map((m) => [Number(m[1]), m[2]]);
    expect(created).toEqual([
      [2, 'wc/team-a'],
      [3, 'wc/team-b'],
      [4, 'wc2/team-a'],
    ]);
    expect(script.indexOf("org 4 'wc2/team-a'")).toBeLessThan(script.indexOf("<<'EOF'"));
    expect(script).toContain('/api/admin/provisioning/datasources/reload');
  });

  it('lets only Grafana reach the proxies, and the proxies only Prometheus', () => {
    const proxy = flows(objects, { namespaces: true }).filter((f) => f.includes('prom-label-proxy'));
    expect(proxy).toEqual([
      'monitoring allow-grafana-to-tenant-metrics-proxy: name=grafana -> monitoring[name=prom-label-proxy,part-of=tenant-metrics] :9091',
      'monitoring allow-prometheus-from-tenant-metrics-proxy: name=prometheus <- monitoring[name=prom-label-proxy,part-of=tenant-metrics] :9090',
      'monitoring allow-tenant-metrics-proxy-from-grafana: name=prom-label-proxy,part-of=tenant-metrics <- monitoring[name=grafana] :9091',
      'monitoring allow-tenant-metrics-proxy-to-prometheus: name=prom-label-proxy,part-of=tenant-metrics -> monitoring[name=prometheus] :9090',
    ]);
    // no other flow into the monitoring namespace opens the proxies' port
    expect(
      flows(objects, { namespaces: true }).filter((f) => f.includes('<-') && /[:,]9091(,|$)/.test(f) && !f.includes('prom-label-proxy')),
    ).toEqual([]);
  });

  it('runs the proxies hardened: restricted security context, no API token, requests and a memory limit', () => {
    const d = find(objects, 'Deployment', 'metrics-wc-team-a', 'monitoring');
    const pod = d.spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0].securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.containers[0].resources).toEqual({ requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } });
    expect(pod.containers[0].image).toMatch(/^quay\.io\/prometheuscommunity\/prom-label-proxy:v\d+\.\d+\.\d+$/);
  });

  it('without tenants runs no proxy and no start-up hook', () => {
    const none = synthServer([]);
    expect(none.objects.filter((o) => o.kind === 'Deployment')).toEqual([]);
    expect(none.values.grafana.lifecycleHooks).toBeUndefined();
    expect(none.values.grafana['grafana.ini']['auth.generic_oauth'].org_mapping).toBe('platform-operators:1:Admin sre:1:Admin auditors:1:Viewer');
  });

  it('refuses a group org_mapping cannot express and a proxy name longer than a service name', () => {
    expect(() => synthServer([{ cluster: 'wc', namespace: 'team-a', adminGroups: ['team a'], viewGroups: [] }])).toThrow(
      'group "team a" contains a space or a comma',
    );
    expect(() => tenantProxyName({ cluster: 'c'.repeat(30), namespace: 'n'.repeat(30) })).toThrow('longer than the 63 characters');
  });
});

/** Prometheus' relabelling of the two actions the write relabelling uses (regexes are anchored). */
function relabel(series: Record<string, string>, rules: readonly WriteRelabeling[]): Record<string, string> {
  let labels = { ...series };
  for (const r of rules) {
    const re = new RegExp(`^(?:${r.regex})$`);
    if (r.action === 'labeldrop') labels = Object.fromEntries(Object.entries(labels).filter(([k]) => !re.test(k)));
    else {
      const value = r.sourceLabels!.map((l) => labels[l] ?? '').join(r.separator);
      const m = re.exec(value);
      if (m) labels[r.targetLabel!] = r.replacement!.replace(/\$(\d)/g, (_, i: string) => m[Number(i)] ?? '');
    }
  }
  return labels;
}

describe('metrics per tenant in a workload cluster', () => {
  const app = testApp();
  const stack = new MetricsStack(app, 'kube-prometheus-stack', { ...workloadProps, tenantNamespaces: ['team-b', 'team-a'] });
  connect(app, { roles: ['ingress-controller'] });
  const rules = find(stack.toJson(), 'HelmRelease', 'kube-prometheus-stack').spec.values.prometheus.prometheusSpec.remoteWrite[0].writeRelabelConfigs;

  it('labels each series of a tenant namespace with its tenant when it leaves for the service cluster, whatever the target claimed', () => {
    expect(relabel({ cluster: 'wc', namespace: 'team-a' }, rules)).toEqual({ cluster: 'wc', namespace: 'team-a', ck8s_tenant: 'wc/team-a' });
    // an exporter of team-b claiming team-a's series gets its own tenant
    expect(relabel({ cluster: 'wc', namespace: 'team-b', ck8s_tenant: 'wc/team-a' }, rules).ck8s_tenant).toBe('wc/team-b');
    // platform namespaces, look-alike names and series without a namespace belong to no tenant
    for (const namespace of ['monitoring', 'team-ab', 'xteam-a', ''])
      expect(relabel({ cluster: 'wc', namespace, ck8s_tenant: 'wc/team-a' }, rules).ck8s_tenant, namespace).toBeUndefined();
  });
});
