import { type Html, html, renderStaticPage } from '@ck8s/report';
import type { MigrationScan } from './scan-model.js';

function table(header: readonly string[], rows: readonly (readonly (Html | string | number)[])[]): Html {
  return html`<table>
    <thead>
      <tr>
        ${header.map((h) => html`<th>${h}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        (row) =>
          html`<tr>
            ${row.map((c) => html`<td>${c}</td>`)}
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** The scan as one self-contained HTML page with the fleet report's styles; every value escaped. */
export function renderMigrationHtml(scan: MigrationScan): string {
  const denied = scan.admission.filter((a) => !a.allowed);
  const workloads = scan.inventory.namespaces.reduce((n, ns) => n + ns.workloads.length, 0);
  const columns = scan.dependencies.map((d) => d.id);
  const ids = scan.matrix.map((r) => r.workload);
  const body = html`<header>
      <h1>Migration scan for cluster ${scan.target.cluster}</h1>
      <p class="muted">
        Inputs: ${scan.inputs.map((i, n) => html`${n > 0 ? ', ' : ''}<code>${i}</code>`)}; ${scan.objects} object(s). Target: Kubernetes
        ${scan.target.kubernetesVersion}, ${scan.target.rules} admission rules, registries ${scan.target.allowedRegistries.join(', ') || 'none'}.
        Secret values are never read into this page.
      </p>
      <ul class="summary">
        <li><strong>${workloads}</strong> workload(s)</li>
        <li><strong>${scan.dependencies.length}</strong> cloud dependencies</li>
        <li><strong>${denied.length}</strong> denied by admission</li>
        <li><strong>${scan.apiVersions.findings.length}</strong> API version finding(s)</li>
      </ul>
    </header>
    <section id="inventory">
      <h2>1. Inventory</h2>
      ${scan.inventory.namespaces.map(
        (ns) =>
          html`<h3>Namespace ${ns.name}</h3>
            ${table(
              ['Workload', 'Replicas', 'Container', 'Image', 'Registry', 'Requests', 'Limits'],
              ns.workloads.flatMap((w) =>
                [...w.initContainers, ...w.containers].map((c, i) => [
                  i === 0 ? `${w.kind} ${w.name}` : '',
                  i === 0 ? w.replicas : '',
                  c.name,
                  html`<code>${c.image}</code>`,
                  c.registry,
                  Object.entries(c.requests)
                    .map(([k, v]) => `${k} ${v}`)
                    .join(', ') || '—',
                  Object.entries(c.limits)
                    .map(([k, v]) => `${k} ${v}`)
                    .join(', ') || '—',
                ]),
              ),
            )}
            ${
              ns.services.length > 0 &&
              table(
                ['Service', 'Type', 'Ports', 'Workloads'],
                ns.services.map((s) => [s.name, s.type, s.ports.map((p) => `${p.port}→${p.targetPort}`).join(', '), s.workloads.join(', ') || '—']),
              )
            }
            ${
              ns.ingresses.length > 0 &&
              table(
                ['Ingress', 'Class', 'Hosts', 'Backends'],
                ns.ingresses.map((i) => [i.name, i.className ?? '—', i.hosts.join(', '), i.backends.map((b) => `${b.service}:${b.port}`).join(', ')]),
              )
            }
            ${
              ns.storage.length > 0 &&
              table(
                ['Storage', 'Class', 'Size', 'Access', 'Copies'],
                ns.storage.map((s) => [s.name, s.storageClass ?? '(default)', s.size ?? '—', s.accessModes.join(', '), s.copies]),
              )
            }
            <p>ConfigMaps: ${ns.configMaps.join(', ') || 'none'}. Secrets (names only): ${ns.secrets.join(', ') || 'none'}.</p>`,
      )}
    </section>
    <section id="dependencies">
      <h2>2. Cloud dependencies</h2>
      ${scan.dependencies.length === 0 && html`<p class="notice good">None found.</p>`}
      ${scan.dependencies.map(
        (d) =>
          html`<h3>${d.title}${d.instance ? html` <code>${d.instance}</code>` : ''} <span class="muted">(${d.category})</span></h3>
            <dl class="facts">
              <dt>replacement</dt>
              <dd>${d.replacement}</dd>
              <dt>platform</dt>
              <dd>${d.platformFeature}${d.providedByPlatform ? '' : ' (not provided by the platform today)'}</dd>
              <dt>change</dt>
              <dd>${d.applicationChange}</dd>
              <dt>used by</dt>
              <dd>${d.usedBy.join(', ') || 'no workload in the input'}</dd>
            </dl>
            ${table(
              ['Object', 'Field', 'Evidence'],
              d.evidence.map((e) => [
                html`${e.object}<br /><span class="muted">${e.file}</span>`,
                html`<code>${e.path}</code>`,
                html`<code>${e.text}</code>`,
              ]),
            )}`,
      )}
    </section>
    <section id="order">
      <h2>3. Dependency matrix and migration order</h2>
      ${
        scan.matrix.length > 0 &&
        table(
          ['Workload', ...columns, ...ids],
          scan.matrix.map((row) => [
            row.workload,
            ...columns.map((c) => (row.dependencies.includes(c) ? '●' : '')),
            ...ids.map((w) => (row.workloads.some((l) => l.workload === w) ? '●' : '')),
          ]),
        )
      }
      <ol>
        ${scan.order.map((s) => html`<li><strong>${s.type}</strong> ${s.title}: ${s.reason}</li>`)}
      </ol>
    </section>
    <section id="admission">
      <h2>4. Admission pre-check against ${scan.target.cluster}</h2>
      <p class="notice ${denied.length === 0 ? 'good' : 'bad'}">${scan.admission.length - denied.length} admitted, ${denied.length} denied.</p>
      ${denied.map(
        (a) =>
          html`<h3>${a.object} <span class="muted">${a.file}</span></h3>
            ${table(
              ['Policy', 'Denied because', 'Fix', ''],
              a.violations.map((v, i) => [
                html`<code>${v.policy}</code>`,
                v.message,
                a.fixes[i]?.description ?? '',
                a.fixes[i]?.automatic ? 'patched by --fix' : 'needs a decision',
              ]),
            )}`,
      )}
    </section>
    <section id="api-versions">
      <h2>5. API versions</h2>
      ${!scan.apiVersions.source && html`<p class="notice warn">Not checked: the workspace has no schema mirror.</p>`}
      ${
        scan.apiVersions.findings.length > 0 &&
        table(
          ['Object', 'apiVersion', 'Status', 'Use', 'Detail'],
          scan.apiVersions.findings.map((f) => [f.object, html`<code>${f.apiVersion}</code>`, f.status, f.replacement ?? '—', f.detail]),
        )
      }
    </section>
    <section id="ingress-annotations">
      <h2>6. Ingress annotations</h2>
      ${
        scan.ingressAnnotations.length === 0
          ? html`<p>No ingress-nginx annotations (<code>nginx.ingress.kubernetes.io/*</code>).</p>`
          : html`<p class="notice warn">The target runs the F5 NGINX Ingress Controller, which ignores ingress-nginx annotations: replace each with its nginx.org equivalent.</p>
              ${table(
                ['Object', 'Annotation', 'Use', 'Detail'],
                scan.ingressAnnotations.map((f) => [
                  f.object,
                  html`<code>${f.annotation}</code>`,
                  f.replacement ? html`<code>${f.replacement}</code>` : '—',
                  f.detail,
                ]),
              )}`
      }
    </section>
    <section id="tenant">
      <h2>7. Tenant stub for cluster.yaml</h2>
      <pre><code>${scan.tenantStub}</code></pre>
    </section>`;
  return renderStaticPage({ title: `ck8s migration scan: ${scan.target.cluster}`, generator: 'ck8s migrate scan', body });
}
