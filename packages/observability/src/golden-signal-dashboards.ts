import { Component } from '@ck8s/core';
import type { Construct } from 'constructs';
import { addDashboardConfigMaps } from './dashboard-config-maps.js';
import type { DashboardSpec } from './grafana-dashboard.js';
import { platformDashboard, tenantDashboard } from './golden-signal-specs.js';

/** The dashboards, by ConfigMap name. */
export const GOLDEN_SIGNAL_DASHBOARDS: Readonly<Record<string, () => DashboardSpec>> = {
  'dashboard-platform-golden-signals': platformDashboard,
  'dashboard-tenant-golden-signals': tenantDashboard,
};

/**
 * Grafana dashboards as code for a service cluster's Grafana, which shows every cluster's metrics
 * (`platform/dashboards.yaml`, usually id `dashboards`): latency,
 * traffic, errors and saturation of the platform's components and nodes, and of the tenants'
 * workloads per namespace, each with a `cluster` variable. One ConfigMap per dashboard, labelled
 * for Grafana's sidecar; the JSON is deterministic (stable uids and panel ids, no timestamps).
 */
export class GoldenSignalDashboards extends Component {
  constructor(scope: Construct, id: string) {
    super(scope, id, { layer: 'platform' });
    addDashboardConfigMaps(this, GOLDEN_SIGNAL_DASHBOARDS);
  }
}
