// Shared by the packages' tests that read rendered objects: find one, and list NetworkPolicies readably.

/** A rendered object; tests read it by path. */
export type K8sObject = any;

/** The object of a kind and name; fails listing what there is. */
export function find(objects: readonly K8sObject[], kind: string, name: string, namespace?: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));
  if (!found)
    throw new Error(`no ${kind} ${namespace ? `${namespace}/` : ''}${name}; have ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}

/**
 * Every NetworkPolicy as one readable line: `name: pods -> peers :ports` (egress) or `<-`
 * (ingress), with `*` for all pods and `app.kubernetes.io/` left out of label keys, so a test can
 * list exactly the flows it expects. With `namespaces`, each line starts with the policy's namespace.
 */
export function flows(objects: readonly K8sObject[], options: { readonly namespaces?: boolean } = {}): string[] {
  const short = (key: string): string => key.replace(/^app\.kubernetes\.io\//, '');
  const selector = (s?: K8sObject): string => {
    const parts = [
      ...Object.entries((s?.matchLabels ?? {}) as Record<string, string>).map(([k, v]) => `${short(k)}=${v}`),
      ...((s?.matchExpressions ?? []) as K8sObject[]).map((e) => `${short(e.key)} in (${e.values.join(',')})`),
    ];
    return parts.length > 0 ? parts.join(',') : '*';
  };
  const peer = (p: K8sObject): string =>
    p.ipBlock ? p.ipBlock.cidr : `${p.namespaceSelector.matchLabels['kubernetes.io/metadata.name']}[${selector(p.podSelector)}]`;
  return objects
    .filter((o) => o.kind === 'NetworkPolicy')
    .map((o) => {
      const s = o.spec;
      const head = `${options.namespaces ? `${o.metadata.namespace} ` : ''}${o.metadata.name}: ${selector(s.podSelector)}`;
      const rules = s.ingress ?? s.egress;
      if (!rules) return `${head} deny ${s.policyTypes.join('+').toLowerCase()}`;
      const rule = rules[0];
      const ports = rule.ports.map((p: K8sObject) => (p.protocol === 'TCP' ? `${p.port}` : `${p.port}/${p.protocol}`)).join(',');
      return `${head} ${s.ingress ? '<-' : '->'} ${(rule.from ?? rule.to).map(peer).join(' ')} :${ports}`;
    })
    .sort();
}
