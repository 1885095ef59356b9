import { ChartCatalog, type ClusterConfig, type Fleet, validateClusterConfig } from '@ck8s/core';

/** Versions here are deliberately not the pinned ones: the components must take them from the catalog. */
export const catalog = new ChartCatalog([
  { name: 'fluent-bit', repository: 'https://fluent.github.io/helm-charts', chart: 'fluent-bit', version: '9.9.1' },
  { name: 'opensearch', repository: 'https://opensearch-project.github.io/helm-charts', chart: 'opensearch', version: '9.9.2' },
  { name: 'opensearch-dashboards', repository: 'https://opensearch-project.github.io/helm-charts', chart: 'opensearch-dashboards', version: '9.9.3' },
]);

export function config(raw: Record<string, unknown>): ClusterConfig {
  const base = { environment: 'demo', kubernetesVersion: '1.33', gitops: { repository: 'https://git.example.com/f.git' }, certificates: { acmeEmail: 'ops@example.com' }, backup: { enabled: false }, registry: { enabled: false } };
  const { config: c, problems } = validateClusterConfig({ ...base, ...raw }, 'cluster.yaml');
  if (!c) throw new Error(problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return c;
}

export const network = { apiServer: { cidrs: ['10.0.0.1/32'] }, serviceClusterCidrs: ['192.0.2.10/32'] };

export const sc = config({ name: 'sc', profile: 'service', domain: 'sc.example.com', network, rbac: { operatorGroups: ['platform-operators'] } });
export const wc = config({ name: 'wc', profile: 'workload', domain: 'wc.example.com', serviceCluster: 'sc', network: { ...network, serviceClusterCidrs: ['192.0.2.20/32'] } });
export const fleet: Fleet = { clusters: new Map([['sc', sc], ['wc', wc]]) };

/** A rendered object; tests read it by path. */
export type K8sObject = any;

export function find(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}; have ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}

/** One section of a Fluent Bit classic-mode file: its name and its key/value entries. */
export interface Section {
  readonly name: string;
  readonly entries: Record<string, string>;
}

/** Parses classic-mode sections (`[NAME]` followed by indented `Key value` lines). */
export function sections(text: string): Section[] {
  const result: { name: string; entries: Record<string, string> }[] = [];
  for (const line of text.split('\n')) {
    const header = /^\[([A-Z]+)\]$/.exec(line.trim());
    if (header) {
      result.push({ name: header[1]!, entries: {} });
      continue;
    }
    const entry = /^\s+(\S+)\s+(.*)$/.exec(line);
    if (entry && result.length > 0) result[result.length - 1]!.entries[entry[1]!] = entry[2]!.trim();
  }
  return result;
}

/** The flows a NetworkPolicy opens, in a form that is easy to compare. */
export function flows(policy: K8sObject): { name: string; direction: string; pods: unknown; peers: unknown[]; ports: unknown[] } {
  const ingress = policy.spec.policyTypes[0] === 'Ingress';
  const rule = ingress ? policy.spec.ingress[0] : policy.spec.egress[0];
  return {
    name: policy.metadata.name,
    direction: ingress ? 'ingress' : 'egress',
    pods: policy.spec.podSelector.matchLabels ?? 'all',
    peers: (ingress ? rule.from : rule.to).map((p: K8sObject) =>
      p.ipBlock
        ? p.ipBlock.cidr
        : { namespace: p.namespaceSelector.matchLabels['kubernetes.io/metadata.name'], pods: p.podSelector?.matchLabels ?? p.podSelector?.matchExpressions ?? 'all' },
    ),
    ports: rule.ports.map((p: K8sObject) => `${p.port}/${p.protocol}`),
  };
}
