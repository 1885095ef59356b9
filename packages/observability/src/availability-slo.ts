import type { AlertTest } from '@ck8s/core';
import type { AlertingRule, RecordingRule, RuleGroup } from './prometheus-rule.js';

/** Job label of the availability probes; the rules select their `probe_success` by it. */
export const AVAILABILITY_JOB = 'availability';

/** Label naming the endpoint on every probe series and availability record. */
export const ENDPOINT_LABEL = 'endpoint';

/** The period the availability objective is measured over. */
export const SLO_PERIOD = '30d';

/**
 * Multi-window, multi-burn-rate alerts (Google SRE workbook, "Alerting on SLOs"): a burn rate of
 * 14.4 over 1h (and 5m, so the alert resets quickly) spends 2% of a 30-day error budget in an hour
 * and pages; 6 over 6h (and 30m) spends 5% in six hours and opens a ticket.
 */
export const BURN_RATE_ALERTS = [
  { alert: 'EndpointErrorBudgetBurnFast', severity: 'critical', burnRate: 14.4, longWindow: '1h', shortWindow: '5m', for: '2m' },
  { alert: 'EndpointErrorBudgetBurnSlow', severity: 'warning', burnRate: 6, longWindow: '6h', shortWindow: '30m', for: '15m' },
] as const;

/** Binary floating point turns 100 - 99.95 into 0.049999999999997; 12 significant digits undo that. */
function round(x: number): number {
  return Number(x.toPrecision(12));
}

/**
 * The error budget of an availability objective in percent, as a ratio: 99.95 gives 0.0005.
 * @throws Error naming the value when it is not a percentage below 100
 */
export function errorBudget(objectivePercent: number): number {
  if (!Number.isFinite(objectivePercent) || objectivePercent <= 0 || objectivePercent >= 100) {
    throw new Error(`availability objective ${objectivePercent} is not a percentage between 0 and 100 (e.g. 99.95)`);
  }
  return round((100 - objectivePercent) / 100);
}

/** The error ratio at which the budget burns `burnRate` times too fast: 14.4 at 99.95 gives 0.0072. */
export function burnRateThreshold(objectivePercent: number, burnRate: number): number {
  return round(burnRate * errorBudget(objectivePercent));
}

/** Name of the recorded error ratio of the probes over a window, e.g. `endpoint:probe_errors:ratio_rate1h`. */
export function errorRatioRecord(window: string): string {
  return `endpoint:probe_errors:ratio_rate${window}`;
}

/** Recorded availability over {@link SLO_PERIOD} per cluster and endpoint (0..1). */
export const AVAILABILITY_RECORD = 'endpoint:probe_success:ratio_avg30d';

/** Recorded share of the error budget left over {@link SLO_PERIOD} (1 untouched, 0 spent, below 0 overspent). */
export const ERROR_BUDGET_REMAINING_RECORD = 'endpoint:error_budget:remaining_ratio';

/**
 * The availability rules for an objective in percent: availability and remaining error budget over
 * 30 days per endpoint, the error ratio over every burn-rate window, and the burn-rate alerts.
 */
export function availabilityRuleGroups(objectivePercent: number): RuleGroup[] {
  const budget = errorBudget(objectivePercent);
  const success = `probe_success{job="${AVAILABILITY_JOB}"}`;
  const by = `by (cluster, ${ENDPOINT_LABEL})`;
  const windows = [...new Set(BURN_RATE_ALERTS.flatMap((a) => [a.shortWindow, a.longWindow]))];
  const ratios: RecordingRule[] = windows.map((w) => ({ record: errorRatioRecord(w), expr: `1 - avg ${by} (avg_over_time(${success}[${w}]))` }));
  const probe = (value: string): Record<string, string> => ({ [`${success.slice(0, -1)}, cluster="sc", ${ENDPOINT_LABEL}="grafana"}`]: value });
  // every probe fails from time 0: each alert fires once its windows and `for` have passed
  const failing = (at: string, description: string, summary: string): AlertTest[] => [
    {
      name: 'fires when every probe fails',
      series: probe('0x60'),
      at,
      fires: [{ labels: { cluster: 'sc', [ENDPOINT_LABEL]: 'grafana' }, description, summary }],
    },
    { name: 'stays quiet when every probe succeeds', series: probe('1x60'), at, fires: [] },
  ];
  const alerts: AlertingRule[] = BURN_RATE_ALERTS.map((a) => {
    const threshold = burnRateThreshold(objectivePercent, a.burnRate);
    const description =
      `Probes of {{ $labels.${ENDPOINT_LABEL} }} in cluster {{ $labels.cluster }} failed more than ${threshold} of the time over the last ${a.longWindow} and ${a.shortWindow} ` +
      `(${a.burnRate} x the error budget ${budget} of the ${objectivePercent}% objective over ${SLO_PERIOD}).`;
    return {
      alert: a.alert,
      expr: `${errorRatioRecord(a.longWindow)} > ${threshold} and ${errorRatioRecord(a.shortWindow)} > ${threshold}`,
      for: a.for,
      labels: { severity: a.severity },
      annotations: {
        summary: `Endpoint {{ $labels.${ENDPOINT_LABEL} }} burns its error budget ${a.burnRate} times too fast`,
        description,
      },
      tests: failing(
        '30m',
        `Probes of grafana in cluster sc failed more than ${threshold} of the time over the last ${a.longWindow} and ${a.shortWindow} (${a.burnRate} x the error budget ${budget} of the ${objectivePercent}% objective over ${SLO_PERIOD}).`,
        `Endpoint grafana burns its error budget ${a.burnRate} times too fast`,
      ),
    };
  });
  return [
    {
      name: 'availability-slo',
      // a 30-day range is expensive; once every five minutes is plenty for a 30-day figure
      interval: '5m',
      rules: [
        { record: AVAILABILITY_RECORD, expr: `avg ${by} (avg_over_time(${success}[${SLO_PERIOD}]))` },
        { record: ERROR_BUDGET_REMAINING_RECORD, expr: `1 - (1 - ${AVAILABILITY_RECORD}) / ${budget}` },
      ],
    },
    { name: 'availability-error-ratios', interval: '1m', rules: ratios },
    {
      name: 'availability-burn-rate',
      rules: [
        ...alerts,
        {
          alert: 'EndpointErrorBudgetExhausted',
          expr: `${ERROR_BUDGET_REMAINING_RECORD} <= 0`,
          for: '15m',
          labels: { severity: 'warning' },
          annotations: {
            summary: `Endpoint {{ $labels.${ENDPOINT_LABEL} }} missed its availability objective`,
            description: `{{ $labels.${ENDPOINT_LABEL} }} in cluster {{ $labels.cluster }} has spent its whole error budget (${budget}) of the last ${SLO_PERIOD}: availability is below ${objectivePercent}%.`,
          },
          tests: failing(
            '30m',
            `grafana in cluster sc has spent its whole error budget (${budget}) of the last ${SLO_PERIOD}: availability is below ${objectivePercent}%.`,
            'Endpoint grafana missed its availability objective',
          ),
        },
      ],
    },
  ];
}
