import type { Component } from '@ck8s/core';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, testApp } from '../../../test-support/connect.js';
import { Kubeconform, problems } from '../../../test-support/kubeconform.js';
import type { K8sObject } from '../../../test-support/manifests.js';
import { AvailabilityProbes, ComponentAlerts, GoldenSignalDashboards, MetricsStack, PlatformMonitors } from '../src/index.js';
import { workloadProps, catalog, scrapeTargets, serverProps } from './fixtures.js';

const kubeconform = new Kubeconform();
afterAll(() => kubeconform.dispose());

function outputOf(...components: Component[]): Record<string, unknown[]> {
  return Object.fromEntries(components.map((c) => [c.componentName, c.toJson()]));
}

describe('kubeconform -strict on the generated objects', () => {
  it('accepts everything the service cluster gets: PrometheusRules, Probes, dashboard ConfigMaps and the metrics stack', async () => {
    const app = testApp();
    const stack = new MetricsStack(app, 'kube-prometheus-stack', serverProps());
    stack.watchFleet({ workloadClusters: ['wc'], namespaces: stack.namespaces });
    const alerts = new ComponentAlerts(app, 'component-alerts', { groups: stack.alertGroups, runbookUrl: 'https://git.example.com/runbooks.md' });
    const probes = new AvailabilityProbes(app, 'availability', {
      catalog,
      endpoints: stack.endpoints.map((e) => ({ name: e.name, url: `https://${e.host}/` })),
    });
    const dashboards = new GoldenSignalDashboards(app, 'dashboards');
    const monitors = new PlatformMonitors(app, 'platform-monitors', { targets: scrapeTargets });
    connect(app, { roles: ['ingress-controller'], network: { isServiceCluster: true } });
    const files = outputOf(stack, alerts, probes, dashboards, monitors);
    const result = await kubeconform.run(files);
    expect(problems(result)).toEqual([]);
    const total = Object.values(files).reduce((n, objects) => n + objects.length, 0);
    expect(result.summary).toEqual({ valid: total, invalid: 0, errors: 0, skipped: 0 });
    const kinds = new Set(result.resources.map((r) => `${r.version}/${r.kind}`));
    for (const kind of [
      'monitoring.coreos.com/v1/PrometheusRule',
      'monitoring.coreos.com/v1/Probe',
      'monitoring.coreos.com/v1/PodMonitor',
      'v1/ConfigMap',
      'helm.toolkit.fluxcd.io/v2/HelmRelease',
      'networking.k8s.io/v1/NetworkPolicy',
      'v1/Namespace',
    ]) {
      expect(kinds).toContain(kind);
    }
    expect(result.resources.filter((r) => r.kind === 'Probe')).toHaveLength(3);
  });

  it("accepts a workload cluster's metrics stack and monitors", async () => {
    const app = testApp();
    const stack = new MetricsStack(app, 'kube-prometheus-stack', workloadProps);
    const monitors = new PlatformMonitors(app, 'platform-monitors', { targets: scrapeTargets });
    connect(app, { roles: ['ingress-controller'] });
    const files = outputOf(stack, monitors);
    expect(files['kube-prometheus-stack']!.filter((o) => (o as K8sObject).kind === 'NetworkPolicy').length).toBeGreaterThan(0);
    const result = await kubeconform.run(files);
    expect(problems(result)).toEqual([]);
    const total = Object.values(files).reduce((n, objects) => n + objects.length, 0);
    expect(result.summary).toEqual({ valid: total, invalid: 0, errors: 0, skipped: 0 });
  });

  it('really checks the monitoring schemas: an unknown field and a bad interval are rejected', async () => {
    const probe = new AvailabilityProbes(testApp(), 'availability', {
      catalog,
      endpoints: [{ name: 'grafana', url: 'https://grafana.sc.example.com' }],
    })
      .toJson()
      .find((o) => o.kind === 'Probe');
    const result = await kubeconform.run({
      broken: [
        { ...probe, spec: { ...probe.spec, interval: 'every minute' } },
        { ...probe, metadata: { ...probe.metadata, name: 'extra' }, spec: { ...probe.spec, timeout: '10s' } },
      ],
    });
    expect(result.summary).toMatchObject({ valid: 0, invalid: 2 });
    expect(problems(result).join('\n')).toMatch(/interval/);
    expect(problems(result).join('\n')).toMatch(/additionalProperties 'timeout' not allowed|timeout/);
  });
});
