import { ChartCatalog, type ClusterConfig, type Fleet, validateClusterConfig } from '@ck8s/core';

/** The two charts this package deploys, pinned as in charts/catalog.yaml. */
export const catalog = new ChartCatalog([
  { name: 'kube-prometheus-stack', repository: 'oci://ghcr.io/prometheus-community/charts', chart: 'kube-prometheus-stack', version: '72.6.2' },
  { name: 'prometheus-blackbox-exporter', repository: 'oci://ghcr.io/prometheus-community/charts', chart: 'prometheus-blackbox-exporter', version: '9.6.0' },
]);

/** A cluster config through the real schema, with the fields every cluster needs. */
export function config(raw: Record<string, unknown>): ClusterConfig {
  const base = { environment: 'demo', kubernetesVersion: '1.33', gitops: { repository: 'https://git.example.com/f.git' }, certificates: { acmeEmail: 'ops@example.com' }, backup: { enabled: false }, registry: { enabled: false } };
  const { config: c, problems } = validateClusterConfig({ ...base, ...raw }, 'cluster.yaml');
  if (!c) throw new Error(problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return c;
}

export const receivers = [
  { name: 'ops-slack', type: 'slack', secret: 'alert-slack', channel: '#platform-alerts' },
  { name: 'ops-mail', type: 'email', secret: 'alert-mail', to: 'oncall@example.com', from: 'alertmanager@example.com', smarthost: 'smtp.example.com:587', username: 'alerts' },
  { name: 'ops-pager', type: 'pagerduty', secret: 'alert-pagerduty' },
  { name: 'ops-hook', type: 'webhook', secret: 'alert-webhook' },
];

export const network = { apiServer: { cidrs: ['10.0.0.1/32'] }, serviceClusterCidrs: ['192.0.2.10/32'] };

export const sc = config({
  name: 'sc',
  profile: 'service',
  domain: 'sc.example.com',
  network,
  rbac: { operatorGroups: ['platform-operators', 'sre'] },
  observability: { receivers },
});

export const wc = config({
  name: 'wc',
  profile: 'workload',
  domain: 'wc.example.com',
  serviceCluster: 'sc',
  network,
  tenants: [
    { name: 'team-a', metricsPorts: [9090, 8081] },
    { name: 'team-b' },
  ],
});

export const fleet: Fleet = { clusters: new Map([['sc', sc], ['wc', wc]]) };

/** The objects of a component (or any chart), as plain JSON. */
export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: any; data?: any };

export function find(objects: Manifest[], kind: string, name: string): Manifest {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}

/**
 * Every NetworkPolicy as one readable line: `namespace name: pods -> peers :ports` (egress) or
 * `<-` (ingress), with `*` for all pods, so a test can list exactly the flows it expects.
 */
export function flows(objects: Manifest[]): string[] {
  const labels = (l?: Record<string, string>): string => (l && Object.keys(l).length > 0 ? Object.entries(l).map(([k, v]) => `${k.replace(/^app\.kubernetes\.io\//, '')}=${v}`).join(',') : '*');
  const peer = (p: any): string =>
    p.ipBlock ? p.ipBlock.cidr : `${p.namespaceSelector.matchLabels['kubernetes.io/metadata.name']}[${labels(p.podSelector?.matchLabels)}]`;
  return objects
    .filter((o) => o.kind === 'NetworkPolicy')
    .map((o) => {
      const s = o.spec;
      const head = `${o.metadata.namespace} ${o.metadata.name}: ${labels(s.podSelector.matchLabels)}`;
      const rules = s.ingress ?? s.egress;
      if (!rules) return `${head} deny ${s.policyTypes.join('+').toLowerCase()}`;
      const rule = rules[0];
      const ports = rule.ports.map((p: any) => (p.protocol === 'TCP' ? `${p.port}` : `${p.port}/${p.protocol}`)).join(',');
      return `${head} ${s.ingress ? '<-' : '->'} ${(rule.from ?? rule.to).map(peer).join(' ')} :${ports}`;
    })
    .sort();
}
