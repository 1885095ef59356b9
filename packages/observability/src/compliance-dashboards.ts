import { Component } from '@ck8s/core';
import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import {
  admissionDashboard,
  backupsDashboard,
  intrusionDetectionDashboard,
  networkPoliciesDashboard,
  vulnerabilitiesDashboard,
} from './compliance-dashboard-specs.js';
import { type DashboardSpec, dashboardJson } from './grafana-dashboard.js';
import { DASHBOARD_LABEL, MONITORING_NAMESPACE } from './monitoring-names.js';

/** The compliance dashboards, by ConfigMap name. */
export const COMPLIANCE_DASHBOARDS: Readonly<Record<string, () => DashboardSpec>> = {
  'dashboard-compliance-admission': admissionDashboard,
  'dashboard-compliance-backups': backupsDashboard,
  'dashboard-compliance-intrusion-detection': intrusionDetectionDashboard,
  'dashboard-compliance-network-policies': networkPoliciesDashboard,
  'dashboard-compliance-vulnerabilities': vulnerabilitiesDashboard,
};

/**
 * Grafana dashboards for auditors in a service cluster's Grafana (`platform/compliance-dashboards.yaml`):
 * backups, intrusion detection, admission policies, network policies and vulnerabilities of every
 * cluster, each panel naming the control it evidences. Shipped as the golden-signal dashboards
 * are: one ConfigMap per dashboard, labelled for Grafana's sidecar, deterministic JSON.
 */
export class ComplianceDashboards extends Component {
  constructor(scope: Construct, id: string) {
    super(scope, id, { layer: 'platform' });
    for (const [name, spec] of Object.entries(COMPLIANCE_DASHBOARDS)) {
      const dashboard = spec();
      new ApiObject(this, name, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, namespace: MONITORING_NAMESPACE, labels: { [DASHBOARD_LABEL.key]: DASHBOARD_LABEL.value } },
        data: { [`${dashboard.uid}.json`]: dashboardJson(dashboard) },
      });
    }
  }
}
