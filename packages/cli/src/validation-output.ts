import type { RenderVerificationReport, ValidationReport } from '@ck8s/platform';
import type { WindowCheckReport } from '@ck8s/review';
import type { CliIo } from './io.js';

/**
 * Prints each problem of a validation on a line of its own (`check: file: object: message`), then
 * each rule that does not deny, under the control it weakens, with the reason given.
 */
export function printProblems(io: CliIo, report: ValidationReport): void {
  for (const p of report.problems) io.stdout(`${p.check}: ${p.file}: ${p.object ? `${p.object}: ` : ''}${p.message}\n`);
  for (const c of report.controls) {
    for (const w of c.weakened)
      io.stdout(
        `weakened: clusters/${c.cluster}: ${c.id}: ${w.policy} ${w.enforcement === 'warn' ? 'only warns' : 'only audits'} (policy.enforcement): ${w.reason}\n`,
      );
  }
}

/**
 * `N/M controls passed, P problem(s)`, with `K weakened` when a control stands on a rule that only
 * warns or audits (it has not passed): the end of every summary line that reports a validation.
 */
export function controlsSummary(report: ValidationReport): string {
  const passed = report.controls.filter((c) => c.status === 'pass').length;
  const weakened = report.controls.filter((c) => c.status === 'weakened').length;
  return `${passed}/${report.controls.length} controls passed${weakened > 0 ? `, ${weakened} weakened` : ''}, ${report.problems.length} problem(s)`;
}

/** The closing line of a validation: clusters, objects checked, where the schemas came from, controls and problems. */
export function validationSummary(report: ValidationReport): string {
  const sources = Object.entries(report.schemaSources)
    .map(([v, s]) => `${v} from ${s}`)
    .join(', ');
  return `validate: ${report.clusters.length} cluster(s), ${report.objects} objects checked${sources ? ` (schemas ${sources})` : ''}, ${controlsSummary(report)}`;
}

/** The render verification: a problem per line (`render: cluster/component: object: [check] message`), then what was rendered. */
export function printRenderReport(io: CliIo, report: RenderVerificationReport): void {
  for (const p of report.problems) io.stdout(`render: ${p.cluster}/${p.component} (${p.chart}): ${p.object}: [${p.check}] ${p.message}\n`);
  for (const e of report.exceptions) io.stdout(`render: exception ${e.cluster}/${e.component}: ${e.workload}: rule ${e.rule}: ${e.reason}\n`);
  const placeholders = report.secretValues.filter((s) => s.resolved === 'placeholder');
  if (placeholders.length > 0) {
    io.stdout(
      `render: ${placeholders.length} value(s) from sops Secrets rendered with a placeholder (no key in SOPS_AGE_KEY_FILE decrypts them): ${placeholders.map((s) => `${s.cluster} ${s.secret}:${s.key}`).join(', ')}\n`,
    );
  }
  const skipped = report.flows.skipped.reduce((n, s) => n + s.count, 0);
  io.stdout(
    `render: ${report.flows.checked} declared flow(s) checked against the rendered pods, ${skipped} skipped${skipped > 0 ? ` (${report.flows.skipped.map((s) => `${s.count} ${s.reason}`).join('; ')})` : ''}\n`,
  );
  const objects = report.releases.reduce((n, r) => n + r.objects, 0);
  const charts = [...new Set(report.releases.map((r) => r.chart))].sort();
  io.stdout(
    `validate --render: ${report.releases.length} release(s) in ${report.clusters.length} cluster(s), ${objects} objects rendered from ${report.chartSource} (${charts.join(', ')}), ${report.exceptions.length} admission exception(s), ${report.problems.length} problem(s)\n`,
  );
}

/** The maintenance window check: a line per production cluster change (refused, emergency or in the window), then the count. */
export function printWindowReport(io: CliIo, report: WindowCheckReport): void {
  for (const f of report.findings) {
    const changes = f.changes.map((c) => `${c.subject} ${c.from} → ${c.to} (${c.level})`).join(', ');
    const where = `${f.cluster} at ${f.commit.slice(0, 12)} "${f.subject}", landed ${f.localTime}`;
    if (f.verdict === 'outside-window')
      io.stdout(`window: ${where}: ${changes}: ${f.reason}; add an Emergency-Change: <reason> trailer only for a critical fix\n`);
    else if (f.verdict === 'emergency') io.stdout(`window: ${where}: ${changes}: emergency change (${f.emergency?.join('; ')}): ${f.reason}\n`);
    else io.stdout(`window: ${where}: ${changes}: in the window\n`);
  }
  const emergencies = report.findings.filter((f) => f.verdict === 'emergency').length;
  io.stdout(
    `validate --window: ${report.findings.length} version change(s) of production clusters from ${report.base.slice(0, 12)} to ${report.head.slice(0, 12)}, ${emergencies} emergency change(s), ${report.violations.length} outside the window\n`,
  );
}
