import type { ComponentAlert, ComponentAlertGroup } from '@ck8s/core';

/** The series Prometheus writes itself for every target it scrapes: 1 when the last scrape succeeded. */
export const TARGET_UP = 'up';

/**
 * Namespaces whose scrape targets are platform components besides the components' own: Kubernetes'.
 * The GitOps engines' (flux-system, argocd) come with `namespaces`, as the clusters reporting here
 * run them: a namespace of the other engine's name is a tenant's.
 */
export const SYSTEM_TARGET_NAMESPACES: readonly string[] = ['kube-system'];

export interface FleetAlertsProps {
  /** The workload clusters that write their metrics to this service cluster: each must keep sending. */
  readonly workloadClusters: readonly string[];
  /** Namespaces of the platform's components and of the GitOps engines of the clusters reporting here, whose targets must be up (Kubernetes' is added). */
  readonly namespaces: readonly string[];
}

function clusterMetricsMissing(name: string, workloadClusters: readonly string[]): ComponentAlert {
  return {
    alert: 'ClusterMetricsMissing',
    severity: 'critical',
    expr: `absent_over_time(${TARGET_UP}{cluster="${name}"}[10m])`,
    summary: `No metrics from workload cluster ${name}`,
    description:
      'The service cluster has received no series in cluster {{ $labels.cluster }} for 10 minutes: its Prometheus agent is down or cannot write to the service cluster.',
    metrics: { [TARGET_UP]: 'prometheus' },
    tests: [
      {
        name: 'fires when the cluster sent nothing for 10 minutes',
        // the other workload clusters keep sending: their own rules stay quiet
        series: Object.fromEntries([
          [`${TARGET_UP}{cluster="${name}", job="kubelet"}`, '1x5'],
          ...workloadClusters.filter((w) => w !== name).map((w) => [`${TARGET_UP}{cluster="${w}", job="kubelet"}`, '1x20']),
        ]),
        at: '16m',
        fires: [
          {
            labels: { cluster: name },
            description: `The service cluster has received no series in cluster ${name} for 10 minutes: its Prometheus agent is down or cannot write to the service cluster.`,
          },
        ],
      },
      {
        name: 'stays quiet within 10 minutes of the last series',
        series: Object.fromEntries(workloadClusters.map((w) => [`${TARGET_UP}{cluster="${w}", job="kubelet"}`, w === name ? '1x5' : '1x20'])),
        at: '10m',
        fires: [],
      },
    ],
  };
}

/**
 * The alerts only the service cluster's metrics stack can raise, as it alone sees every cluster
 * reporting here: a platform target that cannot be scraped, and a workload cluster whose series
 * stopped arriving (its own Prometheus cannot say so).
 */
export function fleetAlerts(props: FleetAlertsProps): ComponentAlertGroup {
  const workloadClusters = [...props.workloadClusters].sort();
  const namespaces = [...new Set([...SYSTEM_TARGET_NAMESPACES, ...props.namespaces])].sort().join('|');
  return {
    name: 'platform-components',
    alerts: [
      {
        alert: 'PlatformTargetDown',
        severity: 'warning',
        expr: `${TARGET_UP}{namespace=~"${namespaces}"} == 0 or ${TARGET_UP}{job="apiserver"} == 0`,
        for: '10m',
        summary: 'A platform component cannot be scraped',
        description:
          '{{ $labels.job }} ({{ $labels.namespace }}/{{ $labels.pod }}, {{ $labels.instance }}) in cluster {{ $labels.cluster }} has been down or unreachable for 10 minutes.',
        metrics: { [TARGET_UP]: 'prometheus' },
        tests: [
          {
            name: 'fires when a platform target is down for 10 minutes',
            series: {
              [`${TARGET_UP}{cluster="sc", namespace="kube-system", job="coredns", pod="coredns-0", instance="10.0.0.1:9153"}`]: '0x15',
            },
            at: '12m',
            fires: [
              {
                labels: { cluster: 'sc', namespace: 'kube-system', job: 'coredns', pod: 'coredns-0', instance: '10.0.0.1:9153' },
                description: 'coredns (kube-system/coredns-0, 10.0.0.1:9153) in cluster sc has been down or unreachable for 10 minutes.',
              },
            ],
          },
          {
            name: "stays quiet for targets that are up, or not the platform's",
            series: {
              [`${TARGET_UP}{cluster="sc", namespace="kube-system", job="coredns", pod="coredns-0", instance="10.0.0.1:9153"}`]: '1x15',
              [`${TARGET_UP}{cluster="sc", namespace="customer-app", job="shop", pod="shop-0", instance="10.0.0.2:8080"}`]: '0x15',
            },
            at: '12m',
            fires: [],
          },
        ],
      },
      ...workloadClusters.map((name) => clusterMetricsMissing(name, workloadClusters)),
    ],
  };
}
