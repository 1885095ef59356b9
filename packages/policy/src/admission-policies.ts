import { type ClusterConfig, clusterConfigPath, Component, type ConfigProblem, ConfigError, ruleEnforcement } from '@ck8s/core';
import type { Construct } from 'constructs';
import type { AdmissionRule } from './admission-rule.js';
import { AdmissionPolicy, type BindingException } from './admission-policy.js';

export interface AdmissionPoliciesProps {
  /** The cluster, with defaults applied: enforcement and exceptions come from its `policy` block. */
  readonly cluster: ClusterConfig;
  /** The rules to enforce (Pod Security Standards and platform rules). */
  readonly rules: readonly AdmissionRule[];
}

/** Exceptions implied by tenant settings, so they show up like configured ones. */
export function tenantExceptions(cluster: ClusterConfig): { namespace: string; rule: string; reason: string }[] {
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
    const { cluster, rules } = props;
    const file = clusterConfigPath(cluster.name);
    const ids = rules.map((r) => r.id);
    const problems: ConfigProblem[] = [];
    for (const ruleId of Object.keys(cluster.policy.enforcement)) {
      if (!ids.includes(ruleId)) problems.push({ file, path: `policy.enforcement.${ruleId}`, message: `unknown rule; rules: ${ids.join(', ')}` });
    }
    cluster.policy.exceptions.forEach((e, i) => {
      if (!ids.includes(e.rule))
        problems.push({ file, path: `policy.exceptions[${i}].rule`, message: `"${e.rule}" is not a rule; rules: ${ids.join(', ')}` });
    });
    if (problems.length > 0) throw new ConfigError(problems);

    const exceptions = [...cluster.policy.exceptions, ...tenantExceptions(cluster)];
    for (const rule of rules) {
      const { action, reason } = ruleEnforcement(cluster, rule.id);
      new AdmissionPolicy(this, rule.id, {
        rule,
        enforcement: action,
        ...(reason ? { enforcementReason: reason } : {}),
        exceptions: exceptions.filter((e) => e.rule === rule.id).map((e): BindingException => ({ namespace: e.namespace, reason: e.reason })),
      });
    }
  }
}
