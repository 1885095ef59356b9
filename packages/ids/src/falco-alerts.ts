import type { ComponentAlertGroup } from '@ck8s/core';

/** falcosidekick's counter of events sent per output (`destination`) and `status` (ok, error), falcosidekick 2.31 (stats_prometheus.go). */
export const FALCOSIDEKICK_OUTPUTS = 'falcosecurity_falcosidekick_outputs_total';

/** Name of falcosidekick's metrics endpoint (its HTTP port serves /metrics). */
export const FALCOSIDEKICK_METRICS = 'falcosidekick';

/** Falco's alerts on its own delivery: an event that never leaves the cluster is a detection nobody sees. */
export const FALCO_ALERTS: ComponentAlertGroup = {
  name: 'falco',
  alerts: [
    {
      alert: 'FalcoEventDeliveryFailing',
      severity: 'critical',
      expr: `sum by (cluster, destination) (increase(${FALCOSIDEKICK_OUTPUTS}{status="error"}[15m])) > 0`,
      summary: 'Falco events are not reaching an output',
      description:
        "falcosidekick in cluster {{ $labels.cluster }} failed {{ $value }} times in the last 15 minutes to send events to {{ $labels.destination }}: intrusion detection events may be missing from the log store or Alertmanager. Check falcosidekick's logs (kubectl -n falco logs deploy/falco-falcosidekick) and its credentials Secret.",
      metrics: { [FALCOSIDEKICK_OUTPUTS]: FALCOSIDEKICK_METRICS },
      tests: [
        {
          name: 'fires when an event could not be sent',
          series: { [`${FALCOSIDEKICK_OUTPUTS}{cluster="sc", destination="opensearch", status="error"}`]: '0x10 1x10' },
          at: '12m',
          fires: [
            {
              labels: { cluster: 'sc', destination: 'opensearch' },
              description:
                "falcosidekick in cluster sc failed 1 times in the last 15 minutes to send events to opensearch: intrusion detection events may be missing from the log store or Alertmanager. Check falcosidekick's logs (kubectl -n falco logs deploy/falco-falcosidekick) and its credentials Secret.",
            },
          ],
        },
        {
          name: 'stays quiet while events are sent',
          series: { [`${FALCOSIDEKICK_OUTPUTS}{cluster="sc", destination="opensearch", status="ok"}`]: '0+5x20' },
          at: '12m',
          fires: [],
        },
      ],
    },
  ],
};

/** Falco's own Prometheus metrics (port 8765, `metrics.enabled`, the `falco` endpoint): matches per rule and numeric priority. */
export const FALCO_RULE_MATCHES = 'falcosecurity_falco_rules_matches_total';

/**
 * Falco priorities as Falco numbers them in its metrics (0 emergency ... 7 debug): emergency, alert
 * and critical are 0-2; error and warning 3-4.
 */
export const FALCO_PRIORITY = { critical: '[0-2]', warningOrWorse: '[0-4]', warningOrError: '[34]' } as const;

/** Falco's detections at warning and above: each one is an operator's to look at, in the log store's falco index. */
export const FALCO_EVENT_ALERTS: ComponentAlertGroup = {
  name: 'intrusion-detection',
  alerts: [
    {
      alert: 'FalcoCriticalEvent',
      severity: 'critical',
      expr: `sum by (cluster, rule_name, priority) (increase(${FALCO_RULE_MATCHES}{priority=~"${FALCO_PRIORITY.critical}"}[5m])) > 0`,
      summary: 'Falco detected a critical event',
      description:
        'Falco rule "{{ $labels.rule_name }}" (priority {{ $labels.priority }}: 0 emergency, 1 alert, 2 critical) matched {{ $value }} times in cluster {{ $labels.cluster }} in the last 5 minutes. Details are in the log store (index falco).',
      metrics: { [FALCO_RULE_MATCHES]: 'falco' },
      tests: [
        {
          name: 'fires when a critical rule matched',
          series: { [`${FALCO_RULE_MATCHES}{cluster="sc", rule_name="Terminal shell in container", priority="2"}`]: '0x10 1x10' },
          at: '12m',
          fires: [
            {
              labels: { cluster: 'sc', rule_name: 'Terminal shell in container', priority: '2' },
              description:
                'Falco rule "Terminal shell in container" (priority 2: 0 emergency, 1 alert, 2 critical) matched 1 times in cluster sc in the last 5 minutes. Details are in the log store (index falco).',
            },
          ],
        },
        {
          name: 'stays quiet for a notice',
          series: { [`${FALCO_RULE_MATCHES}{cluster="sc", rule_name="Terminal shell in container", priority="5"}`]: '0x10 1x10' },
          at: '12m',
          fires: [],
        },
      ],
    },
    {
      alert: 'FalcoWarningEvent',
      severity: 'warning',
      expr: `sum by (cluster, rule_name, priority) (increase(${FALCO_RULE_MATCHES}{priority=~"${FALCO_PRIORITY.warningOrError}"}[5m])) > 0`,
      summary: 'Falco detected a suspicious event',
      description:
        'Falco rule "{{ $labels.rule_name }}" (priority {{ $labels.priority }}: 3 error, 4 warning) matched {{ $value }} times in cluster {{ $labels.cluster }} in the last 5 minutes. Details are in the log store (index falco).',
      metrics: { [FALCO_RULE_MATCHES]: 'falco' },
      tests: [
        {
          name: 'fires when a warning rule matched',
          series: { [`${FALCO_RULE_MATCHES}{cluster="sc", rule_name="Read sensitive file untrusted", priority="4"}`]: '0x10 1x10' },
          at: '12m',
          fires: [
            {
              labels: { cluster: 'sc', rule_name: 'Read sensitive file untrusted', priority: '4' },
              description:
                'Falco rule "Read sensitive file untrusted" (priority 4: 3 error, 4 warning) matched 1 times in cluster sc in the last 5 minutes. Details are in the log store (index falco).',
            },
          ],
        },
        {
          name: 'stays quiet for a critical event, which FalcoCriticalEvent reports',
          series: { [`${FALCO_RULE_MATCHES}{cluster="sc", rule_name="Terminal shell in container", priority="2"}`]: '0x10 1x10' },
          at: '12m',
          fires: [],
        },
      ],
    },
  ],
};
