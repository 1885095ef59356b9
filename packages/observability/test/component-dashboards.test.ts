import type { ComponentDashboard } from '@ck8s/core';
import { defaultDashboard } from '@grafana/schema';
import { describe, expect, it } from 'vitest';
import { testApp } from '../../../test-support/connect.js';
import type { K8sObject } from '../../../test-support/manifests.js';
import { ComponentDashboards } from '../src/index.js';

const declared = (
  name: string,
  expr = `sum by (cluster) (rate(${name}_requests_total{cluster=~"$cluster"}[$__rate_interval]))`,
): ComponentDashboard => ({
  name,
  title: `The ${name}`,
  description: `What ${name} does.`,
  metrics: { [`${name}_requests_total`]: name },
  rows: [
    {
      title: 'Traffic',
      panels: [{ title: 'Requests', description: 'Requests per second.', unit: 'reqps', queries: [{ expr, legend: '{{cluster}}' }] }],
    },
  ],
});

function synth(dashboards: readonly ComponentDashboard[]): K8sObject[] {
  return new ComponentDashboards(testApp(), 'component-dashboards', { dashboards }).toJson();
}

const models = (objects: K8sObject[]): K8sObject[] =>
  objects.flatMap((o) => Object.values(o.data as Record<string, string>).map((json) => JSON.parse(json)));

describe('ComponentDashboards', () => {
  it('is one ConfigMap per declared dashboard, sorted by name, with a stable uid, labelled for the Grafana sidecar', () => {
    const objects = synth([declared('velero'), declared('dex')]);
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'ConfigMap/monitoring/dashboard-component-dex',
      'ConfigMap/monitoring/dashboard-component-velero',
    ]);
    for (const o of objects) expect(o.metadata.labels!.grafana_dashboard).toBe('1');
    expect(objects.map((o) => Object.keys(o.data))).toEqual([['ck8s-component-dex.json'], ['ck8s-component-velero.json']]);
    expect(models(objects).map((d) => [d.uid, d.title, d.tags])).toEqual([
      ['ck8s-component-dex', 'The dex', ['ck8s', 'component', 'dex']],
      ['ck8s-component-velero', 'The velero', ['ck8s', 'component', 'velero']],
    ]);
  });

  it('writes the same bytes whatever the order the clusters declare them in', () => {
    expect(synth([declared('dex'), declared('velero')])).toEqual(synth([declared('velero'), declared('dex')]));
  });

  it('has the cluster variable and the schema version of the Grafana the platform runs', () => {
    const [model] = models(synth([declared('dex')]));
    expect(model!.templating.list.map((v: K8sObject) => v.name)).toEqual(['datasource', 'cluster']);
    expect(model!.schemaVersion).toBe(defaultDashboard.schemaVersion);
    expect(model!.panels.map((p: K8sObject) => p.type)).toEqual(['row', 'timeseries']);
  });

  it('shows a dashboard the same component declares in several clusters once, and refuses two different ones of one name', () => {
    expect(synth([declared('nats'), declared('nats'), declared('dex')]).map((o) => o.metadata.name)).toEqual([
      'dashboard-component-dex',
      'dashboard-component-nats',
    ]);
    expect(() => synth([declared('nats'), declared('nats', 'max(nats_requests_total{cluster=~"$cluster"})')])).toThrow(
      'component dashboards: dashboard nats is declared twice with different panels',
    );
  });
});
