import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Component, type ComponentDashboard, promqlMetricNames } from '../src/index.js';

const pods = { name: 'app', namespace: 'app', labels: { app: 'app' } };
const dashboard = (overrides: Partial<ComponentDashboard> = {}): ComponentDashboard => ({
  name: 'app',
  title: 'App',
  description: 'The app.',
  metrics: { app_requests_total: 'app', kubelet_volume_stats_used_bytes: 'kubelet' },
  rows: [
    {
      title: 'Requests',
      panels: [
        {
          title: 'Requests',
          description: 'Requests per second.',
          unit: 'reqps',
          queries: [{ expr: 'sum by (cluster) (rate(app_requests_total{cluster=~"$cluster"}[$__rate_interval]))', legend: '{{cluster}}' }],
        },
        {
          title: 'Volume',
          description: 'Bytes used.',
          unit: 'bytes',
          queries: [{ expr: 'max by (cluster) (kubelet_volume_stats_used_bytes{cluster=~"$cluster", namespace="app"})', legend: '{{cluster}}' }],
        },
      ],
    },
  ],
  ...overrides,
});

/** The dashboard with one more panel reading `expr`. */
const withQuery = (expr: string, metrics?: Record<string, string>): ComponentDashboard => {
  const base = dashboard();
  return {
    ...base,
    ...(metrics ? { metrics } : {}),
    rows: [
      { ...base.rows[0]!, panels: [...base.rows[0]!.panels, { title: 'Extra', description: 'x', unit: 'short', queries: [{ expr, legend: '' }] }] },
    ],
  };
};

function component(): Component {
  const c = new Component(new App(), 'app', { layer: 'controllers' });
  c.addMetrics({ name: 'app', pods, port: 8080 });
  return c;
}

describe('promqlMetricNames', () => {
  it('finds the metrics of an expression, not its functions, labels, ranges, groupings or Grafana variables', () => {
    expect(
      promqlMetricNames(
        'histogram_quantile(0.95, sum by (cluster, le) (rate(a_bucket{cluster=~"$cluster", x="y z"}[$__rate_interval]))) / on (cluster) group_left (pod) b offset 1h',
      ),
    ).toEqual(['a_bucket', 'b']);
    expect(promqlMetricNames('time() - max without (instance) (c{job="j"}) > bool 3600 and d unless e')).toEqual(['c', 'd', 'e']);
    expect(promqlMetricNames('topk(10, label_replace(f, "dst", "$1", "src", "(.+)"))')).toEqual(['f']);
  });
});

describe('Component.addDashboard', () => {
  it('keeps a dashboard whose panels read the metrics it names, from its endpoints or the cluster exporters', () => {
    const c = component();
    c.addDashboard(dashboard());
    expect(c.dashboards.map((d) => d.name)).toEqual(['app']);
  });

  it('refuses a panel that reads a metric the dashboard does not name, so no panel queries a series nobody scrapes', () => {
    expect(() => component().addDashboard(withQuery('sum(rate(other_total{cluster=~"$cluster"}[5m]))'))).toThrow(
      'component app: dashboard app: panel "Extra" reads other_total, which the dashboard\'s metrics do not name with its source',
    );
  });

  it('refuses a metric from a source the component does not have, a metric no panel reads, and empty parts', () => {
    expect(() =>
      component().addDashboard(dashboard({ metrics: { app_requests_total: 'other', kubelet_volume_stats_used_bytes: 'kubelet' } })),
    ).toThrow(
      'component app: dashboard app: reads app_requests_total from "other", which is neither a metrics endpoint of the component nor one of apiserver, kubelet, kube-state-metrics, node-exporter, prometheus',
    );
    expect(() => component().addDashboard(dashboard({ metrics: { ...dashboard().metrics, unread_total: 'app' } }))).toThrow(
      'component app: dashboard app: names metrics no panel reads: unread_total',
    );
    expect(() => component().addDashboard(withQuery('vector(1)'))).toThrow('panel "Extra" has a query that reads no metric: vector(1)');
    expect(() => component().addDashboard(dashboard({ rows: [] }))).toThrow('component app: dashboard app has no rows');
    expect(() => component().addDashboard(dashboard({ name: 'App' }))).toThrow('component app: dashboard App: name is not a DNS-1123 label');
    const c = component();
    c.addDashboard(dashboard());
    expect(() => c.addDashboard(dashboard())).toThrow('component app: dashboard app is declared twice');
  });
});
