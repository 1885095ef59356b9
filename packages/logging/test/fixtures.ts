import { ChartCatalog } from '@ck8s/core';
import type { K8sObject } from '../../../test-support/manifests.js';

/** Versions here are deliberately not the pinned ones: the components must take them from the catalog. */
export const catalog = new ChartCatalog([
  { name: 'fluent-bit', repository: 'https://fluent.github.io/helm-charts', chart: 'fluent-bit', version: '9.9.1' },
  { name: 'opensearch', repository: 'https://opensearch-project.github.io/helm-charts', chart: 'opensearch', version: '9.9.2' },
  { name: 'opensearch-dashboards', repository: 'https://opensearch-project.github.io/helm-charts', chart: 'opensearch-dashboards', version: '9.9.3' },
  {
    name: 'prometheus-elasticsearch-exporter',
    repository: 'https://prometheus-community.github.io/helm-charts',
    chart: 'prometheus-elasticsearch-exporter',
    version: '9.9.4',
  },
]);

/** The log store's endpoints in the service cluster sc. */
export const SC_HOSTS = { opensearch: 'opensearch.sc.example.com', dashboards: 'opensearch-dashboards.sc.example.com' } as const;
/** The service cluster sc's identity provider. */
export const SC_ISSUER = 'https://dex.sc.example.com';

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

/** The flow a NetworkPolicy opens, in a form that is easy to compare. */
export function policyFlow(policy: K8sObject): { name: string; direction: string; pods: unknown; peers: unknown[]; ports: unknown[] } {
  const ingress = policy.spec.policyTypes[0] === 'Ingress';
  const rule = ingress ? policy.spec.ingress[0] : policy.spec.egress[0];
  return {
    name: policy.metadata.name,
    direction: ingress ? 'ingress' : 'egress',
    pods: policy.spec.podSelector.matchLabels ?? 'all',
    peers: (ingress ? rule.from : rule.to).map((p: K8sObject) =>
      p.ipBlock
        ? p.ipBlock.cidr
        : {
            namespace: p.namespaceSelector.matchLabels['kubernetes.io/metadata.name'],
            pods: p.podSelector?.matchLabels ?? p.podSelector?.matchExpressions ?? 'all',
          },
    ),
    ports: rule.ports.map((p: K8sObject) => `${p.port}/${p.protocol}`),
  };
}
