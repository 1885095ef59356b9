import type { RenderedObject } from './helm-template.js';

type Labels = Readonly<Record<string, string>>;

/** Whether a Kubernetes label selector selects these labels (an empty selector selects all). */
export function selects(selector: RenderedObject | undefined, labels: Labels): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    const value = labels[e.key];
    if (e.operator === 'In' && !(has && (e.values ?? []).includes(value))) return false;
    if (e.operator === 'NotIn' && has && (e.values ?? []).includes(value)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function ipv4(address: string): number | undefined {
  const parts = address.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    const v = Number(p);
    if (!/^\d+$/.test(p) || v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

/** Whether an IPv4 CIDR contains a whole other CIDR (a /32 for one address). IPv6 is not compared. */
export function cidrContains(outer: string, inner: string): boolean {
  const [oa, ob = '32'] = outer.split('/');
  const [ia, ib = '32'] = inner.split('/');
  const o = ipv4(oa!);
  const i = ipv4(ia!);
  if (o === undefined || i === undefined) return false;
  const ol = Number(ob);
  if (Number(ib) < ol) return false;
  const mask = ol === 0 ? 0 : (0xffffffff << (32 - ol)) >>> 0;
  return (o & mask) >>> 0 === (i & mask) >>> 0;
}

/** Where a pod connects to outside the cluster's pods: addresses and one TCP port. */
export interface ExternalDestination {
  readonly cidrs: readonly string[];
  readonly port: number;
}

/**
 * Why a pod may not connect to the destination under these NetworkPolicies (API server
 * semantics: a pod no Egress policy selects is not isolated; otherwise some rule of a policy
 * that selects it must allow every destination address on the port), or undefined when it may.
 */
export function egressDenied(policies: readonly RenderedObject[], namespace: string, labels: Labels, to: ExternalDestination): string | undefined {
  const selecting = policies.filter((p) => (p.metadata?.namespace ?? namespace) === namespace && isEgress(p) && selects(p.spec?.podSelector, labels));
  if (selecting.length === 0) return undefined;
  const allowed = (cidr: string): boolean =>
    selecting.some((p) =>
      (p.spec?.egress ?? []).some((rule: RenderedObject) => {
        const portOk =
          !rule.ports ||
          rule.ports.length === 0 ||
          rule.ports.some(
            (port: RenderedObject) =>
              (port.protocol ?? 'TCP') === 'TCP' &&
              (port.port === undefined ||
                port.port === to.port ||
                (typeof port.endPort === 'number' && typeof port.port === 'number' && port.port <= to.port && to.port <= port.endPort)),
          );
        if (!portOk) return false;
        if (!rule.to || rule.to.length === 0) return true;
        return rule.to.some(
          (peer: RenderedObject) =>
            peer.ipBlock &&
            cidrContains(peer.ipBlock.cidr, cidr) &&
            !(peer.ipBlock.except ?? []).some((e: string) => cidrContains(e, cidr) || cidrContains(cidr, e)),
        );
      }),
    );
  const blocked = to.cidrs.filter((c) => !allowed(c));
  if (blocked.length === 0) return undefined;
  return `no egress to ${blocked.join(', ')}:${to.port}; the pod (labels ${JSON.stringify(labels)}) is isolated by ${selecting.map((p) => p.metadata?.name).join(', ')}`;
}

function isEgress(policy: RenderedObject): boolean {
  if (policy.kind !== 'NetworkPolicy') return false;
  const types: string[] | undefined = policy.spec?.policyTypes;
  return types ? types.includes('Egress') : Array.isArray(policy.spec?.egress);
}
