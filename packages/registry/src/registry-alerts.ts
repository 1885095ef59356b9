import type { ComponentAlertGroup } from '@ck8s/core';
import { REGISTRY_NAMESPACE } from './registry-endpoints.js';

// Harbor 2.15's metrics (chart `metrics.enabled`, each component on port 8001): core and
// jobservice name theirs harbor_<component>_... (METRIC_NAMESPACE/METRIC_SUBSYSTEM of the chart),
// the registry is distribution's (`registry_http_...`), the exporter reads Harbor's API and database.

/** core's API requests per `code`, `method` and `operation` (src/lib/metric/collector.go). */
export const HARBOR_CORE_REQUESTS = 'harbor_core_http_request_total';
/** The registry's (distribution) HTTP requests per `code`, `handler` and `method`. */
export const HARBOR_REGISTRY_REQUESTS = 'registry_http_requests_total';
/** jobservice's processed tasks per job `type` (IMAGE_SCAN, REPLICATION, ...) and `status` (success, fail, stop). */
export const HARBOR_JOBSERVICE_TASKS = 'harbor_jobservice_task_total';
/** The exporter: 1 when a Harbor `component` (core, database, jobservice, portal, redis, registry, registryctl, trivy) is healthy. */
export const HARBOR_COMPONENT_UP = 'harbor_up';
/** The exporter: bytes a project stores, and its quota (-1: none), per `project_name`. */
export const HARBOR_PROJECT_USAGE = 'harbor_project_quota_usage_byte';
export const HARBOR_PROJECT_QUOTA = 'harbor_project_quota_byte';

/** The scrape jobs of Harbor's metrics endpoints (the names its component declares). */
export const HARBOR_METRICS = {
  core: 'harbor-core',
  registry: 'harbor-registry',
  jobservice: 'harbor-jobservice',
  exporter: 'harbor-exporter',
} as const;

/** Share of server errors that pages. */
export const HARBOR_ERROR_RATIO = 0.05;
/** Share of a project's quota that warns. */
export const HARBOR_QUOTA_WARNING_RATIO = 0.9;

const NS = `namespace="${REGISTRY_NAMESPACE}"`;

function errorRatio(metric: string): string {
  return `sum by (cluster) (rate(${metric}{${NS}, code=~"5.."}[10m])) / sum by (cluster) (rate(${metric}{${NS}}[10m])) > ${HARBOR_ERROR_RATIO}`;
}

/** The registry's alerts: a push or pull that fails blocks every deployment of every tenant. */
export const REGISTRY_ALERTS: ComponentAlertGroup = {
  name: 'registry',
  alerts: [
    {
      alert: 'HarborComponentUnhealthy',
      severity: 'critical',
      expr: `max by (cluster, component) (${HARBOR_COMPONENT_UP}{${NS}}) == 0`,
      for: '10m',
      summary: 'A Harbor component is unhealthy',
      description: `Harbor reports its {{ $labels.component }} unhealthy in cluster {{ $labels.cluster }} for 10 minutes. Check kubectl -n ${REGISTRY_NAMESPACE} get pods and the component's logs.`,
      metrics: { [HARBOR_COMPONENT_UP]: HARBOR_METRICS.exporter },
    },
    {
      alert: 'HarborCoreErrors',
      severity: 'critical',
      expr: errorRatio(HARBOR_CORE_REQUESTS),
      for: '10m',
      summary: "Harbor's API answers with server errors",
      description: `{{ $value | humanizePercentage }} of the requests to Harbor's core in cluster {{ $labels.cluster }} failed with a server error for 10 minutes: logins, pushes and the UI fail. Check kubectl -n ${REGISTRY_NAMESPACE} logs deploy/harbor-core and the database.`,
      metrics: { [HARBOR_CORE_REQUESTS]: HARBOR_METRICS.core },
    },
    {
      alert: 'HarborRegistryErrors',
      severity: 'critical',
      expr: errorRatio(HARBOR_REGISTRY_REQUESTS),
      for: '10m',
      summary: "Harbor's registry answers pulls and pushes with server errors",
      description: `{{ $value | humanizePercentage }} of the requests to Harbor's registry in cluster {{ $labels.cluster }} failed with a server error for 10 minutes: image pulls fail. Check kubectl -n ${REGISTRY_NAMESPACE} logs deploy/harbor-registry -c registry (object storage credentials, the bucket).`,
      metrics: { [HARBOR_REGISTRY_REQUESTS]: HARBOR_METRICS.registry },
    },
    {
      alert: 'HarborJobsFailing',
      severity: 'warning',
      expr: `sum by (cluster, type) (increase(${HARBOR_JOBSERVICE_TASKS}{${NS}, status="fail"}[1h])) > 0`,
      summary: 'Harbor jobs fail',
      description: `{{ $value }} Harbor jobs of type {{ $labels.type }} failed in cluster {{ $labels.cluster }} in the last hour (IMAGE_SCAN: images go unscanned and the vulnerability policy cannot judge them). Check the job logs in Harbor (Administration, Job Service Dashboard) and kubectl -n ${REGISTRY_NAMESPACE} logs deploy/harbor-jobservice.`,
      metrics: { [HARBOR_JOBSERVICE_TASKS]: HARBOR_METRICS.jobservice },
    },
    {
      alert: 'HarborProjectQuotaNearLimit',
      severity: 'warning',
      expr: `max by (cluster, project_name) (${HARBOR_PROJECT_USAGE}{${NS}} / (${HARBOR_PROJECT_QUOTA}{${NS}} > 0)) > ${HARBOR_QUOTA_WARNING_RATIO}`,
      for: '1h',
      summary: 'A registry project is near its storage quota',
      description: `Project {{ $labels.project_name }} in the registry of cluster {{ $labels.cluster }} uses {{ $value | humanizePercentage }} of its storage quota: pushes will be refused. Delete old artifacts (a tag retention policy) or raise the quota.`,
      metrics: { [HARBOR_PROJECT_USAGE]: HARBOR_METRICS.exporter, [HARBOR_PROJECT_QUOTA]: HARBOR_METRICS.exporter },
    },
  ],
};
