import { CLUSTER_MATCHER, type ComponentDashboard } from '@ck8s/core';
import { NATS_JETSTREAM_MAX_STORAGE, NATS_JETSTREAM_STORAGE, NATS_METRICS_JOB, NATS_ROUTES } from './nats-alerts.js';

// prometheus-nats-exporter's server statistics (-varz, prefix nats).
const CONNECTIONS = 'nats_varz_connections';
const IN_MSGS = 'nats_varz_in_msgs';
const OUT_MSGS = 'nats_varz_out_msgs';
const SLOW_CONSUMERS = 'nats_varz_slow_consumers';
const SERIES = `${CLUSTER_MATCHER}, job="${NATS_METRICS_JOB}"`;

/** Every tenant's NATS of a cluster: servers up, connections, messages, routes, JetStream storage. */
export const NATS_DASHBOARD: ComponentDashboard = {
  name: 'nats',
  title: 'NATS (JetStream)',
  description:
    "The tenants' NATS servers per cluster and namespace: scraped, connections and slow consumers, messages, routes to peers, JetStream storage against its limit.",
  metrics: Object.fromEntries(
    ['up', CONNECTIONS, SLOW_CONSUMERS, IN_MSGS, OUT_MSGS, NATS_ROUTES, NATS_JETSTREAM_STORAGE, NATS_JETSTREAM_MAX_STORAGE].map((n) => [
      n,
      NATS_METRICS_JOB,
    ]),
  ),
  rows: [
    {
      title: 'Servers',
      panels: [
        {
          title: 'Exporters up',
          description:
            "1 while Prometheus scrapes the exporter beside each server; a server's own health is its container's readiness (NatsServerDown).",
          unit: 'short',
          queries: [{ expr: `max by (cluster, namespace, pod) (up{${SERIES}})`, legend: '{{cluster}} {{namespace}}/{{pod}}' }],
        },
        {
          title: 'Connections and slow consumers',
          description: 'Client connections per server, and the slow consumers it has cut off so far (clients that could not keep up).',
          unit: 'short',
          queries: [
            { expr: `max by (cluster, namespace, pod) (${CONNECTIONS}{${SERIES}})`, legend: '{{cluster}} {{namespace}}/{{pod}} connections' },
            { expr: `max by (cluster, namespace, pod) (${SLOW_CONSUMERS}{${SERIES}})`, legend: '{{cluster}} {{namespace}}/{{pod}} slow consumers' },
          ],
        },
        {
          title: 'Messages',
          description: 'Messages each server receives and delivers per second.',
          unit: 'ops',
          queries: [
            {
              expr: `sum by (cluster, namespace, pod) (rate(${IN_MSGS}{${SERIES}}[$__rate_interval]))`,
              legend: '{{cluster}} {{namespace}}/{{pod}} in',
            },
            {
              expr: `sum by (cluster, namespace, pod) (rate(${OUT_MSGS}{${SERIES}}[$__rate_interval]))`,
              legend: '{{cluster}} {{namespace}}/{{pod}} out',
            },
          ],
        },
      ],
    },
    {
      title: 'Cluster and storage',
      panels: [
        {
          title: 'Routes to peers',
          description:
            'Route connections of each server to the other servers of its cluster: 0 in a cluster of several servers raises NatsServerIsolated.',
          unit: 'short',
          queries: [{ expr: `max by (cluster, namespace, pod) (${NATS_ROUTES}{${SERIES}})`, legend: '{{cluster}} {{namespace}}/{{pod}}' }],
        },
        {
          title: 'JetStream storage used',
          description:
            "Share of JetStream's file storage in use per server: above 90 % NatsJetStreamStorageFilling fires, at 100 % publishing to streams fails.",
          unit: 'percentunit',
          queries: [
            {
              expr: `max by (cluster, namespace, pod) (${NATS_JETSTREAM_STORAGE}{${SERIES}} / ${NATS_JETSTREAM_MAX_STORAGE}{${SERIES}})`,
              legend: '{{cluster}} {{namespace}}/{{pod}}',
            },
          ],
        },
      ],
    },
  ],
};
