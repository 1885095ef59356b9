import { CLUSTER_MATCHER, type ComponentDashboard } from '@ck8s/core';
import { FALCO_RULE_MATCHES, FALCOSIDEKICK_METRICS, FALCOSIDEKICK_OUTPUTS } from './falco-alerts.js';

/** falcosidekick's events received per `source` and `status` (accepted, rejected), stats_prometheus.go. */
const FALCOSIDEKICK_INPUTS = 'falcosecurity_falcosidekick_inputs_total';
const C = CLUSTER_MATCHER;

/** Intrusion detection: what Falco detects (by rule and priority) and whether falcosidekick delivers it. */
export const FALCO_DASHBOARD: ComponentDashboard = {
  name: 'falco',
  title: 'Intrusion detection (Falco)',
  description:
    "Falco's detections per cluster by rule and priority, and falcosidekick's delivery of them to the log store and Alertmanager (received, delivered, failed).",
  metrics: { [FALCO_RULE_MATCHES]: 'falco', [FALCOSIDEKICK_INPUTS]: FALCOSIDEKICK_METRICS, [FALCOSIDEKICK_OUTPUTS]: FALCOSIDEKICK_METRICS },
  rows: [
    {
      title: 'Detections',
      panels: [
        {
          title: 'Events by rule (top 10)',
          description:
            'Rule matches per hour of the ten noisiest rules: a rule that fires constantly on platform behaviour needs a named exception, not silence.',
          unit: 'short',
          queries: [
            { expr: `topk(10, sum by (cluster, rule_name) (increase(${FALCO_RULE_MATCHES}{${C}}[1h])))`, legend: '{{cluster}} {{rule_name}}' },
          ],
        },
        {
          title: 'Events by priority',
          description:
            'Rule matches per hour by priority as Falco numbers it: 0-2 emergency to critical (FalcoCriticalEvent), 3 error, 4 warning, 5 notice and below.',
          unit: 'short',
          queries: [{ expr: `sum by (cluster, priority) (increase(${FALCO_RULE_MATCHES}{${C}}[1h]))`, legend: '{{cluster}} priority {{priority}}' }],
        },
      ],
    },
    {
      title: 'Delivery (falcosidekick)',
      panels: [
        {
          title: 'Events received by falcosidekick',
          description: 'Events Falco hands to falcosidekick per second, by status: rejected events never reach an output.',
          unit: 'ops',
          queries: [{ expr: `sum by (cluster, status) (rate(${FALCOSIDEKICK_INPUTS}{${C}}[$__rate_interval]))`, legend: '{{cluster}} {{status}}' }],
        },
        {
          title: 'Deliveries by output',
          description: 'Events sent to each output (the log store, Alertmanager) per second, by status.',
          unit: 'ops',
          queries: [
            {
              expr: `sum by (cluster, destination, status) (rate(${FALCOSIDEKICK_OUTPUTS}{${C}}[$__rate_interval]))`,
              legend: '{{cluster}} {{destination}} {{status}}',
            },
          ],
        },
        {
          title: 'Delivery errors',
          description:
            'Events an output failed to take in the last 15 minutes: non-zero raises FalcoEventDeliveryFailing, and detections are missing from the log store or Alertmanager.',
          unit: 'short',
          queries: [
            {
              expr: `sum by (cluster, destination) (increase(${FALCOSIDEKICK_OUTPUTS}{${C}, status="error"}[15m]))`,
              legend: '{{cluster}} {{destination}}',
            },
          ],
        },
      ],
    },
  ],
};
