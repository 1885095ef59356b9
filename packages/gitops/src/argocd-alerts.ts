import type { ComponentAlertGroup } from '@ck8s/core';

/**
 * Argo CD's gauge per Application (application-controller, port 8082, Argo CD 3.6
 * controller/metrics): value 1, labelled `name`, `project`, `sync_status` (Synced, OutOfSync,
 * Unknown), `health_status` (Healthy, Progressing, Suspended, Degraded, Missing, Unknown), `repo`,
 * `dest_namespace`, `operation` and `phase`.
 */
export const ARGOCD_APP_INFO = 'argocd_app_info';

/** Name of the application-controller's metrics endpoint, which serves ARGOCD_APP_INFO. */
export const ARGOCD_CONTROLLER_METRICS = 'argocd-application-controller';

const source = { [ARGOCD_APP_INFO]: ARGOCD_CONTROLLER_METRICS };
const app = (sync: string, health: string): string =>
  `${ARGOCD_APP_INFO}{cluster="wc", namespace="argocd", name="platform-controllers", project="platform", sync_status="${sync}", health_status="${health}"}`;

/** Argo CD's alerts, the equivalent of Flux's FluxResourceNotReady: what is in git is not what runs. */
export const ARGOCD_ALERTS: ComponentAlertGroup = {
  name: 'gitops-argocd',
  alerts: [
    {
      alert: 'ArgoCdApplicationOutOfSync',
      severity: 'warning',
      expr: `max by (cluster, name, sync_status) (${ARGOCD_APP_INFO}{sync_status!="Synced"}) > 0`,
      for: '15m',
      summary: 'An Argo CD Application is not synced',
      description:
        'Application {{ $labels.name }} in cluster {{ $labels.cluster }} has been {{ $labels.sync_status }} for 15 minutes: what is in git is not what runs. Check kubectl -n argocd get application {{ $labels.name }} -o yaml (status.conditions, status.operationState).',
      metrics: source,
      tests: [
        {
          name: 'fires when an Application is out of sync for 15 minutes',
          series: { [app('OutOfSync', 'Healthy')]: '1x20' },
          at: '17m',
          fires: [
            {
              labels: { cluster: 'wc', name: 'platform-controllers', sync_status: 'OutOfSync' },
              description:
                'Application platform-controllers in cluster wc has been OutOfSync for 15 minutes: what is in git is not what runs. Check kubectl -n argocd get application platform-controllers -o yaml (status.conditions, status.operationState).',
            },
          ],
        },
        {
          name: 'stays quiet for a synced Application, and for a sync shorter than 15 minutes',
          series: { [app('Synced', 'Healthy')]: '1x20', [app('OutOfSync', 'Progressing')]: '_x10 1x5' },
          at: '17m',
          fires: [],
        },
      ],
    },
    {
      alert: 'ArgoCdApplicationDegraded',
      severity: 'warning',
      expr: `max by (cluster, name, health_status) (${ARGOCD_APP_INFO}{health_status=~"Degraded|Missing"}) > 0`,
      for: '15m',
      summary: 'An Argo CD Application is degraded',
      description:
        'Application {{ $labels.name }} in cluster {{ $labels.cluster }} has been {{ $labels.health_status }} for 15 minutes: some of its objects failed or are absent. Check kubectl -n argocd get application {{ $labels.name }} -o yaml (status.resources with their health).',
      metrics: source,
      tests: [
        {
          name: 'fires when an Application is degraded for 15 minutes',
          series: { [app('Synced', 'Degraded')]: '1x20' },
          at: '17m',
          fires: [
            {
              labels: { cluster: 'wc', name: 'platform-controllers', health_status: 'Degraded' },
              description:
                'Application platform-controllers in cluster wc has been Degraded for 15 minutes: some of its objects failed or are absent. Check kubectl -n argocd get application platform-controllers -o yaml (status.resources with their health).',
            },
          ],
        },
        {
          name: 'stays quiet while healthy or progressing',
          series: { [app('Synced', 'Healthy')]: '1x20', [app('OutOfSync', 'Progressing')]: '1x20' },
          at: '17m',
          fires: [],
        },
      ],
    },
  ],
};
