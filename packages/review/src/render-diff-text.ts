import { fieldLine, viewFieldChange } from './field-change-view.js';
import type { ClusterDiff, FleetDiff } from './fleet-diff.js';
import { objectLabel, type ObjectChange } from './object-changes.js';

const SIGN = { added: '+', removed: '-', changed: '~' } as const;

/** The fleet diff for a terminal: one block per cluster, one line per object, indented field changes. */
export function renderDiffText(diff: FleetDiff): string {
  const lines = [`diff: base ${diff.base} (${diff.baseCommit.slice(0, 12)}) → working tree`];
  for (const cluster of diff.clusters) {
    lines.push(`${cluster.cluster}: ${clusterSummary(cluster)}`);
    for (const o of cluster.objects) lines.push(...objectLines(o));
  }
  lines.push(`diff: ${totals(diff)}`);
  return `${lines.join('\n')}\n`;
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
