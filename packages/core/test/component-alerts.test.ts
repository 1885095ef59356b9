import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Component, type ComponentAlert } from '../src/index.js';

const pods = { name: 'app', namespace: 'app', labels: { app: 'app' } };
const alert = (overrides: Partial<ComponentAlert> = {}): ComponentAlert => ({
  alert: 'AppErrors',
  severity: 'warning',
  expr: 'sum by (cluster) (rate(app_errors_total[5m])) > 0',
  summary: 'App errors',
  description: 'App errors in cluster {{ $labels.cluster }}.',
  metrics: { app_errors_total: 'app' },
  ...overrides,
});

function component(): Component {
  const c = new Component(new App(), 'app', { layer: 'controllers' });
  c.addMetrics({ name: 'app', pods, port: 8080 });
  return c;
}

describe('Component.addAlerts', () => {
  it('keeps the groups of alerts whose metrics come from its endpoints or the cluster exporters', () => {
    const c = component();
    c.addAlerts({ name: 'app', alerts: [alert(), alert({ alert: 'AppVolumeFull', metrics: { kubelet_volume_stats_available_bytes: 'kubelet' } })] });
    expect(c.alertGroups.map((g) => g.alerts.map((a) => a.alert))).toEqual([['AppErrors', 'AppVolumeFull']]);
  });

  it('refuses a metric from a source nobody scrapes for it, an alert without metrics, and a name that is not PascalCase', () => {
    expect(() => component().addAlerts({ name: 'app', alerts: [alert({ metrics: { app_errors_total: 'other' } })] })).toThrow(
      'component app: alert group app: alert AppErrors reads app_errors_total from "other", which is neither a metrics endpoint of the component nor one of apiserver, kubelet, kube-state-metrics, node-exporter',
    );
    expect(() => component().addAlerts({ name: 'app', alerts: [alert({ metrics: {} })] })).toThrow('alert AppErrors names no metrics');
    expect(() => component().addAlerts({ name: 'app', alerts: [alert({ alert: 'app-errors' })] })).toThrow('alert "app-errors" is not PascalCase');
    expect(() => component().addAlerts({ name: 'app', alerts: [] })).toThrow('component app: alert group app has no alerts');
  });
});
