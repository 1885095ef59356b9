import type { ComponentAlertGroup } from '@ck8s/core';

/** The scrape job of every RabbitMQ node of a cluster (each instance's PodMonitor sets it). */
export const RABBITMQ_METRICS_JOB = 'rabbitmq';

/** kube-state-metrics: 1 for the failed Jobs (label `job_name`), which the definitions export's CronJob starts. */
export const KUBE_JOB_FAILED = 'kube_job_status_failed';
/** RabbitMQ's Prometheus plugin (port 15692): 1 per running node, with its name. */
export const RABBITMQ_IDENTITY = 'rabbitmq_identity_info';
/** A node's alarms (memory or free disk space): publishers are blocked while one is raised. */
export const RABBITMQ_MEMORY_ALARM = 'rabbitmq_alarms_memory_used_watermark';

const JOB = `job="${RABBITMQ_METRICS_JOB}"`;

/** The alerts of every tenant's RabbitMQ (one group, declared alike by each instance). */
export const RABBITMQ_ALERTS: ComponentAlertGroup = {
  name: 'rabbitmq',
  alerts: [
    {
      alert: 'RabbitmqNodeDown',
      severity: 'critical',
      expr: `max by (cluster, namespace, pod) (up{${JOB}}) == 0`,
      for: '5m',
      summary: 'A tenant RabbitMQ node is down',
      description:
        "RabbitMQ pod {{ $labels.pod }} in namespace {{ $labels.namespace }} of cluster {{ $labels.cluster }} has not answered its metrics endpoint for 5 minutes. Check kubectl -n {{ $labels.namespace }} get rabbitmqclusters,pods and the pod's logs.",
      metrics: { up: RABBITMQ_METRICS_JOB },
      tests: [
        {
          name: 'fires when a node stops answering for 5 minutes',
          series: {
            [`up{cluster="wc", namespace="team-a", pod="events-server-0", ${JOB}}`]: '1 1 0x13',
            [`up{cluster="wc", namespace="team-a", pod="events-server-1", ${JOB}}`]: '1x15',
          },
          at: '10m',
          fires: [
            {
              labels: { cluster: 'wc', namespace: 'team-a', pod: 'events-server-0' },
              description:
                "RabbitMQ pod events-server-0 in namespace team-a of cluster wc has not answered its metrics endpoint for 5 minutes. Check kubectl -n team-a get rabbitmqclusters,pods and the pod's logs.",
            },
          ],
        },
        {
          name: 'stays quiet while every node answers',
          series: { [`up{cluster="wc", namespace="team-a", pod="events-server-0", ${JOB}}`]: '1x15' },
          at: '10m',
          fires: [],
        },
      ],
    },
    {
      alert: 'RabbitmqMemoryAlarm',
      severity: 'warning',
      expr: `max by (cluster, namespace, pod) (${RABBITMQ_MEMORY_ALARM}{${JOB}}) == 1`,
      for: '10m',
      summary: 'A tenant RabbitMQ node blocks publishers (memory alarm)',
      description:
        "RabbitMQ pod {{ $labels.pod }} in namespace {{ $labels.namespace }} of cluster {{ $labels.cluster }} has raised its memory alarm for 10 minutes: publishers are blocked. Consumers are likely behind; check the queues, or raise the instance's resources.memory.",
      metrics: { [RABBITMQ_MEMORY_ALARM]: RABBITMQ_METRICS_JOB },
      tests: [
        {
          name: 'fires while the alarm holds for 10 minutes',
          series: { [`${RABBITMQ_MEMORY_ALARM}{cluster="wc", namespace="team-a", pod="events-server-0", ${JOB}}`]: '1x20' },
          at: '15m',
          fires: [
            {
              labels: { cluster: 'wc', namespace: 'team-a', pod: 'events-server-0' },
              description:
                "RabbitMQ pod events-server-0 in namespace team-a of cluster wc has raised its memory alarm for 10 minutes: publishers are blocked. Consumers are likely behind; check the queues, or raise the instance's resources.memory.",
            },
          ],
        },
        {
          name: 'stays quiet without an alarm',
          series: { [`${RABBITMQ_MEMORY_ALARM}{cluster="wc", namespace="team-a", pod="events-server-0", ${JOB}}`]: '0x20' },
          at: '15m',
          fires: [],
        },
      ],
    },
    {
      alert: 'RabbitmqDefinitionsExportFailed',
      severity: 'warning',
      expr: `max by (cluster, namespace, job_name) (${KUBE_JOB_FAILED}{job_name=~".+-definitions-export-.+"}) > 0`,
      summary: "The daily export of a tenant RabbitMQ's definitions failed",
      description:
        'Job {{ $labels.job_name }} in namespace {{ $labels.namespace }} of cluster {{ $labels.cluster }} failed to export its RabbitMQ definitions to object storage. Check kubectl -n {{ $labels.namespace }} logs job/{{ $labels.job_name }} and the object storage key of the instance.',
      metrics: { [KUBE_JOB_FAILED]: 'kube-state-metrics' },
      tests: [
        {
          name: 'fires for a failed export Job',
          series: { [`${KUBE_JOB_FAILED}{cluster="wc", namespace="team-a", job_name="events-definitions-export-29412345"}`]: '1x5' },
          at: '2m',
          fires: [
            {
              labels: { cluster: 'wc', namespace: 'team-a', job_name: 'events-definitions-export-29412345' },
              description:
                'Job events-definitions-export-29412345 in namespace team-a of cluster wc failed to export its RabbitMQ definitions to object storage. Check kubectl -n team-a logs job/events-definitions-export-29412345 and the object storage key of the instance.',
            },
          ],
        },
        {
          name: "stays quiet for a succeeded export and another Job's failure",
          series: {
            [`${KUBE_JOB_FAILED}{cluster="wc", namespace="team-a", job_name="events-definitions-export-29412345"}`]: '0x5',
            [`${KUBE_JOB_FAILED}{cluster="wc", namespace="team-a", job_name="migrate-db"}`]: '1x5',
          },
          at: '2m',
          fires: [],
        },
      ],
    },
  ],
};
