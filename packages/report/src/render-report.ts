import { type Html, html } from './html.js';
import { clusterAnchor, controlAnchor, renderCluster } from './render-cluster.js';
import { renderChanges } from './render-changes.js';
import type { ClusterReport, FleetReportModel, ReportProblem } from './report-model.js';
import { CONTENT_SECURITY_POLICY } from './render-page.js';
import { REPORT_STYLES } from './report-styles.js';

/** Title of the page when the model does not name one. */
export const DEFAULT_REPORT_TITLE = 'ck8s fleet report';

function problemsOf(cluster: string, problems: readonly ReportProblem[]): ReportProblem[] {
  return problems.filter(
    (p) => p.file.startsWith(`clusters/${cluster}/`) || p.file === `clusters/${cluster}` || p.file.startsWith(`secrets/${cluster}/`),
  );
}

function overview(model: FleetReportModel): Html {
  if (model.clusters.length === 0) return html`<p class="notice warn">No clusters selected.</p>`;
  const row = (c: ClusterReport): Html => {
    const passed = c.controls.filter((x) => x.status === 'pass').length;
    const problems = problemsOf(c.name, model.problems).length;
    const failed = problems > 0 || c.controls.some((x) => x.status === 'fail');
    const status = failed ? 'fail' : passed === c.controls.length ? 'pass' : 'weakened';
    return html`<tr><td><a href="#${clusterAnchor(c.name)}">${c.name}</a></td><td>${c.profile}</td><td>${c.environment}</td><td>${c.kubernetesVersion}</td><td><code>${c.domain}</code></td><td>${c.components.length}</td><td><span class="status status-${status}">${passed}/${c.controls.length}</span></td><td>${problems}</td><td>${c.exceptions.length}</td></tr>`;
  };
  return html`<table><thead><tr><th>Cluster</th><th>Profile</th><th>Environment</th><th>Kubernetes</th><th>Domain</th><th>Components</th><th>Controls passed</th><th>Problems</th><th>Exceptions</th></tr></thead><tbody>${model.clusters.map(row)}</tbody></table>`;
}

function validation(model: FleetReportModel): Html {
  const body =
    model.problems.length === 0
      ? html`<p class="notice good">No problems: every object matches its schema, every Secret is encrypted to its cluster's keys, the committed output equals a fresh synth and every control passes.</p>`
      : html`<p class="notice bad">${model.problems.length} problem(s) found by <code>ck8s validate</code>; this output must not be merged as it is.</p>
<table><thead><tr><th>Check</th><th>File</th><th>Object</th><th>Problem</th></tr></thead><tbody>${model.problems.map(
          (p) => html`<tr class="fail"><td>${p.check}</td><td><code>${p.file}</code></td><td>${p.object ?? ''}</td><td>${p.message}</td></tr>`,
        )}</tbody></table>`;
  return html`<section id="validation" aria-labelledby="validation-title">
<h2 id="validation-title">Validation</h2>
${body}
</section>`;
}

function controlsWith(model: FleetReportModel, status: 'fail' | 'weakened', notice: string, label: string): Html {
  const found = model.clusters.flatMap((c) => c.controls.filter((x) => x.status === status).map((x) => ({ cluster: c.name, control: x })));
  if (found.length === 0) return html``;
  return html`<p class="notice ${notice}">${label}: ${found.map(
    ({ cluster, control }, i) => html`${i > 0 ? ', ' : ''}<a href="#${controlAnchor(cluster, control.id)}">${cluster} ${control.id}</a>`,
  )}</p>`;
}

/**
 * Renders the fleet report as one static HTML page: inline styles, no scripts, no external
 * resources, every value from the model escaped. Pure: the same model gives the same bytes.
 */
export function renderReport(model: FleetReportModel): string {
  const title = model.title ?? DEFAULT_REPORT_TITLE;
  const controls = model.clusters.flatMap((c) => c.controls);
  const passed = controls.filter((c) => c.status === 'pass').length;
  const weakened = controls.filter((c) => c.status === 'weakened').length;
  const exceptions = model.clusters.reduce((n, c) => n + c.exceptions.length, 0);
  const revision = model.revision
    ? html`From commit <code>${model.revision.sha}</code> of ${model.revision.date}${
        model.revision.uncommittedChanges ? html`, <strong>with uncommitted changes under ${model.changes.paths.join(', ')}</strong>` : ''
      }.`
    : html`Not made from a git commit.`;
  const page = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ck8s report">
<title>${title}</title>
<style>${REPORT_STYLES}</style>
</head>
<body>
<main>
<header>
<h1>${title}</h1>
<p class="muted">${revision} Clusters, components, controls and exceptions are read from the committed output; values of Secrets are never read.</p>
<ul class="summary">
<li><strong>${model.clusters.length}</strong> cluster(s)</li>
<li><strong>${passed}/${controls.length}</strong> controls passed</li>${
    weakened > 0
      ? html`
<li><strong>${weakened}</strong> weakened (a rule only warns or audits)</li>`
      : ''
  }
<li><strong>${model.problems.length}</strong> validation problem(s)</li>
<li><strong>${exceptions}</strong> policy exception(s)</li>
</ul>
${controlsWith(model, 'fail', 'bad', 'Failed controls')}${controlsWith(model, 'weakened', 'warn', 'Weakened controls (a rule behind them only warns or audits)')}
</header>
<nav aria-label="Contents"><strong>Contents</strong><ul><li><a href="#clusters">Clusters</a></li><li><a href="#validation">Validation</a></li>${model.clusters.map(
    (c) => html`<li><a href="#${clusterAnchor(c.name)}">Cluster ${c.name}</a></li>`,
  )}<li><a href="#recent-changes">Recent changes</a></li></ul></nav>
<section id="clusters" aria-labelledby="clusters-title">
<h2 id="clusters-title">Clusters</h2>
${overview(model)}
</section>
${validation(model)}
${model.clusters.map(renderCluster)}
${renderChanges(model.changes)}
<footer>Generated by <code>ck8s report</code>. A static page: no scripts, no external resources.</footer>
</main>
</body>
</html>
`;
  return page.value;
}
