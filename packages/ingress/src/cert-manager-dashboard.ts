import { CLUSTER_MATCHER, type ComponentDashboard } from '@ck8s/core';
import { CERTIFICATE_METRICS } from './certificate-alerts.js';

// cert-manager 1.21's controller metrics (pkg/metrics): per Certificate, per controller, and the ACME
// client's requests per `status` and `action`.
const RENEWAL = 'certmanager_certificate_renewal_timestamp_seconds';
const SYNC_CALLS = 'certmanager_controller_sync_call_count';
const SYNC_ERRORS = 'certmanager_controller_sync_error_count';
const ACME_REQUESTS = 'certmanager_http_acme_client_request_count';
const ACME_LATENCY = 'certmanager_http_acme_client_request_duration_seconds';
const m = CERTIFICATE_METRICS;
const C = CLUSTER_MATCHER;

/** Certificates (ready, expiry, renewal) and what cert-manager's controllers and ACME client do. */
export const CERT_MANAGER_DASHBOARD: ComponentDashboard = {
  name: 'cert-manager',
  title: 'Certificates (cert-manager)',
  description:
    'cert-manager per cluster: Certificates not ready, time to expiry and renewal, controller sync errors, ACME requests and their errors.',
  metrics: Object.fromEntries([m.ready, m.expiry, RENEWAL, SYNC_CALLS, SYNC_ERRORS, ACME_REQUESTS, ACME_LATENCY].map((n) => [n, 'cert-manager'])),
  rows: [
    {
      title: 'Certificates',
      panels: [
        {
          title: 'Certificates not ready',
          description:
            'Certificates whose Ready condition is False or Unknown: their Secret is missing or stale. Check kubectl describe certificate and its CertificateRequest.',
          unit: 'short',
          queries: [
            { expr: `sum by (cluster, condition) (${m.ready}{${C}, condition!="True"})`, legend: '{{cluster}} {{condition}}' },
            { expr: `sum by (cluster) (${m.ready}{${C}, condition="True"})`, legend: '{{cluster}} ready' },
          ],
        },
        {
          title: 'Time to expiry (soonest 10)',
          description:
            'Time left before the certificates closest to expiry expire; below 14 days CertificateExpiresSoon fires, as renewal should have happened at two thirds of the lifetime.',
          unit: 's',
          queries: [
            {
              expr: `bottomk(10, min by (cluster, exported_namespace, name) (${m.expiry}{${C}}) - time())`,
              legend: '{{cluster}} {{exported_namespace}}/{{name}}',
            },
          ],
        },
        {
          title: 'Time to renewal (soonest 10)',
          description: 'Time until cert-manager renews the certificates due first; a negative value means a renewal is overdue.',
          unit: 's',
          queries: [
            {
              expr: `bottomk(10, min by (cluster, exported_namespace, name) (${RENEWAL}{${C}}) - time())`,
              legend: '{{cluster}} {{exported_namespace}}/{{name}}',
            },
          ],
        },
      ],
    },
    {
      title: 'Controllers and ACME',
      panels: [
        {
          title: 'Controller sync errors',
          description: 'Share of controller syncs that end in an error, per controller: a persistent error rate means objects are not reconciled.',
          unit: 'percentunit',
          queries: [
            {
              expr: `sum by (cluster, controller) (rate(${SYNC_ERRORS}{${C}}[$__rate_interval])) / sum by (cluster, controller) (rate(${SYNC_CALLS}{${C}}[$__rate_interval]))`,
              legend: '{{cluster}} {{controller}}',
            },
          ],
        },
        {
          title: 'ACME requests by status',
          description:
            'Requests to the ACME server per HTTP status: 4xx are refused orders or rate limits (check the Order and Challenge objects), 5xx the CA failing.',
          unit: 'reqps',
          queries: [{ expr: `sum by (cluster, status) (rate(${ACME_REQUESTS}{${C}}[$__rate_interval]))`, legend: '{{cluster}} {{status}}' }],
        },
        {
          title: 'ACME request latency (p99)',
          description: "The ACME client's 99th percentile request time per action, from its summary.",
          unit: 's',
          queries: [{ expr: `max by (cluster, action) (${ACME_LATENCY}{${C}, quantile="0.99"})`, legend: '{{cluster}} {{action}}' }],
        },
      ],
    },
  ],
};
