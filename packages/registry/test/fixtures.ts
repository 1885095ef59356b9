import { ChartCatalog, type ClusterConfig, type Fleet, validateClusterConfig } from '@ck8s/core';

/** The version is deliberately not the pinned one: the component must take it from the catalog. */
export const catalog = new ChartCatalog([{ name: 'harbor', repository: 'https://helm.goharbor.io', chart: 'harbor', version: '9.9.9' }]);

/** A cluster config through the real schema, with the fields every cluster needs. */
export function config(raw: Record<string, unknown>): ClusterConfig {
  const base = { environment: 'demo', kubernetesVersion: '1.33', gitops: { repository: 'https://git.example.com/f.git' }, certificates: { acmeEmail: 'ops@example.com' }, backup: { enabled: false } };
  const { config: c, problems } = validateClusterConfig({ ...base, ...raw }, 'cluster.yaml');
  if (!c) throw new Error(problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return c;
}

export const network = { apiServer: { cidrs: ['10.0.0.1/32'] }, serviceClusterCidrs: ['192.0.2.10/32'], objectStorageCidrs: ['198.51.100.0/24'] };
export const storage = { endpoint: 'https://s3.example.com', bucket: 'ck8s-registry', region: 'eu-north-1' };

export const sc = config({
  name: 'sc',
  profile: 'service',
  domain: 'sc.example.com',
  network,
  rbac: { operatorGroups: ['platform-operators', 'sre'] },
  registry: { storage, blockSeverity: 'critical', robotAccounts: ['ci', 'release'] },
});
export const wcA = config({
  name: 'wc-a',
  profile: 'workload',
  domain: 'wc-a.example.com',
  serviceCluster: 'sc',
  network,
  tenants: [
    { name: 'team-b', adminGroups: ['team-b-admins'] },
    { name: 'team-a', adminGroups: ['team-a-leads', 'team-a-admins'], viewGroups: ['team-a-developers'] },
  ],
});
export const wcB = config({ name: 'wc-b', profile: 'workload', domain: 'wc-b.example.com', serviceCluster: 'sc', network, tenants: [{ name: 'team-a' }] });
/** Reports to another service cluster: none of its tenants gets a project here. */
export const sc2 = config({ name: 'sc2', profile: 'service', domain: 'sc2.example.com', network, registry: { storage } });
export const wcOther = config({ name: 'wc-other', profile: 'workload', domain: 'wc-other.example.com', serviceCluster: 'sc2', network, tenants: [{ name: 'team-z' }] });

export const fleet: Fleet = { clusters: new Map([wcB, sc, wcA, sc2, wcOther].map((c) => [c.name, c])) };

/** A rendered object; tests read it by path. */
export type K8sObject = any;

export function find(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}; have ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}

/**
 * Every NetworkPolicy as one readable line: `name: pods -> peers :ports` (egress) or `<-`
 * (ingress), with `*` for all pods, so a test can list exactly the flows it expects.
 */
export function flows(objects: readonly K8sObject[]): string[] {
  const labels = (l?: Record<string, string>): string => (l && Object.keys(l).length > 0 ? Object.entries(l).map(([k, v]) => `${k.replace(/^app\.kubernetes\.io\//, '')}=${v}`).join(',') : '*');
  const peer = (p: K8sObject): string => (p.ipBlock ? p.ipBlock.cidr : `${p.namespaceSelector.matchLabels['kubernetes.io/metadata.name']}[${labels(p.podSelector?.matchLabels)}]`);
  return objects
    .filter((o) => o.kind === 'NetworkPolicy')
    .map((o) => {
      const s = o.spec;
      const head = `${o.metadata.name}: ${labels(s.podSelector.matchLabels)}`;
      const rules = s.ingress ?? s.egress;
      if (!rules) return `${head} deny ${s.policyTypes.join('+').toLowerCase()}`;
      const rule = rules[0];
      const ports = rule.ports.map((p: K8sObject) => (p.protocol === 'TCP' ? `${p.port}` : `${p.port}/${p.protocol}`)).join(',');
      return `${head} ${s.ingress ? '<-' : '->'} ${(rule.from ?? rule.to).map(peer).join(' ')} :${ports}`;
    })
    .sort();
}
