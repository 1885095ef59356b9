import { Component, type ComponentDashboard } from '@ck8s/core';
import type { Construct } from 'constructs';
import { addDashboardConfigMaps } from './dashboard-config-maps.js';
import type { DashboardSpec } from './grafana-dashboard.js';

export interface ComponentDashboardsProps {
  /**
   * The dashboards the components of this cluster and of its workload clusters declare. A dashboard
   * declared by several clusters (the same component runs in each) must be the same everywhere.
   */
  readonly dashboards: readonly ComponentDashboard[];
}

/** ConfigMap name of a component's dashboard. */
export const componentDashboardConfigMap = (name: string): string => `dashboard-component-${name}`;

/** The dashboard spec of a component's declaration: a stable uid from its name, tagged as a component's. */
export function componentDashboardSpec(dashboard: ComponentDashboard): DashboardSpec {
  return {
    uid: `ck8s-component-${dashboard.name}`,
    title: dashboard.title,
    description: dashboard.description,
    tags: ['ck8s', 'component', dashboard.name],
    rows: dashboard.rows,
  };
}

/**
 * The dashboards the components declare about themselves (`platform/component-dashboards.yaml`), for
 * the service cluster's Grafana: one ConfigMap per dashboard (`dashboard-component-<name>`), sorted by
 * name, labelled for Grafana's sidecar, each with a `cluster` variable, as every series carries the
 * label of its cluster.
 */
export class ComponentDashboards extends Component {
  constructor(scope: Construct, id: string, props: ComponentDashboardsProps) {
    super(scope, id, { layer: 'platform' });
    const byName = new Map<string, ComponentDashboard>();
    for (const dashboard of props.dashboards) {
      const seen = byName.get(dashboard.name);
      if (seen && JSON.stringify(seen) !== JSON.stringify(dashboard))
        throw new Error(`component dashboards: dashboard ${dashboard.name} is declared twice with different panels`);
      byName.set(dashboard.name, dashboard);
    }
    const names = [...byName.keys()].sort();
    addDashboardConfigMaps(
      this,
      Object.fromEntries(names.map((n) => [componentDashboardConfigMap(n), () => componentDashboardSpec(byName.get(n)!)])),
    );
  }
}
