import type { ClusterConfig } from '@ck8s/core';

/** A parsed document of a cluster's committed output. */
export interface OutputObject {
  /** File it was read from, relative to the repository root. */
  readonly file: string;

  readonly doc: any;
}

/** What a control sees of one cluster. */
export interface ControlContext {
  readonly cluster: ClusterConfig;
  /** Every Kubernetes object of the Flux layers. */
  readonly objects: readonly OutputObject[];
  /** Documents of the node folder (audit policy, kubeadm and Talos patches), keyed by file name. */
  readonly nodeFiles: ReadonlyMap<string, OutputObject>;
  /** Admission policies the cluster must have, by name (from the policy library). */
  readonly expectedPolicies: { readonly podSecurity: readonly string[]; readonly platform: readonly string[] };
  /** Problems the secrets check found in this cluster's files. */
  readonly secretProblems: readonly string[];
}

/** Where a control comes from in the frameworks auditors use. */
export interface ControlMapping {
  /** CIS Kubernetes Benchmark recommendation numbers. */
  readonly cis: readonly string[];
  /** Sections of the NSA-CISA Kubernetes Hardening Guide. */
  readonly nsa: readonly string[];
  /** Kubescape control ids. */
  readonly kubescape: readonly string[];
}

/** An admission rule the cluster enforces below deny, as its binding records it. */
export interface WeakenedRule {
  /** The policy, e.g. `ck8s-image-tag`. */
  readonly policy: string;
  /** What a violation does instead of being denied. */
  readonly enforcement: 'warn' | 'audit';
  /** Why, from the binding's platform.ck8s.io/enforcement-reason annotation. */
  readonly reason: string;
}

export interface ControlOutcome {
  /** What was wrong; the control passes when empty. */
  readonly findings: readonly string[];
  /** The objects that evidence the control (`file: Kind namespace/name`). */
  readonly objects: readonly string[];
  /** Configured exceptions that weaken the control, with their reasons. @default none */
  readonly exceptions?: readonly string[];
  /** Rules enforced below deny everywhere, with their reasons: the control then holds only as a warning or audit record. @default none */
  readonly weakened?: readonly WeakenedRule[];
}

/** One platform invariant, checked on the generated output. */
export interface Control extends ControlMapping {
  /** Stable id, e.g. CK8S-NET-001. */
  readonly id: string;
  readonly title: string;
  readonly evaluate: (context: ControlContext) => ControlOutcome;
}

export interface ControlResult extends ControlMapping {
  readonly id: string;
  readonly title: string;
  /** fail: findings; weakened: no findings, but a rule it stands on does not deny; pass: neither. */
  readonly status: 'pass' | 'weakened' | 'fail';
  readonly findings: readonly string[];
  readonly objects: readonly string[];
  readonly exceptions: readonly string[];
  readonly weakened: readonly WeakenedRule[];
}

/** `file: Kind namespace/name`, the way controls cite evidence. */
export function describeObject(object: OutputObject): string {
  const { kind, metadata } = object.doc;
  const ns = metadata?.namespace ? `${metadata.namespace}/` : '';
  return `${object.file}: ${kind} ${ns}${metadata?.name ?? ''}`;
}

export function ofKind(objects: readonly OutputObject[], ...kinds: string[]): OutputObject[] {
  return objects.filter((o) => kinds.includes(o.doc?.kind));
}
