import type { ValidationReport } from '@ck8s/platform';
import type { CliIo } from './io.js';

/**
 * Prints each problem of a validation on a line of its own (`check: file: object: message`), then
 * each rule that does not deny, under the control it weakens, with the reason given.
 */
export function printProblems(io: CliIo, report: ValidationReport): void {
  for (const p of report.problems) io.stdout(`${p.check}: ${p.file}: ${p.object ? `${p.object}: ` : ''}${p.message}\n`);
  for (const c of report.controls) {
    for (const w of c.weakened) io.stdout(`weakened: clusters/${c.cluster}: ${c.id}: ${w.policy} ${w.enforcement === 'warn' ? 'only warns' : 'only audits'} (policy.enforcement): ${w.reason}\n`);
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
