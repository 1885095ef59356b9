import { type ClusterConfig, Component, type ConfigProblem, ConfigError, type RuleEnforcement } from '@ck8s/core';
import type { Construct } from 'constructs';
import type { AdmissionRule } from './admission-rule.js';
import { AdmissionPolicy, type BindingException } from './admission-policy.js';

/** One namespace exempt from one rule, with why. */
export interface AdmissionException {
  readonly namespace: string;
  readonly rule: string;
  readonly reason: string;
}

export interface AdmissionPoliciesProps {
  /** The rules to enforce (Pod Security Standards and platform rules). */
  readonly rules: readonly AdmissionRule[];
  /** Rules enforced other than by denying, by rule id (cluster.yaml's `policy.enforcement`). @default {} (every rule denies) */
  readonly enforcement?: Readonly<Record<string, RuleEnforcement>>;
  /**
   * Namespaces exempt from a rule: cluster.yaml's `policy.exceptions` first (errors name their index
   * there), then any implied by other settings.
   * @default [] (no exceptions)
   */
  readonly exceptions?: readonly AdmissionException[];
  /** The file enforcement and exceptions come from, named in errors about them. @default 'cluster.yaml' */
  readonly configFile?: string;
}

/** Exceptions implied by tenant settings, so they show up like configured ones. */
export function tenantExceptions(cluster: ClusterConfig): AdmissionException[] {
  return cluster.tenants.flatMap((t) => [
    ...(t.allowLoadBalancer ? [{ namespace: t.name, rule: 'service-load-balancer', reason: 'tenant setting allowLoadBalancer: true' }] : []),
    ...(t.allowNodePort ? [{ namespace: t.name, rule: 'service-node-port', reason: 'tenant setting allowNodePort: true' }] : []),
  ]);
}

/**
 * Every admission rule of a cluster as a ValidatingAdmissionPolicy and binding
 * (`policies/admission-policies.yaml`), with the enforcement action and exceptions from
 * cluster.yaml. Unknown rule ids in the config are errors, so a typo never disables nothing.
 */
export class AdmissionPolicies extends Component {
  constructor(scope: Construct, id: string, props: AdmissionPoliciesProps) {
    super(scope, id, { layer: 'policies' });
    const { rules, enforcement = {}, exceptions = [] } = props;
    const file = props.configFile ?? 'cluster.yaml';
    const ids = rules.map((r) => r.id);
    const problems: ConfigProblem[] = [];
    for (const ruleId of Object.keys(enforcement)) {
      if (!ids.includes(ruleId)) problems.push({ file, path: `policy.enforcement.${ruleId}`, message: `unknown rule; rules: ${ids.join(', ')}` });
    }
    exceptions.forEach((e, i) => {
      if (!ids.includes(e.rule))
        problems.push({ file, path: `policy.exceptions[${i}].rule`, message: `"${e.rule}" is not a rule; rules: ${ids.join(', ')}` });
    });
    if (problems.length > 0) throw new ConfigError(problems);

    for (const rule of rules) {
      const { action, reason } = enforcement[rule.id] ?? { action: 'deny' };
      new AdmissionPolicy(this, rule.id, {
        rule,
        enforcement: action,
        ...(reason ? { enforcementReason: reason } : {}),
        exceptions: exceptions.filter((e) => e.rule === rule.id).map((e): BindingException => ({ namespace: e.namespace, reason: e.reason })),
      });
    }
  }
}
