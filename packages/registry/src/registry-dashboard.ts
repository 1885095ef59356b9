import { CLUSTER_MATCHER, type ComponentDashboard } from '@ck8s/core';
import {
  HARBOR_COMPONENT_UP,
  HARBOR_CORE_REQUESTS,
  HARBOR_JOBSERVICE_TASKS,
  HARBOR_METRICS,
  HARBOR_PROJECT_QUOTA,
  HARBOR_PROJECT_USAGE,
  HARBOR_REGISTRY_REQUESTS,
} from './registry-alerts.js';
import { REGISTRY_NAMESPACE } from './registry-endpoints.js';

// Harbor 2.15 (src/lib/metric, src/pkg/exporter): core's request time per `operation` and jobservice's
// task time per `type` are summaries (quantile label); the exporter reads the job queues from Redis.
const CORE_DURATION = 'harbor_core_http_request_duration_seconds';
const TASK_DURATION = 'harbor_jobservice_task_process_time_seconds';
const QUEUE_SIZE = 'harbor_task_queue_size';
const NS = `${CLUSTER_MATCHER}, namespace="${REGISTRY_NAMESPACE}"`;

/** The share of 5xx among a request counter's requests, per cluster. */
const errorShare = (metric: string): string =>
  `sum by (cluster) (rate(${metric}{${NS}, code=~"5.."}[$__rate_interval])) / sum by (cluster) (rate(${metric}{${NS}}[$__rate_interval]))`;

/** The registry: health of Harbor's parts, API and registry errors and latency, scan and other jobs, storage per project. */
export const REGISTRY_DASHBOARD: ComponentDashboard = {
  name: 'harbor',
  title: 'Container registry (Harbor)',
  description:
    "Harbor per cluster: its components' health, core API and registry requests (errors, latency), jobservice tasks (scans, replication, retention) and storage against project quotas.",
  metrics: {
    [HARBOR_COMPONENT_UP]: HARBOR_METRICS.exporter,
    [HARBOR_CORE_REQUESTS]: HARBOR_METRICS.core,
    [CORE_DURATION]: HARBOR_METRICS.core,
    [HARBOR_REGISTRY_REQUESTS]: HARBOR_METRICS.registry,
    [HARBOR_JOBSERVICE_TASKS]: HARBOR_METRICS.jobservice,
    [TASK_DURATION]: HARBOR_METRICS.jobservice,
    [QUEUE_SIZE]: HARBOR_METRICS.exporter,
    [HARBOR_PROJECT_USAGE]: HARBOR_METRICS.exporter,
    [HARBOR_PROJECT_QUOTA]: HARBOR_METRICS.exporter,
  },
  rows: [
    {
      title: 'Requests',
      panels: [
        {
          title: 'Components healthy',
          description:
            '1 for each Harbor component its own health check reports healthy (core, database, jobservice, portal, redis, registry, registryctl, trivy); 0 raises HarborComponentUnhealthy.',
          unit: 'short',
          queries: [{ expr: `min by (cluster, component) (${HARBOR_COMPONENT_UP}{${NS}})`, legend: '{{cluster}} {{component}}' }],
        },
        {
          title: 'Server errors (5xx share)',
          description:
            'Share of requests answered with a 5xx by the core API and by the registry (pushes and pulls); above 5 % HarborCoreErrors or HarborRegistryErrors fire.',
          unit: 'percentunit',
          queries: [
            { expr: errorShare(HARBOR_CORE_REQUESTS), legend: '{{cluster}} core' },
            { expr: errorShare(HARBOR_REGISTRY_REQUESTS), legend: '{{cluster}} registry' },
          ],
        },
        {
          title: 'Requests',
          description: 'Core API requests per operation and registry requests per route, per second.',
          unit: 'reqps',
          queries: [
            {
              expr: `topk(10, sum by (cluster, operation) (rate(${HARBOR_CORE_REQUESTS}{${NS}}[$__rate_interval])))`,
              legend: '{{cluster}} core {{operation}}',
            },
            {
              expr: `sum by (cluster, handler) (rate(${HARBOR_REGISTRY_REQUESTS}{${NS}}[$__rate_interval]))`,
              legend: '{{cluster}} registry {{handler}}',
            },
          ],
        },
        {
          title: 'Core API latency (p99, slowest 10)',
          description: "99th percentile time of core's slowest API operations, from its summary.",
          unit: 's',
          queries: [
            { expr: `topk(10, max by (cluster, operation) (${CORE_DURATION}{${NS}, quantile="0.99"}))`, legend: '{{cluster}} {{operation}}' },
          ],
        },
      ],
    },
    {
      title: 'Jobs and storage',
      panels: [
        {
          title: 'Scan jobs by status',
          description:
            'Vulnerability scan tasks jobservice finished per hour, by status: failed scans leave artifacts unscanned, and a policy that blocks unscanned images then blocks pulls.',
          unit: 'short',
          queries: [
            {
              expr: `sum by (cluster, status) (increase(${HARBOR_JOBSERVICE_TASKS}{${NS}, type="IMAGE_SCAN"}[1h]))`,
              legend: '{{cluster}} {{status}}',
            },
          ],
        },
        {
          title: 'Failed jobs by type',
          description:
            'Tasks of every type (scans, replication, garbage collection, retention) that failed in the last hour; non-zero raises HarborJobsFailing.',
          unit: 'short',
          queries: [
            { expr: `sum by (cluster, type) (increase(${HARBOR_JOBSERVICE_TASKS}{${NS}, status="fail"}[1h]))`, legend: '{{cluster}} {{type}}' },
          ],
        },
        {
          title: 'Job queue',
          description: "Tasks waiting in jobservice's queues per type: a queue that keeps growing means jobservice falls behind.",
          unit: 'short',
          queries: [{ expr: `sum by (cluster, type) (${QUEUE_SIZE}{${NS}})`, legend: '{{cluster}} {{type}}' }],
        },
        {
          title: 'Task time (p50)',
          description: "Median time a task of each type takes, from jobservice's summary.",
          unit: 's',
          queries: [{ expr: `max by (cluster, type) (${TASK_DURATION}{${NS}, quantile="0.5"})`, legend: '{{cluster}} {{type}}' }],
        },
        {
          title: 'Project storage of quota (fullest 10)',
          description:
            'Bytes each project stores as a share of its quota (projects without a quota are left out); above 90 % HarborProjectQuotaNearLimit fires and at 100 % pushes fail.',
          unit: 'percentunit',
          queries: [
            {
              expr: `topk(10, max by (cluster, project_name) (${HARBOR_PROJECT_USAGE}{${NS}} / (${HARBOR_PROJECT_QUOTA}{${NS}} > 0)))`,
              legend: '{{cluster}} {{project_name}}',
            },
          ],
        },
      ],
    },
  ],
};
