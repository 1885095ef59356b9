/** A query of a dashboard panel. */
export interface PanelQuery {
  /** PromQL; may use Grafana's `$cluster` and `$__rate_interval`. */
  readonly expr: string;
  /** Series name, with `{{label}}` placeholders. */
  readonly legend: string;
}

/** A time-series panel. */
export interface PanelSpec {
  readonly title: string;
  /** What the panel shows and what a bad value means. */
  readonly description: string;
  /** Grafana unit, e.g. `s`, `reqps`, `percentunit`, `bytes`, `Bps`, `short`, `dateTimeAsIso`. */
  readonly unit: string;
  readonly queries: readonly PanelQuery[];
}

/** A row of panels, e.g. the golden signals of one part of a component. */
export interface RowSpec {
  readonly title: string;
  readonly panels: readonly PanelSpec[];
}

/** The matcher every selector of a component dashboard carries: the dashboard's `cluster` variable. */
export const CLUSTER_MATCHER = 'cluster=~"$cluster"';

/**
 * A Grafana dashboard a component declares about itself, next to its metrics. The service cluster's
 * Grafana shows it once for every cluster reporting there (ConfigMap `dashboard-component-<name>`,
 * uid `ck8s-component-<name>`, with a `cluster` variable).
 */
export interface ComponentDashboard {
  /** DNS label, stable: it names the ConfigMap and the dashboard's uid, so links survive regeneration. */
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly rows: readonly RowSpec[];
  /**
   * Every metric the panels read, with the scrape job that serves it: the name (or `job`) of a metrics
   * endpoint of the component (addMetrics) or one of CLUSTER_METRICS_SOURCES, as for alerts.
   */
  readonly metrics: Readonly<Record<string, string>>;
}

const NOT_METRICS = new Set(['and', 'or', 'unless', 'bool', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'inf', 'nan']);

/**
 * Metric names a PromQL expression reads: identifiers left once strings, label matchers, ranges,
 * offsets and groupings are removed, that are neither function calls nor keywords. Grafana's
 * variables stand inside strings and ranges, so they never count.
 */
export function promqlMetricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"[^"]*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\boffset\s+\w+/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const names = [...stripped.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)].map((m) => m[1]!).filter((n) => !NOT_METRICS.has(n));
  return [...new Set(names)];
}
