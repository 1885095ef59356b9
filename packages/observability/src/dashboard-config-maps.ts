import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { type DashboardSpec, dashboardJson } from './grafana-dashboard.js';
import { DASHBOARD_LABEL, MONITORING_NAMESPACE } from './monitoring-names.js';

/** One ConfigMap per dashboard (by ConfigMap name) in the monitoring namespace, labelled for Grafana's sidecar. */
export function addDashboardConfigMaps(scope: Construct, dashboards: Readonly<Record<string, () => DashboardSpec>>): void {
  for (const [name, spec] of Object.entries(dashboards)) {
    const dashboard = spec();
    new ApiObject(scope, name, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: MONITORING_NAMESPACE, labels: { [DASHBOARD_LABEL.key]: DASHBOARD_LABEL.value } },
      data: { [`${dashboard.uid}.json`]: dashboardJson(dashboard) },
    });
  }
}
