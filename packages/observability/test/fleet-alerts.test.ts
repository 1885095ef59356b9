import { describe, expect, it } from 'vitest';
import { testApp } from '../../../test-support/connect.js';
import { fleetAlerts, MetricsStack } from '../src/index.js';
import { serverProps, workloadProps } from './fixtures.js';

const exprs = (group: ReturnType<typeof fleetAlerts>, alert: string): string[] => group.alerts.filter((a) => a.alert === alert).map((a) => a.expr);

describe('fleet alerts', () => {
  it('alert when a workload cluster reporting here stops sending metrics, one rule per cluster', () => {
    expect(exprs(fleetAlerts({ workloadClusters: ['wc'], namespaces: [] }), 'ClusterMetricsMissing')).toEqual([
      'absent_over_time(up{cluster="wc"}[10m])',
    ]);
    expect(exprs(fleetAlerts({ workloadClusters: ['wc2', 'wc'], namespaces: [] }), 'ClusterMetricsMissing')).toEqual([
      'absent_over_time(up{cluster="wc"}[10m])',
      'absent_over_time(up{cluster="wc2"}[10m])',
    ]);
    // no workload cluster reports here: nothing can go missing
    expect(exprs(fleetAlerts({ workloadClusters: [], namespaces: [] }), 'ClusterMetricsMissing')).toEqual([]);
  });

  it("watch Kubernetes' targets even without components, a GitOps engine's only when named, and each namespace once", () => {
    const down = (namespaces: string[]): string[] => exprs(fleetAlerts({ workloadClusters: [], namespaces }), 'PlatformTargetDown');
    expect(down([])).toEqual(['up{namespace=~"kube-system"} == 0 or up{job="apiserver"} == 0']);
    expect(down(['argocd'])).toEqual(['up{namespace=~"argocd|kube-system"} == 0 or up{job="apiserver"} == 0']);
    expect(down(['monitoring', 'flux-system', 'monitoring'])).toEqual([
      'up{namespace=~"flux-system|kube-system|monitoring"} == 0 or up{job="apiserver"} == 0',
    ]);
  });

  it("are declared by the service cluster's metrics stack, which sees every cluster, and refused by a workload cluster's", () => {
    const server = new MetricsStack(testApp(), 'kube-prometheus-stack', serverProps());
    server.watchFleet({ workloadClusters: ['wc'], namespaces: ['monitoring'] });
    expect(server.alertGroups.map((g) => g.name)).toContain('platform-components');
    const workload = new MetricsStack(testApp(), 'kube-prometheus-stack', workloadProps);
    expect(() => workload.watchFleet({ workloadClusters: [], namespaces: [] })).toThrow(
      "metrics stack kube-prometheus-stack: only a service cluster's stack watches the fleet",
    );
  });
});
