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
    },
  ],
};
