import { ENFORCEMENT_REASON_ANNOTATION } from '@ck8s/core';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { AdmissionRule, Enforcement } from './admission-rule.js';

/** Annotation on a binding that lists the namespaces it skips and why. */
export const EXCEPTIONS_ANNOTATION = 'platform.ck8s.io/exceptions';

/** A namespace a rule does not apply to, with the reason from cluster.yaml. */
export interface BindingException {
  readonly namespace: string;
  readonly reason: string;
}

export interface AdmissionPolicyProps {
  readonly rule: AdmissionRule;
  /** What a failed validation does. @default 'deny' */
  readonly enforcement?: Enforcement;
  /** Why the rule does not deny; required for warn and audit, and written on the binding. @default none */
  readonly enforcementReason?: string;
  /** Tenant namespaces the rule skips. @default none */
  readonly exceptions?: readonly BindingException[];
  /** Whether the rule is bound to the tenants' namespaces (or `default`, by its scope); false for a rule of the platform's namespaces only. @default true */
  readonly bindTenants?: boolean;
}

/** Name of the binding that holds the platform's own namespaces to a rule. */
export function platformBindingName(ruleId: string): string {
  return `${policyName(ruleId)}-platform`;
}

/** Binding actions per enforcement; Deny and Warn may not be combined, Audit adds the failure to the audit log. */
const ACTIONS: Record<Enforcement, string[]> = { deny: ['Deny'], warn: ['Warn', 'Audit'], audit: ['Audit'] };

/** Name of the policy and binding of a rule. */
export function policyName(ruleId: string): string {
  return `ck8s-${ruleId}`;
}

/**
 * A rule as a Kubernetes-native ValidatingAdmissionPolicy (enforced by the API server itself,
 * failing closed) and its binding, which selects the namespaces (tenants minus exceptions, or
 * `default`) and the enforcement action.
 */
export class AdmissionPolicy extends Construct {
  private readonly ruleId: string;

  constructor(scope: Construct, id: string, props: AdmissionPolicyProps) {
    super(scope, id);
    const { rule } = props;
    this.ruleId = rule.id;
    const name = policyName(rule.id);
    const exceptions = [...(props.exceptions ?? [])].sort((a, b) => a.namespace.localeCompare(b.namespace));
    const enforcement = props.enforcement ?? 'deny';
    const reason = props.enforcementReason?.trim();
    // a rule that does not deny is an exception for every tenant: it says why, like any other
    if (enforcement !== 'deny' && !reason) throw new Error(`admission rule ${rule.id}: enforcement "${enforcement}" needs a reason`);
    const annotations = {
      ...(exceptions.length > 0 ? { [EXCEPTIONS_ANNOTATION]: exceptions.map((e) => `${e.namespace}: ${e.reason}`).join('\n') } : {}),
      ...(enforcement !== 'deny' ? { [ENFORCEMENT_REASON_ANNOTATION]: reason! } : {}),
    };

    new ApiObject(this, 'policy', {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: {
        name,
        annotations: {
          'platform.ck8s.io/title': rule.title,
          ...(rule.level ? { 'platform.ck8s.io/pod-security-level': rule.level } : {}),
          ...(rule.podSecurityVersion ? { 'platform.ck8s.io/pod-security-version': rule.podSecurityVersion } : {}),
        },
      },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: rule.match.map((m) => ({
            apiGroups: m.apiGroups,
            apiVersions: m.apiVersions,
            resources: m.resources,
            operations: m.operations,
          })),
        },
        ...(rule.matchConditions && rule.matchConditions.length > 0 ? { matchConditions: rule.matchConditions } : {}),
        ...(rule.variables.length > 0 ? { variables: rule.variables } : {}),
        validations: rule.validations.map((v) => ({
          expression: v.expression,
          message: v.message,
          ...(v.messageExpression ? { messageExpression: v.messageExpression } : {}),
          reason: 'Forbidden',
        })),
      },
    });

    const namespaceSelector =
      rule.scope === 'default-namespace'
        ? { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['default'] }] }
        : {
            matchExpressions: [
              { key: 'platform.ck8s.io/tenant', operator: 'Exists' },
              ...(exceptions.length > 0
                ? [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: exceptions.map((e) => e.namespace) }]
                : []),
            ],
          };

    if (props.bindTenants === false) return;
    new ApiObject(this, 'binding', {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: {
        name,
        ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      },
      spec: {
        policyName: name,
        validationActions: ACTIONS[enforcement],
        matchResources: { namespaceSelector },
      },
    });
  }

  /**
   * Binds the rule to the platform's own namespaces, by name (`ck8s-<rule>-platform`), denying; the
   * namespaces of `exceptions` are left out and listed on the binding with their reasons.
   */
  bindPlatform(namespaces: readonly string[], exceptions: readonly BindingException[]): void {
    const excepted = new Set(exceptions.map((e) => e.namespace));
    const bound = [...new Set(namespaces)].filter((n) => !excepted.has(n)).sort();
    if (bound.length === 0) return;
    const name = platformBindingName(this.ruleId);
    const lines = [...exceptions].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.reason.localeCompare(b.reason));
    new ApiObject(this, 'platform-binding', {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: {
        name,
        ...(lines.length > 0 ? { annotations: { [EXCEPTIONS_ANNOTATION]: lines.map((e) => `${e.namespace}: ${e.reason}`).join('\n') } } : {}),
      },
      spec: {
        policyName: policyName(this.ruleId),
        validationActions: ACTIONS.deny,
        matchResources: { namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: bound }] } },
      },
    });
  }
}
