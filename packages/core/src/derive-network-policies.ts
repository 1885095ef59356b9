import type { Component } from './component.js';
import { type ConfigProblem, ConfigError } from './config/config-error.js';
import { type ExternalPeer, type Flow, isExternalPeer, isRolePeer, type PlatformRole } from './contributions.js';
import { NetworkAllow, type NetworkPeer, type NetworkPort } from './network-allow.js';
import { type Pods, podsKey, podsPeer } from './pods.js';

/** Where the peers outside the cluster's pods are: cluster.yaml's `network` block. */
export interface ClusterNetwork {
  /** cluster.yaml of the cluster, for errors. */
  readonly file: string;
  readonly apiServer?: { readonly cidrs: readonly string[]; readonly port: number };
  readonly serviceClusterCidrs: readonly string[];
  readonly objectStorageCidrs: readonly string[];
  /**
   * Whether this is the service cluster: its own endpoints (log store, metrics receiver,
   * Alertmanager, identity provider) are then served by its own ingress controller, whose pods an
   * in-cluster client reaches when it calls their public address.
   */
  readonly isServiceCluster: boolean;
}

/** Any address: a NetworkPolicy cannot name a host. */
const ANYWHERE: NetworkPeer = { cidrs: ['0.0.0.0/0', '::/0'] };

const PEER_NAMES: Record<ExternalPeer['peer'], string> = {
  'api-server': 'api-server',
  'service-cluster': 'service-cluster',
  'identity-provider': 'identity-provider',
  'platform-endpoints': 'platform-endpoints',
  'object-storage': 'object-storage',
  internet: 'internet',
};

interface ResolvedPeer {
  readonly peers: readonly NetworkPeer[];
  readonly ports: readonly NetworkPort[];
}

/** One side of a flow, as a NetworkPolicy of one component. */
interface PolicySide {
  readonly component: Component;
  readonly namespace: string;
  readonly name: string;
  readonly direction: 'ingress' | 'egress';
  readonly pods: Pods;
  readonly peers: readonly NetworkPeer[];
  readonly ports: readonly NetworkPort[];
}

/**
 * Derives the NetworkPolicies of every declared flow of the cluster's components, in declaration
 * order, and adds each to the component it belongs to:
 *
 * - pods to pods: the egress rule where the flow starts and the ingress rule where it ends
 *   (`allow-<from>-to-<to>`, `allow-<to>-from-<from>`; a set of pods talking to itself gets
 *   `allow-<pods>-internal-egress` and `-ingress`), both in the declaring component, so a flow is
 *   never opened on one side only. Namespaces no component owns (kube-system) get no rule: the
 *   platform does not write into them.
 * - from a role (the ingress controller, Prometheus) to pods: the ingress rule in the declaring
 *   component, and one egress rule per target namespace in the component that plays the role
 *   (`allow-<role pods>-to-<namespace>`, every port of that namespace), so a new backend never
 *   means editing the ingress controller or Prometheus.
 * - to or from a peer outside the cluster's pods: one rule, its peers from cluster.yaml's network
 *   block (`allow-<pods>-to-<peer>` unless the flow names it).
 *
 * @throws ConfigError naming the cluster.yaml field a flow needs (the API server's address, ...)
 * @throws Error when two rules of one namespace would have the same name
 */
export function deriveNetworkPolicies(components: readonly Component[], network: ClusterNetwork): void {
  const owners = new Set(components.flatMap((c) => c.namespaces));
  const roles = new Map<PlatformRole, { component: Component; pods: Pods }>();
  for (const c of components) for (const [role, pods] of c.roles) roles.set(role, { component: c, pods });
  const problems: ConfigProblem[] = [];
  const sides: PolicySide[] = [];
  // egress of the role players, per target namespace (written sorted by role and namespace)
  const roleEgress = new Map<string, { component: Component; pods: Pods; namespace: string; ports: NetworkPort[] }>();

  const resolve = (peer: ExternalPeer, component: Component, ports: readonly NetworkPort[] | undefined): ResolvedPeer | undefined => {
    const require = (path: string, message: string): undefined => {
      problems.push({ file: network.file, path, message: `is required: ${component.componentName} ${message}, or switch the component off` });
      return undefined;
    };
    switch (peer.peer) {
      case 'api-server':
        if (!network.apiServer) return require('network.apiServer', 'must reach the Kubernetes API server (set cidrs and port)');
        return { peers: [{ cidrs: network.apiServer.cidrs }], ports: ports ?? [{ port: network.apiServer.port }] };
      case 'service-cluster':
      case 'identity-provider': {
        // inside the service cluster its own addresses lead to its own ingress controller pods
        const controller = network.isServiceCluster ? roles.get('ingress-controller') : undefined;
        const peers: NetworkPeer[] = [
          ...(controller ? [podsPeer(controller.pods)] : []),
          ...(network.serviceClusterCidrs.length > 0 ? [{ cidrs: network.serviceClusterCidrs }] : []),
        ];
        if (network.serviceClusterCidrs.length === 0 && (peer.peer === 'service-cluster' || peers.length === 0)) {
          return require('network.serviceClusterCidrs', peer.peer === 'service-cluster'
            ? "sends to the service cluster's ingress (its addresses)"
            : "signs people in at the service cluster's identity provider (its ingress addresses)");
        }
        return { peers, ports: ports ?? [{ port: 443 }] };
      }
      case 'platform-endpoints': {
        const controller = roles.get('ingress-controller');
        return { peers: [...(controller ? [podsPeer(controller.pods)] : []), ANYWHERE], ports: ports ?? [{ port: 443 }] };
      }
      case 'object-storage': {
        if (network.objectStorageCidrs.length === 0)
          return require('network.objectStorageCidrs', `stores data in ${peer.endpoint} (set its addresses)`);
        const url = new URL(peer.endpoint);
        return { peers: [{ cidrs: network.objectStorageCidrs }], ports: ports ?? [{ port: url.port ? Number(url.port) : 443 }] };
      }
      case 'internet':
        if (!ports || ports.length === 0)
          throw new Error(`component ${component.componentName}: a flow to the internet must name its ports (${peer.reason})`);
        return { peers: [ANYWHERE], ports };
    }
  };

  const add = (flow: Flow, component: Component): void => {
    const { from, to } = flow;
    if (isExternalPeer(to) && (isExternalPeer(from) || isRolePeer(from)))
      throw new Error(`component ${component.componentName}: a flow to ${to.peer} must start at pods`);
    const needsName = (peer: ExternalPeer): string => {
      if (peer.peer === 'internet' && !flow.name)
        throw new Error(`component ${component.componentName}: a flow to or from the internet must be named (${peer.reason})`);
      return PEER_NAMES[peer.peer];
    };
    if (isExternalPeer(to)) {
      const pods = from as Pods;
      const resolved = resolve(to, component, flow.ports);
      if (resolved)
        sides.push({
          component,
          namespace: pods.namespace,
          name: flow.name ?? `allow-${pods.name}-to-${needsName(to)}`,
          direction: 'egress',
          pods,
          ...resolved,
        });
      else needsName(to);
      return;
    }
    if (isExternalPeer(from)) {
      const resolved = resolve(from, component, flow.ports);
      if (resolved)
        sides.push({
          component,
          namespace: to.namespace,
          name: flow.name ?? `allow-${to.name}-from-${needsName(from)}`,
          direction: 'ingress',
          pods: to,
          ...resolved,
        });
      return;
    }
    const ports = flow.ports ?? [];
    if (ports.length === 0) throw new Error(`component ${component.componentName}: the flow to ${to.namespace}/${to.name} must name its ports`);
    if (isRolePeer(from)) {
      const player = roles.get(from.role);
      // nobody plays the role in this cluster: nothing connects, nothing is opened
      if (!player) return;
      if (owners.has(to.namespace))
        sides.push({
          component,
          namespace: to.namespace,
          name: flow.name ?? ingressName(to, player.pods),
          direction: 'ingress',
          pods: to,
          peers: [podsPeer(player.pods)],
          ports,
        });
      const key = `${from.role}/${to.namespace}`;
      const egress = roleEgress.get(key) ?? { ...player, namespace: to.namespace, ports: [] };
      for (const p of ports) if (!egress.ports.some((q) => samePort(p, q))) egress.ports.push(p);
      roleEgress.set(key, egress);
      return;
    }
    const self = podsKey(from) === podsKey(to);
    sides.push({
      component,
      namespace: from.namespace,
      name: self ? `allow-${from.name}-internal-egress` : `allow-${from.name}-to-${to.name}`,
      direction: 'egress',
      pods: from,
      peers: [podsPeer(to)],
      ports,
    });
    if (owners.has(to.namespace)) {
      sides.push({
        component,
        namespace: to.namespace,
        name: self ? `allow-${to.name}-internal-ingress` : ingressName(to, from),
        direction: 'ingress',
        pods: to,
        peers: [podsPeer(from)],
        ports,
      });
    }
  };

  for (const component of components) for (const flow of component.flows) add(flow, component);
  if (problems.length > 0) throw new ConfigError(problems);
  for (const [, e] of [...roleEgress].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    sides.push({
      component: e.component,
      namespace: e.pods.namespace,
      name: `allow-${e.pods.name}-to-${e.namespace}`,
      direction: 'egress',
      pods: e.pods,
      peers: [{ namespace: e.namespace }],
      ports: [...e.ports].sort((a, b) => a.port - b.port || (a.protocol ?? 'TCP').localeCompare(b.protocol ?? 'TCP')),
    });
  }

  const seen = new Map<string, Component>();
  for (const side of sides) {
    const key = `${side.namespace}/${side.name}`;
    const first = seen.get(key);
    if (first)
      throw new Error(
        `network policy ${key} is derived twice (components ${first.componentName} and ${side.component.componentName}); name the flows apart`,
      );
    seen.set(key, side.component);
    new NetworkAllow(side.component, `flow-${side.namespace}-${side.name}`, {
      namespace: side.namespace,
      name: side.name,
      direction: side.direction,
      ...(side.pods.labels ? { podLabels: side.pods.labels } : {}),
      ...(side.pods.expressions ? { podExpressions: side.pods.expressions } : {}),
      peers: side.peers,
      ports: side.ports,
    });
  }
}

/** `allow-<to>-from-<from>`, or `allow-from-<from>` into a whole namespace (a tenant's). */
function ingressName(to: Pods, from: Pods): string {
  return to.labels || to.expressions ? `allow-${to.name}-from-${from.name}` : `allow-from-${from.name}`;
}

function samePort(a: NetworkPort, b: NetworkPort): boolean {
  return a.port === b.port && (a.protocol ?? 'TCP') === (b.protocol ?? 'TCP');
}
