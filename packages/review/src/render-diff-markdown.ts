import { viewFieldChange } from './field-change-view.js';
import type { FleetDiff } from './fleet-diff.js';
import { codeSpan, fencedBlock } from './markdown-text.js';
import { objectLabel, type ObjectChange } from './object-changes.js';
import { clusterSummary, releaseLabel, releaseSummary, renderedTotals, totals } from './render-diff-text.js';

/** Marks the pull-request comment that carries the diff, so the workflow finds and updates its own comment. */
export const DIFF_COMMENT_MARKER = '<!-- ck8s-diff -->';

/** GitHub refuses comments above 65,536 characters; this leaves room for the workflow's own lines. */
const GITHUB_COMMENT_LIMIT = 60_000;

export interface DiffMarkdownOptions {
  /** Longest output: beyond it the field changes, then the object lists are left out. @default 60000 (a GitHub comment holds 65536) */
  readonly maxLength?: number;
}

const ICON = { added: '➕', removed: '➖', changed: '✏️' } as const;

/** The fleet diff as a GitHub pull-request comment, starting with DIFF_COMMENT_MARKER. */
export function renderDiffMarkdown(diff: FleetDiff, options: DiffMarkdownOptions = {}): string {
  const maxLength = options.maxLength ?? GITHUB_COMMENT_LIMIT;
  for (const detail of ['fields', 'objects'] as const) {
    const text = render(diff, detail);
    if (text.length <= maxLength) return text;
  }
  return render(diff, 'clusters');
}

function render(diff: FleetDiff, detail: 'fields' | 'objects' | 'clusters'): string {
  const out = [
    DIFF_COMMENT_MARKER,
    '### ck8s diff',
    '',
    `Generated output compared with ${codeSpan(diff.base)} (${codeSpan(diff.baseCommit.slice(0, 12))}): ${totals(diff)}.`,
  ];
  if (detail !== 'fields') {
    out.push(
      '',
      `> The full diff is too long for a comment; run ${codeSpan(`npx ck8s diff --base ${diff.base}`)} to see ${detail === 'objects' ? 'the field changes' : 'every object'}.`,
    );
  }
  for (const cluster of diff.clusters) {
    out.push('', `#### ${cluster.cluster}: ${clusterSummary(cluster)}`);
    if (detail === 'clusters' || cluster.objects.length === 0) continue;
    out.push('');
    // a new or deleted cluster lists hundreds of objects: folded away
    const folded = cluster.status === 'added' || cluster.status === 'removed';
    if (folded) out.push('<details><summary>objects</summary>', '');
    for (const o of cluster.objects) out.push(...objectItem(o, detail === 'fields'));
    if (folded) out.push('', '</details>');
  }
  if (diff.rendered) {
    out.push('', '### ck8s diff --render', '', `Rendered with helm at the pinned chart versions: ${renderedTotals(diff.rendered)}.`);
    for (const cluster of diff.rendered.clusters) {
      for (const r of cluster.releases.filter((r) => r.status !== 'unchanged')) {
        out.push('', `#### ${cluster.cluster}: ${codeSpan(releaseLabel(r))}: ${releaseSummary(r)}`);
        if (detail === 'clusters' || r.objects.length === 0) continue;
        out.push('');
        for (const o of r.objects) out.push(...objectItem(o, detail === 'fields'));
      }
    }
  }
  return `${out.join('\n')}\n`;
}

function objectItem(o: ObjectChange, withFields: boolean): string[] {
  const where = o.previousFile ? `${codeSpan(o.previousFile)} → ${codeSpan(o.file)}` : codeSpan(o.file);
  const lines = [`- ${ICON[o.change]} ${o.change} ${codeSpan(objectLabel(o))} in ${where}`];
  if (!withFields) return lines;
  for (const field of o.fields) {
    const v = viewFieldChange(field);
    let text: string;
    if (v.note) text = `${codeSpan(v.path)}: ${v.change} (${v.note})`;
    else if (v.lines) text = `${codeSpan(v.path)}: ${v.change}`;
    else if (v.change === 'added') text = `${codeSpan(v.path)}: added ${codeSpan(v.after!)}`;
    else if (v.change === 'removed') text = `${codeSpan(v.path)}: removed (was ${codeSpan(v.before!)})`;
    else text = `${codeSpan(v.path)}: ${codeSpan(v.before!)} → ${codeSpan(v.after!)}`;
    lines.push(`  - ${text}`);
    if (v.lines)
      lines.push(
        ...fencedBlock(v.lines, 'diff')
          .split('\n')
          .map((l) => `    ${l}`),
      );
  }
  return lines;
}
