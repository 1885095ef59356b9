import { CLUSTER_MATCHER, type ComponentDashboard } from '@ck8s/core';
import { ARGOCD_APP_INFO, ARGOCD_CONTROLLER_METRICS } from './argocd-alerts.js';

// Argo CD 3.4's own metrics: the application-controller's (controller/metrics/metrics.go) and the
// repo-server's (reposerver/metrics/metrics.go), each labelled with the Application or repository
const SYNCS = 'argocd_app_sync_total';
const RECONCILE_DURATION = 'argocd_app_reconcile_bucket';
const K8S_REQUESTS = 'argocd_app_k8s_request_total';
const GIT_REQUESTS = 'argocd_git_request_total';
const GIT_FETCH_FAILURES = 'argocd_git_fetch_fail_total';
const GIT_REQUEST_DURATION = 'argocd_git_request_duration_seconds_bucket';
/** Name of the repo-server's metrics endpoint. */
export const ARGOCD_REPO_SERVER_METRICS = 'argocd-repo-server';
const C = CLUSTER_MATCHER;

/** GitOps with Argo CD: Applications not synced or not healthy, syncs by phase, reconciliation and git fetches. */
export const ARGOCD_DASHBOARD: ComponentDashboard = {
  name: 'argocd',
  title: 'GitOps (Argo CD)',
  description:
    "Argo CD per cluster: Applications not synced or not healthy, syncs by result, the application-controller's reconciliation time and API requests, and the repo-server's git fetches.",
  metrics: {
    [ARGOCD_APP_INFO]: ARGOCD_CONTROLLER_METRICS,
    [SYNCS]: ARGOCD_CONTROLLER_METRICS,
    [RECONCILE_DURATION]: ARGOCD_CONTROLLER_METRICS,
    [K8S_REQUESTS]: ARGOCD_CONTROLLER_METRICS,
    [GIT_REQUESTS]: ARGOCD_REPO_SERVER_METRICS,
    [GIT_FETCH_FAILURES]: ARGOCD_REPO_SERVER_METRICS,
    [GIT_REQUEST_DURATION]: ARGOCD_REPO_SERVER_METRICS,
  },
  rows: [
    {
      title: 'Applications',
      panels: [
        {
          title: 'Applications not synced',
          description:
            'Applications whose live objects differ from git, by sync status: what is in git is not what runs; after 15 minutes ArgoCdApplicationOutOfSync fires.',
          unit: 'short',
          queries: [
            { expr: `count by (cluster, sync_status) (${ARGOCD_APP_INFO}{${C}, sync_status!="Synced"})`, legend: '{{cluster}} {{sync_status}}' },
          ],
        },
        {
          title: 'Applications not healthy',
          description: 'Applications by health status other than Healthy: Degraded ones raise ArgoCdApplicationDegraded.',
          unit: 'short',
          queries: [
            {
              expr: `count by (cluster, health_status) (${ARGOCD_APP_INFO}{${C}, health_status!="Healthy"})`,
              legend: '{{cluster}} {{health_status}}',
            },
          ],
        },
        {
          title: 'Syncs by phase',
          description: 'Sync operations per hour by Application and phase (Succeeded, Failed, Error): a sync that keeps failing never converges.',
          unit: 'short',
          queries: [{ expr: `sum by (cluster, name, phase) (increase(${SYNCS}{${C}}[1h]))`, legend: '{{cluster}} {{name}} {{phase}}' }],
        },
      ],
    },
    {
      title: 'Application controller',
      panels: [
        {
          title: 'Reconciliation duration (p95)',
          description:
            '95th percentile time the controller takes to compare an Application with its cluster: slow reconciliations delay every change.',
          unit: 's',
          queries: [
            {
              expr: `histogram_quantile(0.95, sum by (cluster, le) (rate(${RECONCILE_DURATION}{${C}}[$__rate_interval])))`,
              legend: '{{cluster}}',
            },
          ],
        },
        {
          title: 'API requests by response code',
          description: 'Requests to the Kubernetes API per second during reconciliation, by response code: 403s mean an AppProject or RBAC limit.',
          unit: 'reqps',
          queries: [
            {
              expr: `sum by (cluster, response_code) (rate(${K8S_REQUESTS}{${C}}[$__rate_interval]))`,
              legend: '{{cluster}} {{response_code}}',
            },
          ],
        },
      ],
    },
    {
      title: 'Repo server',
      panels: [
        {
          title: 'Git requests',
          description: 'Requests to the fleet repository and chart repositories per second, by type (fetch, ls-remote).',
          unit: 'reqps',
          queries: [
            { expr: `sum by (cluster, request_type) (rate(${GIT_REQUESTS}{${C}}[$__rate_interval]))`, legend: '{{cluster}} {{request_type}}' },
          ],
        },
        {
          title: 'Git fetch failures',
          description: 'Failed fetches per hour by repository: the cluster stops following git (credentials, network policy, repository moved).',
          unit: 'short',
          queries: [{ expr: `sum by (cluster, repo) (increase(${GIT_FETCH_FAILURES}{${C}}[1h]))`, legend: '{{cluster}} {{repo}}' }],
        },
        {
          title: 'Git request duration (p95)',
          description: '95th percentile time of a git request by type.',
          unit: 's',
          queries: [
            {
              expr: `histogram_quantile(0.95, sum by (cluster, request_type, le) (rate(${GIT_REQUEST_DURATION}{${C}}[$__rate_interval])))`,
              legend: '{{cluster}} {{request_type}}',
            },
          ],
        },
      ],
    },
  ],
};
