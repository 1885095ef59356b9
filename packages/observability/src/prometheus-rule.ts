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
  /**
   * URL of the runbook page (RUNBOOKS_FILE in the fleet repository): every alerting rule gets a
   * `runbook_url` annotation to its section, `<url>#<alert name in lowercase>`.
   * @default no runbook links
   */
  readonly runbookUrl?: string;
}

/** The runbook page of the platform's alerts in the fleet repository: one section per alert, headed by its name. */
export const RUNBOOKS_FILE = 'docs/runbooks.md';

/** The link to an alert's section of the runbook page (a Markdown heading `## AlertName` has the anchor `alertname`). */
export function runbookLink(runbookUrl: string, alert: string): string {
  return `${runbookUrl}#${alert.toLowerCase()}`;
}

/**
 * The browsable URL of RUNBOOKS_FILE on a branch of the fleet repository, from its clone URL
 * (`https://host/path.git`, `ssh://git@host/path.git` or `git@host:path.git`), in the
 * `/blob/<branch>/` form of GitHub and Gitea.
 */
export function runbooksUrl(repository: string, branch: string): string {
  const scp = /^[^@/]+@([^:/]+):(.+)$/.exec(repository);
  const url = scp ? new URL(`https://${scp[1]}/${scp[2]}`) : new URL(repository);
  const repoPath = url.pathname.replace(/\.git$/, '').replace(/\/+$/, '');
  return `https://${url.hostname}${repoPath}/blob/${branch}/${RUNBOOKS_FILE}`;
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
      spec: {
        groups: props.groups.map((g) => ({
          ...g,
          rules: g.rules.map((r) =>
            props.runbookUrl && isAlertingRule(r)
              ? { ...r, annotations: { ...r.annotations, runbook_url: runbookLink(props.runbookUrl, r.alert) } }
              : { ...r },
          ),
        })),
      },
    });
  }
}

/** Whether a rule is an alerting rule. */
export function isAlertingRule(rule: AlertingRule | RecordingRule): rule is AlertingRule {
  return 'alert' in rule;
}
