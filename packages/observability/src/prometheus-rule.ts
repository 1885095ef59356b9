import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

export type AlertSeverity = 'critical' | 'warning' | 'info';

/** An alerting rule. Every platform alert says how bad it is and what happened where. */
export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  /** How long the condition must hold before the alert fires. @default fires at once */
  readonly for?: string;
  readonly labels: { readonly severity: AlertSeverity } & Readonly<Record<string, string>>;
  readonly annotations: { readonly summary: string; readonly description: string } & Readonly<Record<string, string>>;
}

/** A recording rule. */
export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface RuleGroup {
  readonly name: string;
  /** Evaluation interval of the group. @default Prometheus's evaluation interval */
  readonly interval?: string;
  readonly rules: readonly (AlertingRule | RecordingRule)[];
}

export interface PrometheusRuleProps {
  readonly name: string;
  readonly namespace: string;
  readonly groups: readonly RuleGroup[];
}

/** A `monitoring.coreos.com/v1` PrometheusRule: rule groups Prometheus loads from any namespace. */
export class PrometheusRule extends Construct {
  public readonly groups: readonly RuleGroup[];

  constructor(scope: Construct, id: string, props: PrometheusRuleProps) {
    super(scope, id);
    if (props.groups.length === 0) throw new Error(`prometheus rule ${props.namespace}/${props.name}: a rule needs at least one group`);
    const names = new Set<string>();
    for (const group of props.groups) {
      if (names.has(group.name)) throw new Error(`prometheus rule ${props.namespace}/${props.name}: group "${group.name}" appears twice`);
      names.add(group.name);
    }
    this.groups = props.groups;
    new ApiObject(this, 'rule', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: props.name, namespace: props.namespace },
      spec: { groups: props.groups.map((g) => ({ ...g, rules: g.rules.map((r) => ({ ...r })) })) },
    });
  }
}

/** Whether a rule is an alerting rule. */
export function isAlertingRule(rule: AlertingRule | RecordingRule): rule is AlertingRule {
  return 'alert' in rule;
}
