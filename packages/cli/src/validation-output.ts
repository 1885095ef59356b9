import type { ValidationReport } from '@ck8s/platform';
import type { CliIo } from './io.js';

/** Prints each problem of a validation on a line of its own: `check: file: object: message`. */
export function printProblems(io: CliIo, report: ValidationReport): void {
  for (const p of report.problems) io.stdout(`${p.check}: ${p.file}: ${p.object ? `${p.object}: ` : ''}${p.message}\n`);
}

/** `N/M controls passed, P problem(s)`: the end of every summary line that reports a validation. */
export function controlsSummary(report: ValidationReport): string {
  const passed = report.controls.filter((c) => c.status === 'pass').length;
  return `${passed}/${report.controls.length} controls passed, ${report.problems.length} problem(s)`;
}

/** The closing line of a validation: clusters, objects checked, where the schemas came from, controls and problems. */
export function validationSummary(report: ValidationReport): string {
  const sources = Object.entries(report.schemaSources)
    .map(([v, s]) => `${v} from ${s}`)
    .join(', ');
  return `validate: ${report.clusters.length} cluster(s), ${report.objects} objects checked${sources ? ` (schemas ${sources})` : ''}, ${controlsSummary(report)}`;
}
