import { describe, expect, it } from 'vitest';
import { testApp } from '../../../test-support/connect.js';
import { find, type K8sObject } from '../../../test-support/manifests.js';
import {
  type AlertingRule,
  FLUX_RESOURCE_INFO,
  isAlertingRule,
  PLATFORM_ALERT_METRICS,
  PlatformAlerts,
  type PlatformAlertsProps,
} from '../src/index.js';

/** Metric names in a PromQL expression: identifiers left after label matchers, ranges and groupings, that are not function calls. */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  return [...stripped.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)].map((m) => m[1]!).filter((n) => !['and', 'or', 'unless'].includes(n));
}

/** The namespaces of a service cluster's components, as its profile collects them. */
const namespaces = [
  'cert-manager',
  'dex',
  'falco',
  'flux-system',
  'harbor',
  'ingress-nginx',
  'logging',
  'monitoring',
  'node-exporter',
  'opensearch',
  'trivy-system',
  'velero',
];

function synth(props: PlatformAlertsProps = { workloadClusters: ['wc'], namespaces, logSnapshotRepository: 'ck8s-logs' }): {
  component: PlatformAlerts;
  objects: K8sObject[];
  alerts: AlertingRule[];
} {
  const component = new PlatformAlerts(testApp(), 'platform-alerts', props);
  const objects: K8sObject[] = component.toJson();
  const spec = find(objects, 'PrometheusRule', 'platform-alerts').spec;
  return { component, objects, alerts: spec.groups.flatMap((g: K8sObject) => g.rules).filter(isAlertingRule) };
}

describe('PlatformAlerts', () => {
  const { component, objects, alerts } = synth();
  const byName = (name: string): AlertingRule => alerts.find((a) => a.alert === name)!;

  it('is one PrometheusRule in the monitoring namespace of the platform layer', () => {
    expect(component.outputFile).toBe('platform/platform-alerts.yaml');
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['PrometheusRule/monitoring/platform-alerts']);
  });

  it('gives every alert a severity, a summary and a description that names the cluster', () => {
    expect(alerts.length).toBeGreaterThanOrEqual(12);
    for (const a of alerts) {
      expect(['critical', 'warning', 'info'], a.alert).toContain(a.labels.severity);
      expect(a.annotations.summary, a.alert).toMatch(/\S/);
      expect(a.annotations.description, a.alert).toMatch(/in cluster \{\{ \$labels\.cluster \}\}/);
    }
  });

  it('keeps the cluster label through every aggregation', () => {
    for (const a of alerts) {
      expect(a.expr, a.alert).not.toMatch(/\bwithout\s*\(/);
      for (const by of a.expr.matchAll(/\bby\s*\(([^)]*)\)/g))
        expect(
          by[1]!.split(',').map((l) => l.trim()),
          a.alert,
        ).toContain('cluster');
    }
  });

  it('covers component health, Flux, certificates, backups, Falco, log shipping and disks', () => {
    expect(alerts.map((a) => a.alert)).toEqual([
      'PlatformTargetDown',
      'ClusterMetricsMissing',
      'FluxResourceNotReady',
      'CertificateExpiresSoon',
      'CertificateNotReady',
      'BackupFailed',
      'BackupMissing',
      'VolumeBackupFailed',
      'VolumeBackupMissing',
      'BackupNodeAgentDown',
      'DatabaseDumpFailed',
      'DatabaseDumpMissing',
      'LogSnapshotFailed',
      'LogSnapshotMissing',
      'LogSnapshotStateUnknown',
      'FalcoCriticalEvent',
      'FalcoWarningEvent',
      'LogShippingStalled',
      'LogShippingRetriesFailing',
      'AuditArchiveFailing',
      'AuditArchiveStopped',
      'NodeFilesystemFillingUp',
    ]);
    expect(byName('PlatformTargetDown').expr).toBe(
      'up{namespace=~"cert-manager|dex|falco|flux-system|harbor|ingress-nginx|kube-system|logging|monitoring|node-exporter|opensearch|trivy-system|velero"} == 0 or up{job="apiserver"} == 0',
    );
    expect(byName('FluxResourceNotReady').expr).toContain(`${FLUX_RESOURCE_INFO}{ready="False", suspended!="true"}`);
    expect(byName('CertificateExpiresSoon').expr).toBe(
      'min by (cluster, exported_namespace, name) (certmanager_certificate_expiration_timestamp_seconds) - time() < 14 * 24 * 3600',
    );
    expect(byName('BackupFailed').expr).toBe('sum by (cluster, schedule) (increase(velero_backup_failure_total[1h])) > 0');
    expect(byName('BackupMissing').expr).toBe(
      'time() - max by (cluster, schedule) (velero_backup_last_successful_timestamp{schedule!=""}) > 26 * 3600',
    );
    // Falco numbers priorities 0 (emergency) to 7 (debug): warning and above is 0-4
    expect(byName('FalcoCriticalEvent').expr).toContain('falcosecurity_falco_rules_matches_total{priority=~"[0-2]"}');
    expect(byName('FalcoWarningEvent').expr).toContain('falcosecurity_falco_rules_matches_total{priority=~"[34]"}');
    expect(byName('LogShippingStalled').expr).toBe(
      'sum by (cluster, pod, name) (rate(fluentbit_output_proc_records_total{name!="audit-archive"}[15m])) == 0',
    );
    expect(byName('LogShippingRetriesFailing').expr).toContain('fluentbit_output_retries_failed_total[15m]');
    expect(byName('NodeFilesystemFillingUp').expr).toBe('predict_linear(node_filesystem_avail_bytes{fstype!~"tmpfs|overlay"}[6h], 24 * 3600) < 0');
  });

  it('alerts on a failed or missing log store snapshot, and when the exporter cannot read them; only where the log store takes snapshots', () => {
    // the exporter labels the newest snapshot's series with its state
    expect(byName('LogSnapshotFailed').expr).toBe(
      'count by (cluster, repository, state) (elasticsearch_snapshot_stats_snapshot_failed_shards{repository="ck8s-logs", state=~"FAILED|PARTIAL|INCOMPATIBLE"}) > 0',
    );
    // 0 when no snapshot ever succeeded, which is older than any limit
    expect(byName('LogSnapshotMissing').expr).toBe(
      'time() - max by (cluster, repository) (elasticsearch_snapshot_stats_latest_snapshot_timestamp_seconds{repository="ck8s-logs"}) > 26 * 3600',
    );
    expect(byName('LogSnapshotStateUnknown')).toMatchObject({
      expr: 'max by (cluster, pod) (elasticsearch_scrape_success{collector="snapshots"} == 0) or (count by (cluster) (elasticsearch_scrape_success{collector="snapshots"}) unless count by (cluster) (elasticsearch_snapshot_stats_latest_snapshot_timestamp_seconds{repository="ck8s-logs"}))',
      for: '1h',
    });
    for (const name of ['LogSnapshotFailed', 'LogSnapshotMissing', 'LogSnapshotStateUnknown'])
      expect(byName(name).labels.severity, name).toBe('critical');
    const without = synth({ workloadClusters: ['wc'], namespaces }).alerts.map((a) => a.alert);
    expect(without.filter((name) => name.startsWith('LogSnapshot'))).toEqual([]);
  });

  it('alerts when the audit-log archive fails or stops receiving, next to log shipping', () => {
    const failing = byName('AuditArchiveFailing');
    for (const metric of ['errors_total', 'retries_total', 'retries_failed_total', 'dropped_records_total'])
      expect(failing.expr).toContain(`sum by (cluster, pod) (increase(fluentbit_output_${metric}{name="audit-archive"}[15m])) > 0`);
    expect(byName('AuditArchiveStopped').expr).toBe(
      '(sum by (cluster, pod) (rate(fluentbit_input_records_total{name="audit"}[30m])) > 0) and on (cluster, pod) (sum by (cluster, pod) (rate(fluentbit_output_proc_records_total{name="audit-archive"}[30m])) == 0)',
    );
    for (const name of ['AuditArchiveFailing', 'AuditArchiveStopped']) expect(byName(name).labels.severity, name).toBe('critical');
    const groups = find(objects, 'PrometheusRule', 'platform-alerts').spec.groups as { name: string; rules: { alert?: string }[] }[];
    const shipping = groups.find((g) => g.name === 'log-shipping')!.rules.map((r) => r.alert);
    expect(shipping).toEqual(expect.arrayContaining(['AuditArchiveFailing', 'AuditArchiveStopped']));
  });

  it('alerts on failed and missing volume backups, a node agent down, and failed and missing database dumps', () => {
    expect(byName('VolumeBackupFailed').expr).toBe(
      'sum by (cluster, schedule) (increase(velero_backup_partial_failure_total[1h])) > 0 or sum by (cluster, node) (increase(podVolume_data_upload_failure_total[1h])) > 0',
    );
    // volumes backed up during the week, none in the last 26 hours: a cluster without volumes stays quiet
    expect(byName('VolumeBackupMissing').expr).toContain(
      '((sum by (cluster) (increase(podVolume_pod_volume_backup_dequeue_count[7d])) > 0) unless (sum by (cluster) (increase(podVolume_pod_volume_backup_dequeue_count[26h])) > 0))',
    );
    expect(byName('VolumeBackupMissing').expr).toContain('podVolume_data_upload_success_total[26h]');
    expect(byName('BackupNodeAgentDown')).toMatchObject({
      expr: 'max by (cluster) (kube_daemonset_status_desired_number_scheduled{namespace="velero", daemonset="node-agent"} - kube_daemonset_status_number_available{namespace="velero", daemonset="node-agent"}) > 0',
      for: '15m',
      labels: { severity: 'critical' },
    });
    expect(byName('DatabaseDumpFailed').expr).toContain('kube_job_status_failed{namespace="harbor", job_name=~"harbor-database-dump-.*"} > 0');
    expect(byName('DatabaseDumpMissing').expr).toBe(
      'time() - max by (cluster) (kube_cronjob_status_last_successful_time{namespace="harbor", cronjob="harbor-database-dump"}) > 26 * 3600',
    );
  });

  it('reads only the documented metrics', () => {
    const documented = new Set<string>(Object.values(PLATFORM_ALERT_METRICS));
    const used = new Set(alerts.flatMap((a) => metricNames(a.expr)));
    expect([...used].filter((n) => !documented.has(n))).toEqual([]);
    expect([...documented].filter((n) => !used.has(n))).toEqual([]);
  });

  it('alerts when a workload cluster reporting here stops sending metrics', () => {
    const missing = alerts.filter((a) => a.alert === 'ClusterMetricsMissing');
    expect(missing.map((a) => a.expr)).toEqual(['absent_over_time(up{cluster="wc"}[10m])']);
    expect(missing[0]!.labels.severity).toBe('critical');
    const two = synth({ workloadClusters: ['wc2', 'wc'] }).alerts.filter((a) => a.alert === 'ClusterMetricsMissing');
    expect(two.map((a) => a.expr)).toEqual(['absent_over_time(up{cluster="wc"}[10m])', 'absent_over_time(up{cluster="wc2"}[10m])']);
  });

  it("watches Kubernetes' targets even without components, a GitOps engine's only when named, and each namespace once", () => {
    const alone = synth({}).alerts;
    expect(alone.find((a) => a.alert === 'PlatformTargetDown')!.expr).toBe('up{namespace=~"kube-system"} == 0 or up{job="apiserver"} == 0');
    const argo = synth({ namespaces: ['argocd'] }).alerts;
    expect(argo.find((a) => a.alert === 'PlatformTargetDown')!.expr).toBe('up{namespace=~"argocd|kube-system"} == 0 or up{job="apiserver"} == 0');
    // no workload cluster reports here: nothing can go missing
    expect(alone.filter((a) => a.alert === 'ClusterMetricsMissing')).toEqual([]);
    const twice = synth({ namespaces: ['monitoring', 'flux-system', 'monitoring'] }).alerts;
    expect(twice.find((a) => a.alert === 'PlatformTargetDown')!.expr).toBe(
      'up{namespace=~"flux-system|kube-system|monitoring"} == 0 or up{job="apiserver"} == 0',
    );
  });
});
