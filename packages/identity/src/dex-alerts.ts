import type { ComponentAlertGroup } from '@ck8s/core';
import { IDENTITY_NAMESPACE } from './identity-endpoints.js';

/** Dex's HTTP request counter by `handler` (the route), `code` and `method` (dex 2.44, server/server.go). */
export const DEX_HTTP_REQUESTS = 'http_requests_total';

/** The routes people and clients sign in through: authorization, connector login, callbacks and the token endpoint. */
const LOGIN_HANDLERS = '/auth.*|/callback.*|/token';

/** Share of failed sign-in requests that pages: above the odd upstream hiccup. */
export const DEX_LOGIN_ERROR_RATIO = 0.05;

const selector = (extra = ''): string => `${DEX_HTTP_REQUESTS}{namespace="${IDENTITY_NAMESPACE}", handler=~"${LOGIN_HANDLERS}"${extra}}`;

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
    },
  ],
};
