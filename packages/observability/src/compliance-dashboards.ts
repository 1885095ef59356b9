import { Component } from '@ck8s/core';
import type { Construct } from 'constructs';
import {
  admissionDashboard,
  backupsDashboard,
  certificatesDashboard,
  gitOpsDashboard,
  intrusionDetectionDashboard,
  networkPoliciesDashboard,
  vulnerabilitiesDashboard,
} from './compliance-dashboard-specs.js';
import { addDashboardConfigMaps } from './dashboard-config-maps.js';
import type { DashboardSpec } from './grafana-dashboard.js';

/** The compliance dashboards, by ConfigMap name. */
export const COMPLIANCE_DASHBOARDS: Readonly<Record<string, () => DashboardSpec>> = {
  'dashboard-compliance-admission': admissionDashboard,
  'dashboard-compliance-backups': backupsDashboard,
  'dashboard-compliance-certificates': certificatesDashboard,
  'dashboard-compliance-gitops': gitOpsDashboard,
  'dashboard-compliance-intrusion-detection': intrusionDetectionDashboard,
  'dashboard-compliance-network-policies': networkPoliciesDashboard,
  'dashboard-compliance-vulnerabilities': vulnerabilitiesDashboard,
};

/**
 * Grafana dashboards for auditors in a service cluster's Grafana (`platform/compliance-dashboards.yaml`):
 * backups, intrusion detection, admission policies, network policies, vulnerabilities,
 * certificates and GitOps of every cluster, each panel naming the control it evidences. Shipped
 * as the golden-signal dashboards are: one ConfigMap per dashboard, labelled for Grafana's
 * sidecar, deterministic JSON.
 */
export class ComplianceDashboards extends Component {
  constructor(scope: Construct, id: string) {
    super(scope, id, { layer: 'platform' });
    addDashboardConfigMaps(this, COMPLIANCE_DASHBOARDS);
  }
}
