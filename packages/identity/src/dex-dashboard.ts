import { CLUSTER_MATCHER, type ComponentDashboard } from '@ck8s/core';
import { DEX_HTTP_REQUESTS, DEX_LOGIN_HANDLERS } from './dex-alerts.js';
import { IDENTITY_NAMESPACE } from './identity-endpoints.js';

/** Dex's request latency histogram by `handler`, `code` and `method` (server/server.go). */
const DEX_REQUEST_DURATION = 'request_duration_seconds_bucket';

// the metric names are generic: the namespace keeps other jobs' series out
const LOGINS = `${CLUSTER_MATCHER}, namespace="${IDENTITY_NAMESPACE}", handler=~"${DEX_LOGIN_HANDLERS}"`;

/** Sign-ins at Dex: requests, errors and latency of the routes people and clients sign in through. */
export const DEX_DASHBOARD: ComponentDashboard = {
  name: 'dex',
  title: 'Identity provider (Dex)',
  description: "Dex's sign-in routes per cluster (authorization, connector login and callback, token): requests, server and client errors, latency.",
  metrics: { [DEX_HTTP_REQUESTS]: 'dex', [DEX_REQUEST_DURATION]: 'dex' },
  rows: [
    {
      title: 'Sign-ins',
      panels: [
        {
          title: 'Sign-in requests by route',
          description: 'Requests per second to each sign-in route: authorization, the connector login and callback, the token endpoint.',
          unit: 'reqps',
          queries: [
            { expr: `sum by (cluster, handler) (rate(${DEX_HTTP_REQUESTS}{${LOGINS}}[$__rate_interval]))`, legend: '{{cluster}} {{handler}}' },
          ],
        },
        {
          title: 'Server errors (5xx share)',
          description:
            'Share of sign-in requests Dex answers with a 5xx: an upstream identity provider or the storage failing. Above 5 % DexLoginErrors fires.',
          unit: 'percentunit',
          queries: [
            {
              expr: `sum by (cluster, handler) (rate(${DEX_HTTP_REQUESTS}{${LOGINS}, code=~"5.."}[$__rate_interval])) / sum by (cluster, handler) (rate(${DEX_HTTP_REQUESTS}{${LOGINS}}[$__rate_interval]))`,
              legend: '{{cluster}} {{handler}}',
            },
          ],
        },
        {
          title: 'Client errors (4xx) by route',
          description:
            'Sign-in requests refused as invalid (expired codes, unknown clients, bad redirect URIs): a rise after a change points at a client configuration.',
          unit: 'reqps',
          queries: [
            {
              expr: `sum by (cluster, handler, code) (rate(${DEX_HTTP_REQUESTS}{${LOGINS}, code=~"4.."}[$__rate_interval]))`,
              legend: '{{cluster}} {{handler}} {{code}}',
            },
          ],
        },
        {
          title: 'Latency (p95) by route',
          description: '95th percentile time Dex takes to answer each sign-in route; slow callbacks usually mean a slow upstream identity provider.',
          unit: 's',
          queries: [
            {
              expr: `histogram_quantile(0.95, sum by (cluster, handler, le) (rate(${DEX_REQUEST_DURATION}{${LOGINS}}[$__rate_interval])))`,
              legend: '{{cluster}} {{handler}}',
            },
          ],
        },
      ],
    },
  ],
};
