import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

/** One side of an allowed flow: pods in a namespace, or addresses outside the cluster. */
export interface NetworkPeer {
  /** Namespace of the peer pods. @default none (with `cidrs`) */
  readonly namespace?: string;
  /** Labels of the peer pods in `namespace`. @default all pods of the namespace */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** Label expressions of the peer pods, for peers one label value cannot name. @default none */
  readonly podExpressions?: readonly {
    readonly key: string;
    readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    readonly values?: readonly string[];
  }[];
  /** Addresses outside the cluster. @default none (with `namespace`) */
  readonly cidrs?: readonly string[];
}

export interface NetworkPort {
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}

export interface NetworkAllowProps {
  /** Namespace the policy lives in (the side that is opened). */
  readonly namespace: string;
  /** Policy name, readable: it says what the flow is for. */
  readonly name: string;
  /** Whether the flow enters or leaves the selected pods. */
  readonly direction: 'ingress' | 'egress';
  /** Labels of the pods in `namespace` the rule opens. @default all pods of the namespace */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** Label expressions of the pods in `namespace` the rule opens. @default none */
  readonly podExpressions?: NetworkPeer['podExpressions'];
  readonly peers: readonly NetworkPeer[];
  /** Ports the flow may use. An empty list is rejected: every allow rule names its ports. */
  readonly ports: readonly NetworkPort[];
}

/**
 * One explicit allow rule on top of a namespace's default deny: a NetworkPolicy that opens
 * exactly one direction to the named peers on the named ports.
 */
export class NetworkAllow extends Construct {
  constructor(scope: Construct, id: string, props: NetworkAllowProps) {
    super(scope, id);
    if (props.ports.length === 0) throw new Error(`network policy ${props.namespace}/${props.name}: an allow rule must name its ports`);
    if (props.peers.length === 0) throw new Error(`network policy ${props.namespace}/${props.name}: an allow rule must name its peers`);
    const peers = props.peers.flatMap((peer): Record<string, unknown>[] => {
      if (peer.cidrs) return peer.cidrs.map((cidr) => ({ ipBlock: { cidr } }));
      if (!peer.namespace) throw new Error(`network policy ${props.namespace}/${props.name}: a peer needs a namespace or cidrs`);
      return [
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': peer.namespace } },
          ...(peer.podLabels || peer.podExpressions
            ? {
                podSelector: {
                  ...(peer.podLabels ? { matchLabels: { ...peer.podLabels } } : {}),
                  ...(peer.podExpressions ? { matchExpressions: matchExpressions(peer.podExpressions) } : {}),
                },
              }
            : {}),
        },
      ];
    });
    const ports = props.ports.map((p) => ({ protocol: p.protocol ?? 'TCP', port: p.port }));
    const rule = props.direction === 'ingress' ? { ingress: [{ from: peers, ports }] } : { egress: [{ to: peers, ports }] };
    new ApiObject(this, 'policy', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: props.name, namespace: props.namespace },
      spec: {
        podSelector: {
          ...(props.podLabels ? { matchLabels: { ...props.podLabels } } : {}),
          ...(props.podExpressions ? { matchExpressions: matchExpressions(props.podExpressions) } : {}),
        },
        policyTypes: [props.direction === 'ingress' ? 'Ingress' : 'Egress'],
        ...rule,
      },
    });
  }
}

function matchExpressions(expressions: NonNullable<NetworkPeer['podExpressions']>): { key: string; operator: string; values?: string[] }[] {
  return expressions.map((e) => ({ key: e.key, operator: e.operator, ...(e.values ? { values: [...e.values] } : {}) }));
}
