import type { ComponentAlertGroup } from '@ck8s/core';

/** cert-manager's controller (port 9402, the `cert-manager` endpoint), per Certificate (`exported_namespace`, `name`). */
export const CERTIFICATE_METRICS = {
  expiry: 'certmanager_certificate_expiration_timestamp_seconds',
  ready: 'certmanager_certificate_ready_status',
} as const;

/** How far ahead certificate expiry is reported. cert-manager renews at two thirds of the lifetime (30 days before for Let's Encrypt). */
export const CERTIFICATE_EXPIRY_DAYS = 14;

const m = CERTIFICATE_METRICS;

/** cert-manager's alerts: a certificate that is not renewed or not issued takes its endpoint down for everyone. */
export const CERTIFICATE_ALERTS: ComponentAlertGroup = {
  name: 'certificates',
  alerts: [
    {
      alert: 'CertificateExpiresSoon',
      severity: 'warning',
      expr: `min by (cluster, exported_namespace, name) (${m.expiry}) - time() < ${CERTIFICATE_EXPIRY_DAYS} * 24 * 3600`,
      for: '1h',
      summary: `A certificate expires within ${CERTIFICATE_EXPIRY_DAYS} days`,
      description:
        'Certificate {{ $labels.exported_namespace }}/{{ $labels.name }} in cluster {{ $labels.cluster }} expires in {{ $value | humanizeDuration }} and has not been renewed.',
      metrics: { [m.expiry]: 'cert-manager' },
      tests: [
        {
          name: 'fires for a certificate that expires in 10 days',
          series: { [`${m.expiry}{cluster="sc", exported_namespace="ingress-nginx", name="wildcard"}`]: '864000x90' },
          at: '70m',
          fires: [
            {
              labels: { cluster: 'sc', exported_namespace: 'ingress-nginx', name: 'wildcard' },
              description: 'Certificate ingress-nginx/wildcard in cluster sc expires in 9d 22h 50m 0s and has not been renewed.',
            },
          ],
        },
        {
          name: 'stays quiet for a certificate that expires in 30 days',
          series: { [`${m.expiry}{cluster="sc", exported_namespace="ingress-nginx", name="wildcard"}`]: '2592000x90' },
          at: '70m',
          fires: [],
        },
      ],
    },
    {
      alert: 'CertificateNotReady',
      severity: 'warning',
      expr: `max by (cluster, exported_namespace, name) (${m.ready}{condition="False"}) == 1`,
      for: '15m',
      summary: 'A certificate is not ready',
      description:
        'Certificate {{ $labels.exported_namespace }}/{{ $labels.name }} in cluster {{ $labels.cluster }} has not been ready for 15 minutes.',
      metrics: { [m.ready]: 'cert-manager' },
      tests: [
        {
          name: 'fires for a certificate not ready for 15 minutes',
          series: {
            [`${m.ready}{cluster="sc", exported_namespace="ingress-nginx", name="wildcard", condition="False"}`]: '1x20',
            [`${m.ready}{cluster="sc", exported_namespace="ingress-nginx", name="wildcard", condition="True"}`]: '0x20',
          },
          at: '17m',
          fires: [
            {
              labels: { cluster: 'sc', exported_namespace: 'ingress-nginx', name: 'wildcard' },
              description: 'Certificate ingress-nginx/wildcard in cluster sc has not been ready for 15 minutes.',
            },
          ],
        },
        {
          name: 'stays quiet for a ready certificate',
          series: {
            [`${m.ready}{cluster="sc", exported_namespace="ingress-nginx", name="wildcard", condition="False"}`]: '0x20',
            [`${m.ready}{cluster="sc", exported_namespace="ingress-nginx", name="wildcard", condition="True"}`]: '1x20',
          },
          at: '17m',
          fires: [],
        },
      ],
    },
  ],
};
