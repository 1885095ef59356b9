import { anchorId, type Html, html } from './html.js';
import type {
  AccessReport,
  ChartReport,
  ClusterReport,
  ComponentReport,
  ControlReport,
  PolicyExceptionReport,
  SecretReport,
} from './report-model.js';

/** Fragment id of a cluster's section. */
export function clusterAnchor(cluster: string): string {
  return anchorId('cluster', cluster);
}

/** Fragment id of one control of one cluster, so findings elsewhere can link to it. */
export function controlAnchor(cluster: string, control: string): string {
  return anchorId(cluster, control);
}

function list(items: readonly string[], className?: string): Html {
  return html`<ul${className ? html` class="${className}"` : ''}>${items.map((i) => html`<li>${i}</li>`)}</ul>`;
}

function chartCell(chart: ChartReport): Html {
  return html`<div><strong>${chart.chart}</strong> <code>${chart.version}</code>${
    chart.catalogVersion ? html` <span class="status status-fail">catalog pins ${chart.catalogVersion}</span>` : ''
  }<br><span class="muted">release <code>${chart.release}</code> from <code>${chart.repository}</code>${chart.description ? html`: ${chart.description}` : ''}</span></div>`;
}

function componentsTable(cluster: ClusterReport): Html {
  if (cluster.components.length === 0) return html`<p class="notice warn">No generated output: run <code>ck8s synth ${cluster.name}</code>.</p>`;
  const row = (c: ComponentReport): Html =>
    html`<tr><td>${c.layer}</td><td><strong>${c.name}</strong><br><code class="muted">${c.file}</code></td><td>${c.kinds
      .map((k) => `${k.count} ${k.kind}`)
      .join(', ')}</td><td>${c.charts.length > 0 ? c.charts.map(chartCell) : html`<span class="muted">generated objects only</span>`}</td></tr>`;
  return html`<table><thead><tr><th>Layer</th><th>Component</th><th>Objects</th><th>Charts and versions</th></tr></thead><tbody>${cluster.components.map(row)}</tbody></table>`;
}

function references(control: ControlReport): Html {
  const parts: [string, readonly string[]][] = [
    ['CIS', control.cis],
    ['NSA', control.nsa],
    ['Kubescape', control.kubescape],
  ];
  const shown = parts.filter(([, ids]) => ids.length > 0).map(([name, ids]) => `${name} ${ids.join(', ')}`);
  return shown.length > 0 ? html`<br><span class="muted">${shown.join(' · ')}</span>` : html``;
}

function controlsTable(cluster: ClusterReport): Html {
  const row = (c: ControlReport): Html =>
    html`<tr id="${controlAnchor(cluster.name, c.id)}" class="${c.status}"><td><code class="nowrap">${c.id}</code></td><td><span class="status status-${c.status}">${c.status}</span></td><td>${c.title}${references(c)}</td><td>${
      c.findings.length > 0 ? html`<strong>Findings</strong>${list(c.findings)}` : ''
    }${
      (c.weakened ?? []).length > 0
        ? html`<strong>Not denied</strong>${list((c.weakened ?? []).map((w) => `${w.policy}: ${w.enforcement === 'warn' ? 'only warns' : 'only audits'}, because ${w.reason}`))}`
        : ''
    }${c.exceptions.length > 0 ? html`<strong>Exceptions</strong>${list(c.exceptions)}` : ''}${
      c.evidence.length > 0
        ? html`<details><summary>${c.evidence.length} object(s) behind this control</summary>${list(c.evidence, 'mono')}</details>`
        : html`<span class="muted">no objects</span>`
    }</td></tr>`;
  return html`<table><thead><tr><th>Control</th><th>Status</th><th>What it checks</th><th>Evidence</th></tr></thead><tbody>${cluster.controls.map(row)}</tbody></table>`;
}

function exceptionsTable(exceptions: readonly PolicyExceptionReport[]): Html {
  if (exceptions.length === 0) return html`<p class="notice good">No exceptions: every policy applies everywhere.</p>`;
  const row = (e: PolicyExceptionReport): Html =>
    html`<tr><td><code>${e.namespace}</code></td><td><code>${e.rule}</code></td><td>${e.reason}</td><td><code class="muted">${e.source}</code></td></tr>`;
  return html`<table><thead><tr><th>Namespace</th><th>Rule</th><th>Reason</th><th>Declared in</th></tr></thead><tbody>${exceptions.map(row)}</tbody></table>`;
}

function secretsTable(secrets: readonly SecretReport[]): Html {
  if (secrets.length === 0) return html`<p class="muted">No Secrets are committed for this cluster.</p>`;
  const row = (s: SecretReport): Html =>
    html`<tr><td><code>${s.namespace}/${s.name}</code></td><td><span class="status status-${s.encrypted ? 'pass' : 'fail'}">${s.encrypted ? 'sops' : 'plaintext'}</span></td><td><code class="muted">${s.file}</code></td></tr>`;
  return html`<p class="muted">Names only: values are encrypted and never read by the report.</p><table><thead><tr><th>Secret</th><th>Encryption</th><th>File</th></tr></thead><tbody>${secrets.map(row)}</tbody></table>`;
}

function accessTable(access: readonly AccessReport[]): Html {
  if (access.length === 0) return html`<p class="muted">No identity-provider group is granted anything in this cluster.</p>`;
  const row = (a: AccessReport): Html =>
    html`<tr><td><code>${a.group}</code></td><td>${a.grant}${a.limit ? html`<br><span class="muted mono">${a.limit}</span>` : ''}</td><td>${a.scope}</td><td><code class="muted">${a.source}</code></td></tr>`;
  return html`<p class="muted">Identity-provider groups and what the generated RBAC bindings and log store roles give them.</p><table><thead><tr><th>Group</th><th>Grant</th><th>Where</th><th>File</th></tr></thead><tbody>${access.map(row)}</tbody></table>`;
}

/** The section of one cluster: settings, components, controls, exceptions and Secrets. */
export function renderCluster(cluster: ClusterReport): Html {
  const passed = cluster.controls.filter((c) => c.status === 'pass').length;
  const weakened = cluster.controls.filter((c) => c.status === 'weakened').length;
  const id = clusterAnchor(cluster.name);
  return html`<section id="${id}" aria-labelledby="${id}-title">
<h2 id="${id}-title">Cluster ${cluster.name}</h2>
<dl class="facts">${cluster.customer ? html`<dt>Customer</dt><dd>${cluster.customer}</dd>` : ''}<dt>Profile</dt><dd>${cluster.profile}</dd><dt>Environment</dt><dd>${cluster.environment}</dd><dt>Kubernetes version</dt><dd>${cluster.kubernetesVersion}</dd><dt>Domain</dt><dd><code>${cluster.domain}</code></dd>${
    cluster.serviceCluster ? html`<dt>Service cluster</dt><dd>${cluster.serviceCluster}</dd>` : ''
  }<dt>Controls</dt><dd>${passed}/${cluster.controls.length} passed${weakened > 0 ? `, ${weakened} weakened` : ''}</dd></dl>
<h3>Components</h3>
${componentsTable(cluster)}
<h3>Controls</h3>
${controlsTable(cluster)}
<h3>Policy exceptions</h3>
${exceptionsTable(cluster.exceptions)}
<h3>Secrets</h3>
${secretsTable(cluster.secrets)}${
    cluster.access
      ? html`
<h3>Who can read what</h3>
${accessTable(cluster.access)}`
      : ''
  }
</section>`;
}
