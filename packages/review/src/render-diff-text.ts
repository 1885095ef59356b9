import { fieldLine, viewFieldChange } from './field-change-view.js';
import type { ClusterDiff, FleetDiff } from './fleet-diff.js';
import { objectLabel, type ObjectChange } from './object-changes.js';
import type { ReleaseRenderDiff, RenderedDiff } from './rendered-diff.js';

const SIGN = { added: '+', removed: '-', changed: '~' } as const;

/** The fleet diff for a terminal: one block per cluster, one line per object, indented field changes. */
export function renderDiffText(diff: FleetDiff): string {
  const lines = [`diff: base ${diff.base} (${diff.baseCommit.slice(0, 12)}) → working tree`];
  for (const cluster of diff.clusters) {
    lines.push(`${cluster.cluster}: ${clusterSummary(cluster)}`);
    for (const o of cluster.objects) lines.push(...objectLines(o));
  }
  lines.push(`diff: ${totals(diff)}`);
  if (diff.rendered) {
    for (const cluster of diff.rendered.clusters) {
      for (const r of cluster.releases.filter((r) => r.status !== 'unchanged')) {
        lines.push(`render: ${cluster.cluster} ${releaseLabel(r)}: ${releaseSummary(r)}`);
        for (const o of r.objects) lines.push(...objectLines(o));
      }
    }
    lines.push(`diff --render: ${renderedTotals(diff.rendered)}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `HelmRelease monitoring/kube-prometheus-stack (kube-prometheus-stack-72.6.2 → 72.7.0)`; on a
 * cluster Argo CD syncs `Application argocd/monitoring-kube-prometheus-stack, release monitoring/kube-prometheus-stack (...)`.
 */
export function releaseLabel(r: ReleaseRenderDiff): string {
  const charts =
    r.chartBefore && r.chartAfter && r.chartBefore !== r.chartAfter
      ? `${r.chartBefore} → ${r.chartAfter}`
      : (r.chartAfter ?? r.chartBefore ?? 'chart unknown');
  const what = r.application ? `Application ${r.application}, release ${r.namespace}/${r.release}` : `HelmRelease ${r.namespace}/${r.release}`;
  return `${what} (${charts})`;
}

/** `release added: 4 added, 0 changed, 0 removed`, `no rendered changes`, with the render error if any. */
export function releaseSummary(r: ReleaseRenderDiff): string {
  const head = r.status === 'added' || r.status === 'removed' ? `release ${r.status}: ` : '';
  const counts = r.objects.length === 0 ? 'no rendered changes' : countChanges(r.objects);
  return `${head}${counts}${r.error ? ` (${r.error})` : ''}`;
}

/** `2 release(s) rendered at both sides, 17 identical not rendered; 3 rendered object(s) differ (...)`. */
export function renderedTotals(rendered: RenderedDiff): string {
  const objects = rendered.clusters.flatMap((c) => c.releases.flatMap((r) => r.objects));
  const placeholders = rendered.placeholders > 0 ? `; ${rendered.placeholders} value(s) from sops Secrets given as placeholders` : '';
  return `${rendered.rendered} release(s) rendered, ${rendered.identical} identical at both sides not rendered; ${objects.length} rendered object(s) differ (${countChanges(objects)})${placeholders}`;
}

function objectLines(o: ObjectChange): string[] {
  const where = o.previousFile ? `${o.previousFile} → ${o.file}` : o.file;
  const lines = [`  ${SIGN[o.change]} ${objectLabel(o)} (${where})`];
  for (const field of o.fields) {
    const view = viewFieldChange(field);
    lines.push(`      ${fieldLine(view)}`);
    for (const line of view.lines ?? []) lines.push(`        ${line}`);
  }
  return lines;
}

/** `1 added, 2 changed`, `cluster added (40 objects)`, `no changes`. */
export function clusterSummary(cluster: ClusterDiff): string {
  if (cluster.status === 'added') return `cluster added (${cluster.objects.length} objects)`;
  if (cluster.status === 'removed') return `cluster removed (${cluster.objects.length} objects)`;
  if (cluster.objects.length === 0) return 'no changes';
  return countChanges(cluster.objects);
}

export function countChanges(objects: readonly ObjectChange[]): string {
  const count = (kind: ObjectChange['change']): number => objects.filter((o) => o.change === kind).length;
  return `${count('added')} added, ${count('changed')} changed, ${count('removed')} removed`;
}

/** `3 object(s) differ in 1 of 2 cluster(s) (1 added, 2 changed, 0 removed)`. */
export function totals(diff: FleetDiff): string {
  const objects = diff.clusters.flatMap((c) => c.objects);
  const touched = diff.clusters.filter((c) => c.status !== 'unchanged').length;
  return `${objects.length} object(s) differ in ${touched} of ${diff.clusters.length} cluster(s) (${countChanges(objects)})`;
}
