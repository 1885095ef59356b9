import type { MigrationScan } from './scan-model.js';

/** A table cell: pipes escaped, line breaks flattened. */
function cell(value: unknown): string {
  return String(value).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function table(header: readonly string[], rows: readonly (readonly unknown[])[]): string[] {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`)];
}

function code(value: string): string {
  return `\`${value.replace(/`/g, "'")}\``;
}

/** The scan as a Markdown document, sections in the order of the white paper's steps. */
export function renderMigrationMarkdown(scan: MigrationScan): string {
  const out: string[] = [];
  const denied = scan.admission.filter((a) => !a.allowed);
  out.push(
    `# Migration scan for cluster ${scan.target.cluster}`,
    '',
    `Inputs: ${scan.inputs.map(code).join(', ')}; ${scan.objects} object(s). Target: Kubernetes ${scan.target.kubernetesVersion}, ${scan.target.rules} admission rules, registries ${scan.target.allowedRegistries.map(code).join(', ') || 'none'}.`,
    '',
    `Summary: ${scan.inventory.namespaces.reduce((n, ns) => n + ns.workloads.length, 0)} workload(s), ${scan.dependencies.length} cloud dependenc${scan.dependencies.length === 1 ? 'y' : 'ies'}, ${denied.length} object(s) denied by the target's admission, ${scan.apiVersions.findings.length} API version finding(s).`,
    '',
    '## 1. Inventory',
    '',
  );
  for (const ns of scan.inventory.namespaces) {
    out.push(`### Namespace ${ns.name}`, '');
    if (ns.workloads.length > 0) {
      out.push(
        ...table(
          ['workload', 'replicas', 'container', 'image', 'registry', 'requests', 'limits'],
          ns.workloads.flatMap((w) =>
            [...w.initContainers, ...w.containers].map((c, i) => [
              i === 0 ? `${w.kind} ${w.name}` : '',
              i === 0 ? w.replicas : '',
              c.name,
              code(c.image),
              c.registry,
              Object.entries(c.requests)
                .map(([k, v]) => `${k} ${v}`)
                .join(', ') || '—',
              Object.entries(c.limits)
                .map(([k, v]) => `${k} ${v}`)
                .join(', ') || '—',
            ]),
          ),
        ),
        '',
      );
    }
    if (ns.services.length > 0)
      out.push(
        ...table(
          ['service', 'type', 'ports', 'workloads'],
          ns.services.map((s) => [
            s.name,
            s.type,
            s.ports.map((p) => `${p.port}→${p.targetPort}${p.nodePort ? ` (node ${p.nodePort})` : ''}`).join(', '),
            s.workloads.join(', ') || '—',
          ]),
        ),
        '',
      );
    if (ns.ingresses.length > 0)
      out.push(
        ...table(
          ['ingress', 'class', 'hosts', 'backends'],
          ns.ingresses.map((i) => [
            i.name,
            i.className ?? '—',
            i.hosts.join(', ') || '—',
            i.backends.map((b) => `${b.service}:${b.port}`).join(', '),
          ]),
        ),
        '',
      );
    if (ns.storage.length > 0)
      out.push(
        ...table(
          ['storage', 'class', 'size', 'access', 'copies'],
          ns.storage.map((s) => [s.name, s.storageClass ?? '(default)', s.size ?? '—', s.accessModes.join(', '), s.copies]),
        ),
        '',
      );
    out.push(`ConfigMaps: ${ns.configMaps.join(', ') || 'none'}. Secrets (names only): ${ns.secrets.join(', ') || 'none'}.`, '');
  }
  if (scan.inventory.clusterObjects.length > 0) out.push(`Cluster-scoped: ${scan.inventory.clusterObjects.join(', ')}.`, '');
  out.push(
    `Registries: ${
      Object.entries(scan.inventory.registries)
        .map(([r, n]) => `${r} (${n} container${n === 1 ? '' : 's'})`)
        .join(', ') || 'none'
    }.`,
    '',
  );

  out.push('## 2. Cloud dependencies', '');
  if (scan.dependencies.length === 0) out.push('None found.', '');
  for (const d of scan.dependencies) {
    out.push(
      `### ${d.title}${d.instance ? ` ${code(d.instance)}` : ''} (${d.category})`,
      '',
      `- replacement: ${d.replacement}`,
      `- platform: ${d.platformFeature}${d.providedByPlatform ? '' : ' (not provided by the platform today)'}`,
      `- change: ${d.applicationChange}`,
      `- used by: ${d.usedBy.join(', ') || 'no workload in the input'}`,
      '',
      ...table(
        ['object', 'field', 'evidence'],
        d.evidence.map((e) => [`${e.object} (${e.file})`, code(e.path), code(e.text)]),
      ),
      '',
    );
  }

  out.push('## 3. Dependency matrix and migration order', '');
  const columns = scan.dependencies.map((d) => d.id);
  const workloads = scan.matrix.map((r) => r.workload);
  if (scan.matrix.length > 0) {
    out.push(
      ...table(
        ['workload', ...columns, ...workloads],
        scan.matrix.map((row) => [
          row.workload,
          ...columns.map((c) => (row.dependencies.includes(c) ? '●' : '')),
          ...workloads.map((w) => (row.workloads.some((l) => l.workload === w) ? '●' : '')),
        ]),
      ),
      '',
    );
    const links = scan.matrix.flatMap((row) =>
      row.workloads.map((l) => [row.workload, l.workload, l.service, `${l.evidence.object} ${code(l.evidence.path)}: ${code(l.evidence.text)}`]),
    );
    if (links.length > 0) out.push(...table(['workload', 'calls', 'through service', 'evidence'], links), '');
  }
  out.push(...scan.order.map((s) => `${s.step}. **${s.type}** ${s.title}: ${s.reason}`), '');

  out.push(`## 4. Admission pre-check against ${scan.target.cluster}`, '');
  out.push(`${scan.admission.length - denied.length} admitted, ${denied.length} denied.`, '');
  for (const a of denied) {
    out.push(`### ${a.object} (${a.file})`, '');
    for (const v of a.violations) out.push(`- denied by ${v.policy}: ${v.message}`);
    for (const f of a.fixes) out.push(`- fix (${f.automatic ? 'patched by --fix' : 'needs a decision'}) ${f.policy}: ${f.description}`);
    out.push('');
  }

  out.push(`## 5. API versions${scan.apiVersions.source ? ` (${scan.apiVersions.source})` : ''}`, '');
  if (!scan.apiVersions.source) out.push('Not checked: the workspace has no schema mirror (validation.schemaMirror).', '');
  else if (scan.apiVersions.findings.length === 0) out.push('Every API version is served by the target.', '');
  else
    out.push(
      ...table(
        ['object', 'apiVersion', 'status', 'use', 'detail'],
        scan.apiVersions.findings.map((f) => [`${f.object} (${f.file})`, f.apiVersion, f.status, f.replacement ?? '—', f.detail]),
      ),
      '',
    );

  out.push(`## 6. Ingress annotations for ${scan.target.cluster}'s NGINX Ingress Controller`, '');
  if (scan.ingressAnnotations.length === 0) out.push('No ingress-nginx annotations (nginx.ingress.kubernetes.io/*).', '');
  else
    out.push(
      'The target runs the F5 NGINX Ingress Controller, which ignores ingress-nginx annotations: replace each with its nginx.org equivalent.',
      '',
      ...table(
        ['object', 'annotation', 'use', 'detail'],
        scan.ingressAnnotations.map((f) => [`${f.object} (${f.file})`, f.annotation, f.replacement ?? '—', f.detail]),
      ),
      '',
    );

  out.push('## 7. Tenant stub for cluster.yaml', '', '```yaml', scan.tenantStub.trimEnd(), '```', '');
  return out.join('\n');
}
