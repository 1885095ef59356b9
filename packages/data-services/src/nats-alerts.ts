import type { ComponentAlertGroup } from '@ck8s/core';

/** The scrape job of every NATS server of a cluster (each instance's PodMonitor sets it), which the alerts read. */
export const NATS_METRICS_JOB = 'nats';

// prometheus-nats-exporter 0.20.1, the chart's sidecar (port 7777, -prefix=nats, -varz -routez
// -connz -subz; read from a running exporter): nats_varz_routes is the server's route connections
// to its peers, nats_varz_jetstream_stats_storage the bytes JetStream stores on the volume, and
// nats_varz_jetstream_config_max_storage the most it may (config.jetstream.fileStore.maxSize, or
// the volume). The exporter keeps answering when the server beside it is down, so a server's
// health is read from its container's readiness (kube-state-metrics).
export const NATS_ROUTES = 'nats_varz_routes';
export const NATS_JETSTREAM_STORAGE = 'nats_varz_jetstream_stats_storage';
export const NATS_JETSTREAM_MAX_STORAGE = 'nats_varz_jetstream_config_max_storage';
const CONTAINER_READY = 'kube_pod_container_status_ready';
const STATEFULSET_REPLICAS = 'kube_statefulset_replicas';

/** Share of JetStream's storage in use that warns. */
export const NATS_STORAGE_RATIO = 0.9;

const JOB = `job="${NATS_METRICS_JOB}"`;
const where = 'NATS server {{ $labels.pod }} in namespace {{ $labels.namespace }} of cluster {{ $labels.cluster }}';

/** The alerts of every tenant's NATS (one group, declared alike by each instance). */
export const NATS_ALERTS: ComponentAlertGroup = {
  name: 'nats',
  alerts: [
    {
      alert: 'NatsServerDown',
      severity: 'critical',
      // the `nats` container of a pod the nats job scrapes (a tenant's own container of that name is not one)
      expr: `max by (cluster, namespace, pod) (${CONTAINER_READY}{container="nats"} == 0 and on (cluster, namespace, pod) up{${JOB}}) or max by (cluster, namespace, pod) (up{${JOB}} == 0)`,
      for: '5m',
      summary: 'A tenant NATS server is down',
      description: `${where} has not been ready (or its metrics not scraped) for 5 minutes. Check kubectl -n {{ $labels.namespace }} get pods and the pod's nats container logs.`,
      metrics: { [CONTAINER_READY]: 'kube-state-metrics', up: NATS_METRICS_JOB },
      tests: [
        {
          name: 'fires when a server stays unready for 5 minutes',
          series: {
            [`${CONTAINER_READY}{cluster="wc", namespace="team-a", pod="stream-1", container="nats", job="kube-state-metrics"}`]: '1 1 0x13',
            [`up{cluster="wc", namespace="team-a", pod="stream-1", ${JOB}}`]: '1x15',
            [`${CONTAINER_READY}{cluster="wc", namespace="team-a", pod="shop-7d9f", container="nats", job="kube-state-metrics"}`]: '0x15',
          },
          at: '10m',
          fires: [
            {
              labels: { cluster: 'wc', namespace: 'team-a', pod: 'stream-1' },
              description:
                "NATS server stream-1 in namespace team-a of cluster wc has not been ready (or its metrics not scraped) for 5 minutes. Check kubectl -n team-a get pods and the pod's nats container logs.",
            },
          ],
        },
        {
          name: 'fires when its metrics cannot be scraped',
          series: { [`up{cluster="wc", namespace="team-a", pod="stream-0", ${JOB}}`]: '0x15' },
          at: '10m',
          fires: [
            {
              labels: { cluster: 'wc', namespace: 'team-a', pod: 'stream-0' },
              description:
                "NATS server stream-0 in namespace team-a of cluster wc has not been ready (or its metrics not scraped) for 5 minutes. Check kubectl -n team-a get pods and the pod's nats container logs.",
            },
          ],
        },
        {
          name: 'stays quiet while every server is ready',
          series: {
            [`${CONTAINER_READY}{cluster="wc", namespace="team-a", pod="stream-0", container="nats", job="kube-state-metrics"}`]: '1x15',
            [`up{cluster="wc", namespace="team-a", pod="stream-0", ${JOB}}`]: '1x15',
          },
          at: '10m',
          fires: [],
        },
      ],
    },
    {
      alert: 'NatsServerIsolated',
      severity: 'warning',
      // a server of a StatefulSet of several (pods `<statefulset>-<n>`) with no route to any peer
      expr: `max by (cluster, namespace, statefulset, pod) (label_replace(${NATS_ROUTES}{${JOB}}, "statefulset", "$1", "pod", "(.+)-[0-9]+") == 0) and on (cluster, namespace, statefulset) (max by (cluster, namespace, statefulset) (${STATEFULSET_REPLICAS}) > 1)`,
      for: '10m',
      summary: 'A tenant NATS server has no route to its peers',
      description: `${where} has had no route to the other servers of {{ $labels.statefulset }} for 10 minutes: its clients see only their own messages, and JetStream streams it holds run without their replicas. Check the pod's logs (route errors) and the NetworkPolicies of the namespace.`,
      metrics: { [NATS_ROUTES]: NATS_METRICS_JOB, [STATEFULSET_REPLICAS]: 'kube-state-metrics' },
      tests: [
        {
          name: 'fires when a server of a cluster has no route',
          series: {
            [`${NATS_ROUTES}{cluster="wc", namespace="team-a", pod="stream-2", ${JOB}}`]: '0x20',
            [`${NATS_ROUTES}{cluster="wc", namespace="team-a", pod="stream-0", ${JOB}}`]: '6x20',
            [`${STATEFULSET_REPLICAS}{cluster="wc", namespace="team-a", statefulset="stream", job="kube-state-metrics"}`]: '3x20',
          },
          at: '15m',
          fires: [
            {
              labels: { cluster: 'wc', namespace: 'team-a', statefulset: 'stream', pod: 'stream-2' },
              description:
                "NATS server stream-2 in namespace team-a of cluster wc has had no route to the other servers of stream for 10 minutes: its clients see only their own messages, and JetStream streams it holds run without their replicas. Check the pod's logs (route errors) and the NetworkPolicies of the namespace.",
            },
          ],
        },
        {
          name: 'stays quiet for a single server, which has no peers',
          series: {
            [`${NATS_ROUTES}{cluster="wc", namespace="team-a", pod="solo-0", ${JOB}}`]: '0x20',
            [`${STATEFULSET_REPLICAS}{cluster="wc", namespace="team-a", statefulset="solo", job="kube-state-metrics"}`]: '1x20',
          },
          at: '15m',
          fires: [],
        },
      ],
    },
    {
      alert: 'NatsJetStreamStorageFilling',
      severity: 'warning',
      expr: `max by (cluster, namespace, pod) (${NATS_JETSTREAM_STORAGE}{${JOB}} / ${NATS_JETSTREAM_MAX_STORAGE}{${JOB}}) > ${NATS_STORAGE_RATIO}`,
      for: '15m',
      summary: "A tenant NATS server's JetStream storage is nearly full",
      description: `${where} stores {{ $value | humanizePercentage }} of its JetStream storage: when it is full, publishing to its streams fails. Set limits (max bytes or age) on the streams, or raise the instance's jetstream.storage in cluster.yaml.`,
      metrics: { [NATS_JETSTREAM_STORAGE]: NATS_METRICS_JOB, [NATS_JETSTREAM_MAX_STORAGE]: NATS_METRICS_JOB },
      tests: [
        {
          name: 'fires above 90 percent for 15 minutes',
          series: {
            [`${NATS_JETSTREAM_STORAGE}{cluster="wc", namespace="team-a", pod="stream-0", server_id="NA", ${JOB}}`]: '950x30',
            [`${NATS_JETSTREAM_MAX_STORAGE}{cluster="wc", namespace="team-a", pod="stream-0", server_id="NA", ${JOB}}`]: '1000x30',
          },
          at: '20m',
          fires: [
            {
              labels: { cluster: 'wc', namespace: 'team-a', pod: 'stream-0' },
              description:
                "NATS server stream-0 in namespace team-a of cluster wc stores 95% of its JetStream storage: when it is full, publishing to its streams fails. Set limits (max bytes or age) on the streams, or raise the instance's jetstream.storage in cluster.yaml.",
            },
          ],
        },
        {
          name: 'stays quiet at half',
          series: {
            [`${NATS_JETSTREAM_STORAGE}{cluster="wc", namespace="team-a", pod="stream-0", server_id="NA", ${JOB}}`]: '500x30',
            [`${NATS_JETSTREAM_MAX_STORAGE}{cluster="wc", namespace="team-a", pod="stream-0", server_id="NA", ${JOB}}`]: '1000x30',
          },
          at: '20m',
          fires: [],
        },
      ],
    },
  ],
};
