import type { EnforcementAction } from '@ck8s/core';

/**
 * What happens when an admission rule fails: deny the request, return a warning to the
 * client, or record it in the audit log. Maps to a ValidatingAdmissionPolicyBinding's
 * `validationActions` (Deny, Warn, Audit).
 */
export type Enforcement = EnforcementAction;

/** Pod Security Standards level of a check. */
export type PodSecurityLevel = 'baseline' | 'restricted';

/** Where a rule applies. */
export type RuleScope =
  /** every tenant namespace (labelled `platform.ck8s.io/tenant`), minus configured exceptions */
  | 'tenants'
  /** the `default` namespace only */
  | 'default-namespace';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

/** A resource rule of a policy's matchConstraints. */
export interface ResourceMatch {
  readonly apiGroups: readonly string[];
  readonly apiVersions: readonly string[];
  /** Plural resource names, optionally with a subresource (`pods/ephemeralcontainers`). */
  readonly resources: readonly string[];
  readonly operations: readonly Operation[];
}

/** A named CEL expression, as in a policy's `variables` or `matchConditions`. */
export interface CelNamedExpression {
  readonly name: string;
  readonly expression: string;
}

/** One validation of a policy: the request is admitted when `expression` is true. */
export interface CelValidation {
  readonly expression: string;
  /** Static message, used when messageExpression is absent or fails. */
  readonly message: string;
  /** CEL expression that builds a more specific message (e.g. naming the containers). @default none */
  readonly messageExpression?: string;
}

/**
 * One admission rule: everything needed to generate a Kubernetes-native
 * ValidatingAdmissionPolicy and to evaluate the same CEL offline (`ck8s policy eval`).
 */
export interface AdmissionRule {
  /** Stable id, e.g. `pss-privileged`; the policy is named `ck8s-<id>`. */
  readonly id: string;
  /** One line: what the rule enforces. */
  readonly title: string;
  /** Pod Security Standards level, for the checks of the standard. @default none (a platform rule) */
  readonly level?: PodSecurityLevel;
  /** Pod Security policy version the check implements, e.g. `v1.33`. @default none (a platform rule) */
  readonly podSecurityVersion?: string;
  readonly scope: RuleScope;
  readonly match: readonly ResourceMatch[];
  /** Requests the rule does not look at (e.g. Flux's own service account). @default none */
  readonly matchConditions?: readonly CelNamedExpression[];
  /** Evaluated in order; later ones may use earlier ones as `variables.<name>`. */
  readonly variables: readonly CelNamedExpression[];
  readonly validations: readonly CelValidation[];
}
