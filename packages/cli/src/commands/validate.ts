import type { Command } from 'commander';
import { loadFleetContext, runValidation, selectClusters } from '@ck8s/platform';
import { type CliIo, ReportedFailure, UsageError } from '../io.js';

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
        const sources = Object.entries(report.schemaSources).map(([v, s]) => `${v} from ${s}`).join(', ');
        const passed = report.controls.filter((c) => c.status === 'pass').length;
        io.stdout(
          `validate: ${report.clusters.length} cluster(s), ${report.objects} objects checked${sources ? ` (schemas ${sources})` : ''}, ${passed}/${report.controls.length} controls passed, ${report.problems.length} problem(s)\n`,
        );
      }
      if (report.problems.length > 0) throw new ReportedFailure(1);
    });
}
