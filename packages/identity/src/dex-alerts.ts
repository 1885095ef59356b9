import type { ComponentAlertGroup } from '@ck8s/core';
import { IDENTITY_NAMESPACE } from './identity-endpoints.js';

/** Dex's HTTP request counter by `handler` (the route), `code` and `method` (dex 2.44, server/server.go). */
export const DEX_HTTP_REQUESTS = 'http_requests_total';

/** The routes people and clients sign in through: authorization, connector login, callbacks and the token endpoint. */
export const DEX_LOGIN_HANDLERS = '/auth.*|/callback.*|/token';

/** Share of failed sign-in requests that pages: above the odd upstream hiccup. */
export const DEX_LOGIN_ERROR_RATIO = 0.05;

const selector = (extra = ''): string => `${DEX_HTTP_REQUESTS}{namespace="${IDENTITY_NAMESPACE}", handler=~"${DEX_LOGIN_HANDLERS}"${extra}}`;

/** Dex's alerts: nobody signs in to Grafana, OpenSearch Dashboards, Harbor or the Kubernetes API when its logins fail. */
export const DEX_ALERTS: ComponentAlertGroup = {
  name: 'identity',
  alerts: [
    {
      alert: 'DexLoginErrors',
      severity: 'critical',
      expr: `sum by (cluster, handler) (rate(${selector(', code=~"5.."')}[10m])) / sum by (cluster, handler) (rate(${selector()}[10m])) > ${DEX_LOGIN_ERROR_RATIO}`,
      for: '10m',
      summary: 'Sign-ins at Dex are failing',
      description: `{{ $value | humanizePercentage }} of the requests to Dex's {{ $labels.handler }} in cluster {{ $labels.cluster }} failed with a server error for 10 minutes: people cannot sign in. Check Dex's logs (kubectl -n ${IDENTITY_NAMESPACE} logs deploy/dex) for the upstream connector's error.`,
      metrics: { [DEX_HTTP_REQUESTS]: 'dex' },
      tests: [
        {
          name: 'fires when a tenth of the token requests fail for 10 minutes',
          series: {
            [`${DEX_HTTP_REQUESTS}{cluster="sc", namespace="${IDENTITY_NAMESPACE}", handler="/token", code="500"}`]: '0+1x30',
            [`${DEX_HTTP_REQUESTS}{cluster="sc", namespace="${IDENTITY_NAMESPACE}", handler="/token", code="200"}`]: '0+9x30',
          },
          at: '15m',
          fires: [
            {
              labels: { cluster: 'sc', handler: '/token' },
              description:
                "10% of the requests to Dex's /token in cluster sc failed with a server error for 10 minutes: people cannot sign in. Check Dex's logs (kubectl -n dex logs deploy/dex) for the upstream connector's error.",
            },
          ],
        },
        {
          name: 'stays quiet without server errors, and for other routes',
          series: {
            [`${DEX_HTTP_REQUESTS}{cluster="sc", namespace="${IDENTITY_NAMESPACE}", handler="/token", code="200"}`]: '0+9x30',
            [`${DEX_HTTP_REQUESTS}{cluster="sc", namespace="${IDENTITY_NAMESPACE}", handler="/healthz", code="500"}`]: '0+9x30',
          },
          at: '15m',
          fires: [],
        },
      ],
    },
  ],
};
