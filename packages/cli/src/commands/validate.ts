import type { ControlResult } from '@ck8s/validate';
import type { Command } from 'commander';
import { loadFleetContext, runValidation, selectClusters } from '@ck8s/platform';
import { type CliIo, ReportedFailure, UsageError } from '../io.js';

type ClusterControl = ControlResult & { readonly cluster: string };

/** `21/22 controls passed, 1 weakened`: a control whose rule only warns or audits has not passed. */
export function controlsSummary(controls: readonly ClusterControl[]): string {
  const passed = controls.filter((c) => c.status === 'pass').length;
  const weakened = controls.filter((c) => c.status === 'weakened').length;
  return `${passed}/${controls.length} controls passed${weakened > 0 ? `, ${weakened} weakened` : ''}`;
}

/** One line per rule that does not deny, under the control it weakens, with the reason given. */
export function weakenedLines(controls: readonly ClusterControl[]): string[] {
  return controls.flatMap((c) => c.weakened.map((w) => `weakened: clusters/${c.cluster}: ${c.id}: ${w.policy} ${w.enforcement === 'warn' ? 'only warns' : 'only audits'} (policy.enforcement): ${w.reason}\n`));
}

export function registerValidate(program: Command, io: CliIo): void {
  program
    .command('validate')
    .description('check the committed output: schemas (kubeconform -strict), encrypted secrets, and no drift from a fresh synth')
    .argument('[clusters...]', 'cluster names (default: all)')
    .option('--output <format>', 'text or json', 'text')
    .action(async (names: string[], options: { output: string }) => {
      if (!['text', 'json'].includes(options.output)) throw new UsageError(`--output "${options.output}" is not supported; allowed: text, json`);
      const context = loadFleetContext(io.cwd, program.opts().root);
      const report = await runValidation(context, selectClusters(context, names));
      if (options.output === 'json') {
        io.stdout(`${JSON.stringify({ ok: report.problems.length === 0, ...report }, null, 2)}\n`);
      } else {
        for (const p of report.problems) io.stdout(`${p.check}: ${p.file}: ${p.object ? `${p.object}: ` : ''}${p.message}\n`);
        for (const line of weakenedLines(report.controls)) io.stdout(line);
        const sources = Object.entries(report.schemaSources).map(([v, s]) => `${v} from ${s}`).join(', ');
        io.stdout(
          `validate: ${report.clusters.length} cluster(s), ${report.objects} objects checked${sources ? ` (schemas ${sources})` : ''}, ${controlsSummary(report.controls)}, ${report.problems.length} problem(s)\n`,
        );
      }
      if (report.problems.length > 0) throw new ReportedFailure(1);
    });
}
