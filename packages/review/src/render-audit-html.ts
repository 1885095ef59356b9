import { flagText, inputFiles, landingText, objectText, person, shortCommit, summaryText } from './audit-text.js';
import type { AuditChange, AuditReport } from './audit-trail.js';

/** HTML text with every markup character escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem; color: #1f2328; }
table { border-collapse: collapse; width: 100%; margin-bottom: 2rem; }
th, td { border: 1px solid #d0d7de; padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
tr.flagged td { background: #fff8c5; }
code { font: 12px ui-monospace, monospace; }
ul { margin: 0; padding-left: 1.1rem; }
.flag { color: #9a6700; font-weight: 600; }
`;

/** The audit trail as one self-contained HTML page (no scripts, no external resources), every value escaped. */
export function renderAuditHtml(report: AuditReport): string {
  const e = escapeHtml;
  const parts = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<title>ck8s audit</title>',
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<h1>ck8s audit</h1>',
    `<p>Main branch <code>${e(report.mainBranch)}</code> at <code>${e(shortCommit(report.head))}</code>. Signed commits required: ${report.requireSignedCommits ? 'yes' : 'no'}.${report.since ? ` Changes that reached it since ${e(report.since)}.` : ''}</p>`,
    `<p><strong>${e(summaryText(report))}</strong></p>`,
  ];
  if (report.shallow) parts.push('<p class="flag">This clone is shallow: older history is missing.</p>');
  for (const cluster of report.clusters) {
    parts.push(`<h2>${e(cluster.cluster)}</h2>`);
    if (cluster.changes.length === 0) {
      parts.push('<p>No changes.</p>');
      continue;
    }
    parts.push(
      '<table>',
      '<thead><tr><th>commit</th><th>author</th><th>reached main</th><th>approvers</th><th>flags</th><th>changed</th></tr></thead>',
      '<tbody>',
    );
    for (const change of cluster.changes) parts.push(row(change, report.requireSignedCommits));
    parts.push('</tbody>', '</table>');
  }
  parts.push('</body>', '</html>');
  return `${parts.join('\n')}\n`;
}

function row(c: AuditChange, signed: boolean): string {
  const e = escapeHtml;
  const merge = c.landedBy.commit !== c.commit ? `<br><code>${e(shortCommit(c.landedBy.commit))}</code> ${e(c.landedBy.subject)}` : '';
  const signature = signed
    ? `<br>signature: ${e(c.signature ?? '?')}${c.landedBy.commit !== c.commit ? `, merge ${e(c.landedBy.signature ?? '?')}` : ''}`
    : '';
  const flags = c.flags.map((f) => `<div class="flag">${e(flagText(c, f))}</div>`).join('');
  const objects = c.components.map(
    (comp) => `<li><code>${e(comp.component)}</code><ul>${comp.objects.map((o) => `<li>${e(objectText(o))}</li>`).join('')}</ul></li>`,
  );
  const inputs = inputFiles(c).map((f) => `<li><code>${e(f)}</code></li>`);
  return [
    `<tr${c.flags.length > 0 ? ' class="flagged"' : ''}>`,
    `<td><code>${e(shortCommit(c.commit))}</code><br>${e(c.subject)}</td>`,
    `<td>${e(person(c.author))}<br>${e(c.authorDate)}</td>`,
    `<td>${e(landingText(c.landedBy))}${merge}${signature}</td>`,
    `<td>${c.approvers.length > 0 ? c.approvers.map((a) => e(a)).join('<br>') : 'none recorded'}</td>`,
    `<td>${flags}</td>`,
    `<td><ul>${[...objects, ...inputs].join('')}</ul></td>`,
    '</tr>',
  ].join('');
}
