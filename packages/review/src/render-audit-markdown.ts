import { flagText, inputFiles, landingText, objectText, person, shortCommit, summaryText } from './audit-text.js';
import type { AuditChange, AuditReport } from './audit-trail.js';
import { codeSpan, escapeMarkdown } from './markdown-text.js';

/** The audit trail as Markdown: a summary, then every change per cluster, flagged ones marked with ⚠. */
export function renderAuditMarkdown(report: AuditReport): string {
  const out = ['# ck8s audit', ''];
  const since = report.since ? ` Changes that reached it since ${report.since}.` : '';
  out.push(
    `Main branch ${codeSpan(report.mainBranch)} at ${codeSpan(shortCommit(report.head))}. Signed commits required: ${report.requireSignedCommits ? 'yes' : 'no'}.${since}`,
  );
  out.push('', `**${summaryText(report)}**`);
  if (report.shallow)
    out.push('', '> ⚠ This clone is shallow: older history is missing. Fetch the whole history (`git fetch --unshallow`) for a complete audit.');
  for (const cluster of report.clusters) {
    out.push('', `## ${escapeMarkdown(cluster.cluster)}`);
    if (cluster.changes.length === 0) out.push('', 'No changes.');
    for (const change of cluster.changes) out.push('', ...changeSection(change, report.requireSignedCommits));
  }
  return `${out.join('\n')}\n`;
}

function changeSection(c: AuditChange, signed: boolean): string[] {
  const mark = c.flags.length > 0 ? '⚠ ' : '';
  const lines = [`### ${mark}${codeSpan(shortCommit(c.commit))} ${escapeMarkdown(c.subject)}`, ''];
  lines.push(`- **author**: ${escapeMarkdown(person(c.author))}, ${c.authorDate}`);
  const via = c.landedBy.commit === c.commit ? '' : ` ${codeSpan(shortCommit(c.landedBy.commit))} ${escapeMarkdown(c.landedBy.subject)}`;
  lines.push(`- **reached main**: ${landingText(c.landedBy)}${via ? `:${via}` : ''}`);
  lines.push(`- **approvers**: ${c.approvers.length > 0 ? c.approvers.map((a) => escapeMarkdown(a)).join(', ') : 'none recorded'}`);
  if (signed) {
    const merge = c.landedBy.commit !== c.commit ? `, merge ${c.landedBy.signature ?? '?'}` : '';
    lines.push(`- **signature**: commit ${c.signature ?? '?'}${merge}`);
  }
  for (const flag of c.flags) lines.push(`- **flag**: ${escapeMarkdown(flagText(c, flag))}`);
  lines.push('- **changed**:');
  for (const component of c.components) {
    lines.push(`  - ${codeSpan(component.component)}`);
    for (const o of component.objects) lines.push(`    - ${codeSpan(objectText(o))}`);
  }
  const inputs = inputFiles(c);
  if (inputs.length > 0) lines.push(`  - files without generated objects: ${inputs.map((f) => codeSpan(f)).join(', ')}`);
  return lines;
}
