import type { ClusterConfig } from './cluster-config-schema.js';

/** What a failed admission rule does: deny the request, warn the client, or only record it in the audit log. */
export type EnforcementAction = 'deny' | 'warn' | 'audit';

/** The enforcement of one rule as cluster.yaml sets it. */
export interface RuleEnforcement {
  readonly action: EnforcementAction;
  /** Why the rule does not deny; always set for warn and audit (the config loader requires it). @default none */
  readonly reason?: string;
}

/** A rule the cluster enforces below deny, with the reason given for it. */
export interface WeakenedEnforcement {
  readonly rule: string;
  readonly action: Exclude<EnforcementAction, 'deny'>;
  readonly reason: string;
}

/** The enforcement of a rule: `policy.enforcement.<rule>` in either form, or deny. */
export function ruleEnforcement(cluster: ClusterConfig, rule: string): RuleEnforcement {
  const value = cluster.policy.enforcement[rule];
  if (value === undefined) return { action: 'deny' };
  if (typeof value === 'string') return { action: value };
  return { action: value.action, reason: value.reason };
}

/**
 * Every rule enforced below deny, sorted by rule id.
 * @throws Error when one has no reason (the config loader rejects that, so only hand-built configs can)
 */
export function weakenedEnforcements(cluster: ClusterConfig): WeakenedEnforcement[] {
  return Object.keys(cluster.policy.enforcement)
    .sort()
    .flatMap((rule) => {
      const { action, reason } = ruleEnforcement(cluster, rule);
      if (action === 'deny') return [];
      if (!reason) throw new Error(`cluster ${cluster.name}: policy.enforcement.${rule} is ${action} without a reason`);
      return [{ rule, action, reason }];
    });
}
