import { ChartCatalog, type ClusterConfig, type Fleet, validateClusterConfig } from '@ck8s/core';

/** The version is deliberately not the pinned one: the component must take it from the catalog. */
export const catalog = new ChartCatalog([{ name: 'dex', repository: 'https://charts.dexidp.io', chart: 'dex', version: '9.9.9' }]);

/** A cluster config through the real schema, with the fields every cluster needs. */
export function config(raw: Record<string, unknown>): ClusterConfig {
  const base = { environment: 'demo', kubernetesVersion: '1.33', gitops: { repository: 'https://git.example.com/f.git' }, certificates: { acmeEmail: 'ops@example.com' }, backup: { enabled: false } };
  const { config: c, problems } = validateClusterConfig({ ...base, ...raw }, 'cluster.yaml');
  if (!c) throw new Error(problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return c;
}

export const network = { apiServer: { cidrs: ['10.0.0.1/32'] }, serviceClusterCidrs: ['192.0.2.10/32'] };
const registry = { storage: { endpoint: 'https://s3.example.com', bucket: 'ck8s-registry' } };

export const connectors = [
  { type: 'oidc', id: 'entra', name: 'Microsoft Entra ID', secret: 'dex-entra', issuer: 'https://login.microsoftonline.com/tenant-id/v2.0' },
  { type: 'saml', id: 'corp-saml', name: 'Corporate SAML', secret: 'dex-saml', ssoUrl: 'https://idp.example.com/sso' },
  { type: 'ldap', id: 'ad', name: 'Active Directory', secret: 'dex-ldap', host: 'ldap.example.com:636', userBaseDn: 'ou=users,dc=example,dc=com', groupBaseDn: 'ou=groups,dc=example,dc=com' },
];

export const sc = config({ name: 'sc', profile: 'service', domain: 'sc.example.com', network, registry, identity: { connectors } });
export const wcA = config({ name: 'wc-a', profile: 'workload', domain: 'wc-a.example.com', serviceCluster: 'sc', network });
export const wcB = config({ name: 'wc-b', profile: 'workload', domain: 'wc-b.example.com', serviceCluster: 'sc', network, oidc: { clientId: 'k8s-team-b' } });
/** Trusts another issuer: its API server never sees this Dex's tokens. */
export const wcExternal = config({ name: 'wc-ext', profile: 'workload', domain: 'wc-ext.example.com', serviceCluster: 'sc', network, oidc: { issuerUrl: 'https://login.example.org' } });
/** Another environment's pair: none of its clusters belongs to sc. */
export const sc2 = config({ name: 'sc2', profile: 'service', environment: 'prod', domain: 'sc2.example.com', network, registry, identity: { connectors } });
export const wcOther = config({ name: 'wc-other', profile: 'workload', environment: 'prod', domain: 'wc-other.example.com', serviceCluster: 'sc2', network });

export const fleet: Fleet = { clusters: new Map([sc, wcB, wcA, wcExternal, sc2, wcOther].map((c) => [c.name, c])) };

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
  const peer = (p: K8sObject): string => {
    if (p.ipBlock) return p.ipBlock.cidr;
    const ns = p.namespaceSelector.matchLabels['kubernetes.io/metadata.name'];
    const pods = p.podSelector?.matchLabels ? labels(p.podSelector.matchLabels) : p.podSelector?.matchExpressions ? p.podSelector.matchExpressions.map((e: K8sObject) => `${e.key.replace(/^app\.kubernetes\.io\//, '')} in (${e.values.join(',')})`).join(',') : '*';
    return `${ns}[${pods}]`;
  };
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
