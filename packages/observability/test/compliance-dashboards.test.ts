import { defaultDashboard } from '@grafana/schema';
import { describe, expect, it } from 'vitest';
import { testApp } from '../../../test-support/connect.js';
import type { K8sObject } from '../../../test-support/manifests.js';
import { ComplianceDashboards } from '../src/index.js';

function synth(): K8sObject[] {
  return new ComplianceDashboards(testApp(), 'compliance-dashboards').toJson();
}

const dashboards = (objects: K8sObject[]): K8sObject[] =>
  objects.flatMap((o) => Object.values(o.data as Record<string, string>).map((json) => JSON.parse(json)));

/** Metric names of a query: identifiers before a selector. */
const selectors = (expr: string): string[] => [...expr.matchAll(/([a-z_:][a-z0-9_:]*)\{[^}]*\}/g)].map((m) => m[0]);

describe('ComplianceDashboards', () => {
  const objects = synth();
  const all = dashboards(objects);
  const panels = all.flatMap((d) => d.panels.filter((p: K8sObject) => p.type !== 'row'));

  it('is one ConfigMap per compliance view, labelled for the Grafana sidecar, the same bytes every time', () => {
    expect(objects.map((o) => o.metadata.name)).toEqual([
      'dashboard-compliance-admission',
      'dashboard-compliance-backups',
      'dashboard-compliance-certificates',
      'dashboard-compliance-gitops',
      'dashboard-compliance-intrusion-detection',
      'dashboard-compliance-network-policies',
      'dashboard-compliance-vulnerabilities',
    ]);
    for (const o of objects) expect(o.metadata.labels!.grafana_dashboard).toBe('1');
    expect(synth()).toEqual(objects);
  });

  it("declare the dashboard schema version of the Grafana the platform runs, as Grafana's own schema package gives it", () => {
    // @grafana/schema is pinned to the Grafana of kube-prometheus-stack's chart: a newer Grafana
    // means a newer package, whose version this test then asks the dashboards to follow
    for (const d of all) expect(d.schemaVersion, d.title).toBe(defaultDashboard.schemaVersion);
  });

  it('names the control each panel evidences, and every query filters on the cluster', () => {
    expect(panels.length).toBeGreaterThanOrEqual(15);
    for (const p of panels) {
      expect(p.description, p.title).toMatch(/^Evidences A\.8\.\d+ [A-Z]/);
      for (const t of p.targets) for (const s of selectors(t.expr)) expect(s, `${p.title}: ${t.expr}`).toContain('cluster=~"$cluster"');
    }
  });

  it('reads the metrics of the exporters the platform runs, at their pinned versions', () => {
    const metrics = new Set(panels.flatMap((p: K8sObject) => p.targets.flatMap((t: K8sObject) => selectors(t.expr).map((s) => s.split('{')[0]))));
    expect([...metrics].sort()).toEqual([
      'apiserver_validating_admission_policy_check_total',
      'argocd_app_info',
      'argocd_application_revision_info',
      'certmanager_certificate_expiration_timestamp_seconds',
      'certmanager_certificate_ready_status',
      'falcosecurity_falco_rules_matches_total',
      'falcosecurity_falcosidekick_outputs_total',
      'gotk_resource_info',
      'kube_cronjob_status_last_successful_time',
      'kube_namespace_created',
      'kube_networkpolicy_created',
      'kube_networkpolicy_spec_egress_rules',
      'kube_networkpolicy_spec_ingress_rules',
      'trivy_cluster_compliance',
      'trivy_image_vulnerabilities',
      'trivy_resource_configaudits',
      'velero_backup_failure_total',
      'velero_backup_last_successful_timestamp',
      'velero_backup_partial_failure_total',
      'velero_backup_success_total',
    ]);
  });
});
