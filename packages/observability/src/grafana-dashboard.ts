import type { RowSpec } from '@ck8s/core';
import type { Dashboard, Panel, RowPanel, VariableModel } from '@grafana/schema';

/** A template variable filled from a label's values. */
export interface QueryVariableSpec {
  readonly name: string;
  readonly label: string;
  /** `label_values(...)` query. */
  readonly query: string;
}

export interface DashboardSpec {
  /** Stable uid: links and bookmarks survive every regeneration. */
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  /** Variables after `datasource` and `cluster`. @default none */
  readonly variables?: readonly QueryVariableSpec[];
  readonly rows: readonly RowSpec[];
}

/** The `cluster` variable every dashboard has: every series carries the label of its cluster. */
export const CLUSTER_VARIABLE: QueryVariableSpec = { name: 'cluster', label: 'Cluster', query: 'label_values(up, cluster)' };

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;
const PANELS_PER_ROW = 4;
const PANEL_WIDTH = 24 / PANELS_PER_ROW;
const PANEL_HEIGHT = 8;

/**
 * The dashboard schema version of the Grafana the platform runs (13.2, in kube-prometheus-stack's
 * pinned chart), which @grafana/schema of the same version describes: Grafana loads such a model
 * without migrating it.
 */
export const DASHBOARD_SCHEMA_VERSION = 42;

/**
 * A Grafana dashboard model from a spec: a `datasource` and a `cluster` variable, then one row per
 * spec row with its panels four abreast. Deterministic: ids and positions follow the spec's
 * order, and nothing depends on the time of generation. Typed by Grafana's own dashboard schema,
 * so a field it does not know or a value of the wrong type fails the build.
 */
export function dashboardModel(spec: DashboardSpec): Dashboard {
  const panels: (Panel | RowPanel)[] = [];
  let id = 1;
  let y = 0;
  for (const row of spec.rows) {
    panels.push({ id: id++, type: 'row', title: row.title, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y }, panels: [] });
    y += 1;
    row.panels.forEach((panel, i) => {
      panels.push({
        id: id++,
        type: 'timeseries',
        title: panel.title,
        description: panel.description,
        datasource: DATASOURCE,
        gridPos: { h: PANEL_HEIGHT, w: PANEL_WIDTH, x: (i % PANELS_PER_ROW) * PANEL_WIDTH, y: y + Math.floor(i / PANELS_PER_ROW) * PANEL_HEIGHT },
        fieldConfig: { defaults: { unit: panel.unit, min: 0 }, overrides: [] },
        options: { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'desc' } },
        targets: panel.queries.map((q, j) => ({ datasource: DATASOURCE, expr: q.expr, legendFormat: q.legend, refId: String.fromCharCode(65 + j) })),
      });
    });
    y += Math.ceil(row.panels.length / PANELS_PER_ROW) * PANEL_HEIGHT;
  }
  const queryVariable = (v: QueryVariableSpec): VariableModel => ({
    name: v.name,
    label: v.label,
    type: 'query',
    datasource: DATASOURCE,
    query: { query: v.query, refId: `${v.name}-variable` },
    includeAll: true,
    multi: true,
    allValue: '.*',
    refresh: 2,
    sort: 1,
    hide: 0,
  });
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: [...spec.tags],
    editable: false,
    graphTooltip: 1,
    schemaVersion: DASHBOARD_SCHEMA_VERSION,
    version: 1,
    refresh: '1m',
    time: { from: 'now-6h', to: 'now' },
    timezone: 'utc',
    annotations: { list: [] },
    links: [],
    templating: {
      list: [
        { name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', hide: 0 },
        queryVariable(CLUSTER_VARIABLE),
        ...(spec.variables ?? []).map(queryVariable),
      ],
    },
    panels,
  };
}

/** The dashboard as the JSON file Grafana loads: two-space indented, ending in a newline. */
export function dashboardJson(spec: DashboardSpec): string {
  return `${JSON.stringify(dashboardModel(spec), null, 2)}\n`;
}
