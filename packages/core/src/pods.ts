import type { NetworkPeer } from './network-allow.js';

/** A label expression of a pod selector. */
export interface LabelExpression {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values?: readonly string[];
}

/**
 * A set of pods in one namespace: what a component runs, as its chart labels it. Flows, metrics
 * endpoints and served endpoints name pods this way, and the NetworkPolicies derived from them
 * select exactly these pods.
 */
export interface Pods {
  /** Short readable name of the pods, a DNS label; derived NetworkPolicies are named after it (`allow-<from>-to-<to>`). */
  readonly name: string;
  readonly namespace: string;
  /** Labels that select the pods. @default every pod of the namespace (with no `expressions` either) */
  readonly labels?: Readonly<Record<string, string>>;
  /** Label expressions that select the pods, for sets one label value cannot name. @default none */
  readonly expressions?: readonly LabelExpression[];
}

/** Whether the pods are the whole namespace (no selector). */
export function isWholeNamespace(pods: Pods): boolean {
  return !pods.labels && !pods.expressions;
}

/** The pods as the peer of a NetworkPolicy rule in another namespace (or their own). */
export function podsPeer(pods: Pods): NetworkPeer {
  return {
    namespace: pods.namespace,
    ...(pods.labels ? { podLabels: pods.labels } : {}),
    ...(pods.expressions ? { podExpressions: pods.expressions } : {}),
  };
}

/** A key that identifies a pod set by namespace and selector, to find the same pods declared twice. */
export function podsKey(pods: Pods): string {
  return JSON.stringify([pods.namespace, pods.labels ?? null, pods.expressions ?? null]);
}
