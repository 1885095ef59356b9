import { type ComponentAlertGroup, FLUX_RESOURCE_INFO } from '@ck8s/core';

/** Flux's alerts: an object that is not Ready means what is in git is not what runs. */
export const FLUX_READINESS_ALERTS: ComponentAlertGroup = {
  name: 'gitops-flux',
  alerts: [
    {
      alert: 'FluxResourceNotReady',
      severity: 'warning',
      expr: `max by (cluster, customresource_kind, exported_namespace, name) (${FLUX_RESOURCE_INFO}{ready="False", suspended!="true"}) > 0`,
      for: '15m',
      summary: 'A Flux object is not ready',
      description:
        '{{ $labels.customresource_kind }} {{ $labels.exported_namespace }}/{{ $labels.name }} in cluster {{ $labels.cluster }} has not been ready for 15 minutes: what is in git is not what runs.',
      // kube-state-metrics reads the Flux objects' status (the metrics stack's custom resource state)
      metrics: { [FLUX_RESOURCE_INFO]: 'kube-state-metrics' },
      tests: [
        {
          name: 'fires when a Flux object is not ready for 15 minutes',
          series: {
            [`${FLUX_RESOURCE_INFO}{cluster="sc", customresource_kind="HelmRelease", exported_namespace="monitoring", name="kube-prometheus-stack", ready="False", suspended="false"}`]:
              '1x20',
          },
          at: '17m',
          fires: [
            {
              labels: { cluster: 'sc', customresource_kind: 'HelmRelease', exported_namespace: 'monitoring', name: 'kube-prometheus-stack' },
              description:
                'HelmRelease monitoring/kube-prometheus-stack in cluster sc has not been ready for 15 minutes: what is in git is not what runs.',
            },
          ],
        },
        {
          name: 'stays quiet for a suspended object',
          series: {
            [`${FLUX_RESOURCE_INFO}{cluster="sc", customresource_kind="HelmRelease", exported_namespace="monitoring", name="kube-prometheus-stack", ready="False", suspended="true"}`]:
              '1x20',
          },
          at: '17m',
          fires: [],
        },
      ],
    },
  ],
};
