import { describe, expect, it } from 'vitest';
import { testApp } from '../../../test-support/connect.js';
import type { K8sObject } from '../../../test-support/manifests.js';
import { dashboardJson, GoldenSignalDashboards, platformDashboard, tenantDashboard } from '../src/index.js';

function synth(): K8sObject[] {
  return new GoldenSignalDashboards(testApp(), 'dashboards').toJson();
}

/** The dashboards of the ConfigMaps, parsed. */
function dashboards(objects: K8sObject[]): K8sObject[] {
  return objects.flatMap((o) => Object.values(o.data as Record<string, string>).map((json) => JSON.parse(json)));
}

describe('GoldenSignalDashboards', () => {
  const objects = synth();
  const all = dashboards(objects);
  const panels = all.flatMap((d) => d.panels.filter((p: K8sObject) => p.type !== 'row'));

  it('is one ConfigMap per dashboard in the monitoring namespace, labelled for the Grafana sidecar', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'ConfigMap/monitoring/dashboard-platform-golden-signals',
      'ConfigMap/monitoring/dashboard-tenant-golden-signals',
    ]);
    for (const o of objects) {
      expect(o.metadata.labels!.grafana_dashboard).toBe('1');
      expect(Object.keys(o.data)).toEqual([`${JSON.parse(Object.values(o.data as Record<string, string>)[0]!).uid}.json`]);
    }
  });

  it('writes the same bytes every time: stable uids and ids, no timestamps', () => {
    expect(synth()).toEqual(objects);
    expect(all.map((d) => d.uid)).toEqual(['ck8s-platform-golden-signals', 'ck8s-tenant-golden-signals']);
    for (const d of all) {
      expect(d.panels.map((p: K8sObject) => p.id)).toEqual(d.panels.map((_: unknown, i: number) => i + 1));
      expect(d.version).toBe(1);
    }
    const text = objects.map((o) => Object.values(o.data as Record<string, string>)[0]).join('');
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|"iteration"|"created"|"updated"/);
    expect(dashboardJson(platformDashboard())).toBe(dashboardJson(platformDashboard()));
  });

  it('has a cluster variable, and every query filters on it', () => {
    for (const d of all) {
      expect(d.templating.list.map((v: K8sObject) => v.name).slice(0, 2)).toEqual(['datasource', 'cluster']);
      expect(d.templating.list[1].query.query).toBe('label_values(up, cluster)');
    }
    for (const p of panels) {
      expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      for (const t of p.targets) {
        for (const selector of t.expr.match(/[a-z_:]+\{[^}]*\}/g) ?? []) expect(selector, `${p.title}: ${t.expr}`).toContain('cluster=~"$cluster"');
      }
    }
  });

  it('shows latency, traffic, errors and saturation of the platform components and the nodes', () => {
    const d = platformDashboard();
    expect(d.rows.map((r) => r.title)).toEqual([
      'Ingress controller (NGINX Ingress Controller)',
      'Kubernetes API server',
      'Prometheus',
      'Log shipping (Fluent Bit to OpenSearch)',
      'Nodes',
    ]);
    for (const row of d.rows.slice(0, 4))
      expect(row.panels.map((p) => p.title.split(' ')[0])).toEqual(['Latency', 'Traffic', 'Errors', 'Saturation']);
    const exprs = d.rows.flatMap((r) => r.panels.flatMap((p) => p.queries.map((q) => q.expr))).join('\n');
    for (const metric of [
      'nginx_ingress_controller_upstream_server_response_latency_ms_bucket',
      'nginx_ingress_nginx_http_requests_total',
      'nginx_ingress_controller_upstream_server_response_latency_ms_count',
      'apiserver_request_duration_seconds_bucket',
      'apiserver_request_total',
      'apiserver_current_inflight_requests',
      'prometheus_tsdb_head_samples_appended_total',
      'prometheus_remote_storage_samples_failed_total',
      'fluentbit_output_proc_records_total',
      'fluentbit_output_proc_bytes_total',
      'node_cpu_seconds_total',
      'node_disk_read_bytes_total',
      'node_network_receive_bytes_total',
    ]) {
      expect(exprs).toContain(metric);
    }
    expect(exprs).toContain('code=~"5.."');
  });

  it('shows latency, traffic, errors and saturation of the tenants per namespace', () => {
    const d = tenantDashboard();
    expect(d.variables).toEqual([
      {
        name: 'namespace',
        label: 'Namespace',
        query: 'label_values(kube_resourcequota{cluster=~"$cluster", resourcequota="tenant-quota"}, namespace)',
      },
    ]);
    const panelsByTitle = Object.fromEntries(d.rows.flatMap((r) => r.panels).map((p) => [p.title, p.queries.map((q) => q.expr).join('\n')]));
    expect(panelsByTitle['Latency (p99)']).toContain(
      'sum by (cluster, resource_namespace, le) (rate(nginx_ingress_controller_upstream_server_response_latency_ms_bucket',
    );
    expect(panelsByTitle['Traffic']).toBe(
      'sum by (cluster, resource_namespace) (rate(nginx_ingress_controller_upstream_server_response_latency_ms_count{cluster=~"$cluster", resource_namespace=~"$namespace"}[$__rate_interval]))',
    );
    expect(panelsByTitle['Errors (5xx)']).toContain('code=~"5.."');
    expect(panelsByTitle['CPU of quota']).toContain('container_cpu_usage_seconds_total');
    expect(panelsByTitle['CPU of quota']).toContain('resource="requests.cpu", type="hard"');
    expect(panelsByTitle['Memory of quota']).toContain('container_memory_working_set_bytes');
    expect(panelsByTitle['Network I/O per pod']).toContain('container_network_receive_bytes_total');
    expect(panelsByTitle['Disk I/O per pod']).toContain('container_fs_writes_bytes_total');
  });
});
