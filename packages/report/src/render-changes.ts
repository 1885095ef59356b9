import { type Html, html } from './html.js';
import type { ChangeCommit, RecentChanges } from './report-model.js';

/** The recent-changes section: the latest commits touching the reported folders, or why there are none. */
export function renderChanges(changes: RecentChanges): Html {
  const scope = changes.paths.join(', ');
  let body: Html;
  if (changes.unavailable !== undefined) {
    body = html`<p class="notice warn">No history: ${changes.unavailable}.</p>`;
  } else if (changes.commits.length === 0) {
    body = html`<p class="notice">No commit touches ${scope} yet.</p>`;
  } else {
    const row = (c: ChangeCommit): Html =>
      html`<tr><td><code title="${c.sha}">${c.sha.slice(0, 12)}</code></td><td><time datetime="${c.date}">${c.date}</time></td><td>${c.author}</td><td>${c.subject}</td></tr>`;
    body = html`<p class="muted">The last ${changes.commits.length} commit(s) touching <code>${scope}</code>, newest first (at most ${changes.limit}). <code>ck8s audit</code> shows who approved each.</p>
<table><thead><tr><th>Commit</th><th>Date</th><th>Author</th><th>Subject</th></tr></thead><tbody>${changes.commits.map(row)}</tbody></table>`;
  }
  return html`<section id="recent-changes" aria-labelledby="recent-changes-title">
<h2 id="recent-changes-title">Recent changes</h2>
${body}
</section>`;
}
