import { CLUSTER_MATCHER, type ComponentDashboard, FLUX_RESOURCE_INFO, PLATFORM_NAMESPACES } from '@ck8s/core';

// The Flux controllers' own metrics (fluxcd/pkg runtime/metrics and controller-runtime's), per
// object `kind`, and per `controller` and `result`; the objects' Ready and suspend from kube-state-metrics.
const RECONCILE_DURATION = 'gotk_reconcile_duration_seconds_bucket';
const RECONCILES = 'controller_runtime_reconcile_total';
const RECONCILE_ERRORS = 'controller_runtime_reconcile_errors_total';
const C = CLUSTER_MATCHER;
// controller-runtime's names are every operator's: the namespace keeps to Flux's controllers
const CONTROLLERS = `${C}, namespace="${PLATFORM_NAMESPACES.flux}"`;

/** GitOps with Flux: objects not ready or suspended, reconciliations, their failures and duration. */
export const FLUX_DASHBOARD: ComponentDashboard = {
  name: 'flux',
  title: 'GitOps (Flux)',
  description:
    "Flux per cluster: sources, Kustomizations and HelmReleases not ready or suspended, the controllers' reconciliations, errors and duration.",
  metrics: { [FLUX_RESOURCE_INFO]: 'kube-state-metrics', [RECONCILE_DURATION]: 'flux', [RECONCILES]: 'flux', [RECONCILE_ERRORS]: 'flux' },
  rows: [
    {
      title: 'Objects',
      panels: [
        {
          title: 'Objects not ready',
          description:
            'Flux objects whose Ready condition is False, per kind (suspended ones left out): what is in git is not what runs; after 15 minutes FluxResourceNotReady fires.',
          unit: 'short',
          queries: [
            {
              expr: `count by (cluster, customresource_kind) (${FLUX_RESOURCE_INFO}{${C}, ready="False", suspended!="true"})`,
              legend: '{{cluster}} {{customresource_kind}}',
            },
          ],
        },
        {
          title: 'Objects suspended',
          description: 'Flux objects suspended per kind: an object left suspended after a maintenance stops following git.',
          unit: 'short',
          queries: [
            {
              expr: `count by (cluster, customresource_kind) (${FLUX_RESOURCE_INFO}{${C}, suspended="true"})`,
              legend: '{{cluster}} {{customresource_kind}}',
            },
          ],
        },
      ],
    },
    {
      title: 'Controllers',
      panels: [
        {
          title: 'Reconciliations by result',
          description: 'Reconciliations per second of each Flux controller, by result (success, error, requeue).',
          unit: 'ops',
          queries: [
            {
              expr: `sum by (cluster, controller, result) (rate(${RECONCILES}{${CONTROLLERS}}[$__rate_interval]))`,
              legend: '{{cluster}} {{controller}} {{result}}',
            },
          ],
        },
        {
          title: 'Reconciliation errors',
          description:
            'Reconciliations that returned an error, per controller and hour: a source that cannot be fetched or a manifest that cannot be applied.',
          unit: 'short',
          queries: [
            { expr: `sum by (cluster, controller) (increase(${RECONCILE_ERRORS}{${CONTROLLERS}}[1h]))`, legend: '{{cluster}} {{controller}}' },
          ],
        },
        {
          title: 'Reconciliation duration (p95)',
          description: '95th percentile time a reconciliation takes per kind: slow HelmReleases or Kustomizations delay every change.',
          unit: 's',
          queries: [
            {
              expr: `histogram_quantile(0.95, sum by (cluster, kind, le) (rate(${RECONCILE_DURATION}{${CONTROLLERS}}[$__rate_interval])))`,
              legend: '{{cluster}} {{kind}}',
            },
          ],
        },
      ],
    },
  ],
};
