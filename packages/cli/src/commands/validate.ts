import type { Command } from 'commander';
import { type CliIo, ReportedFailure, UsageError } from '../io.js';
import { printProblems, validationSummary } from '../validation-output.js';

export function registerValidate(program: Command, io: CliIo): void {
  program
    .command('validate')
    .description('check the committed output: schemas (kubeconform -strict), encrypted secrets, and no drift from a fresh synth')
    .argument('[clusters...]', 'cluster names (default: all)')
    .option('--output <format>', 'text or json', 'text')
    .action(async (names: string[], options: { output: string }) => {
      if (!['text', 'json'].includes(options.output)) throw new UsageError(`--output "${options.output}" is not supported; allowed: text, json`);
      const { loadFleetContext, runValidation, selectClusters } = await import('@ck8s/platform');
      const context = loadFleetContext(io.cwd, program.opts().root);
      const report = await runValidation(context, selectClusters(context, names));
      if (options.output === 'json') {
        io.stdout(`${JSON.stringify({ ok: report.problems.length === 0, ...report }, null, 2)}\n`);
      } else {
        printProblems(io, report);
        io.stdout(`${validationSummary(report)}\n`);
      }
      if (report.problems.length > 0) throw new ReportedFailure(1);
    });
}
