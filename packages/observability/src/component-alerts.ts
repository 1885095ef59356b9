import { Component, type ComponentAlert, type ComponentAlertGroup } from '@ck8s/core';
import type { Construct } from 'constructs';
import { MONITORING_NAMESPACE } from './monitoring-names.js';
import { type AlertingRule, PrometheusRule, type RuleGroup } from './prometheus-rule.js';

export interface ComponentAlertsProps {
  /**
   * The alert groups the components of this cluster and of its workload clusters declare. A group
   * declared by several clusters (the same component runs in each) must be the same everywhere.
   */
  readonly groups: readonly ComponentAlertGroup[];
  /** URL of the runbook page, for the alerts' `runbook_url` (see runbooksUrl). */
  readonly runbookUrl: string;
}

function rule(a: ComponentAlert): AlertingRule {
  return {
    alert: a.alert,
    expr: a.expr,
    ...(a.for ? { for: a.for } : {}),
    labels: { severity: a.severity },
    annotations: { summary: a.summary, description: a.description },
    ...(a.tests ? { tests: a.tests } : {}),
  };
}

/**
 * The alerts the components declare on their own failure modes (`platform/component-alerts.yaml`):
 * one PrometheusRule in the service cluster, one group per declared group, sorted by name, each
 * alert linked to its runbook section. Every series carries a `cluster` label, so one rule covers
 * the component in every cluster that reports here.
 */
export class ComponentAlerts extends Component {
  public readonly rule: PrometheusRule;

  constructor(scope: Construct, id: string, props: ComponentAlertsProps) {
    super(scope, id, { layer: 'platform' });
    const groups = new Map<string, ComponentAlertGroup>();
    const alertNames = new Set<string>();
    for (const group of props.groups) {
      const seen = groups.get(group.name);
      if (seen) {
        if (JSON.stringify(seen) !== JSON.stringify(group))
          throw new Error(`component alerts: group ${group.name} is declared twice with different alerts`);
        continue;
      }
      // an alert may have several rules in its group (one per workload cluster), never a second group
      const names = new Set(group.alerts.map((a) => a.alert));
      for (const name of names) {
        if (alertNames.has(name)) throw new Error(`component alerts: alert ${name} is declared in two groups`);
        alertNames.add(name);
      }
      groups.set(group.name, group);
    }
    const ruleGroups: RuleGroup[] = [...groups.values()]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((g) => ({ name: g.name, rules: g.alerts.map(rule) }));
    this.rule = new PrometheusRule(this, 'rule', {
      name: 'component-alerts',
      namespace: MONITORING_NAMESPACE,
      groups: ruleGroups,
      runbookUrl: props.runbookUrl,
    });
  }
}
