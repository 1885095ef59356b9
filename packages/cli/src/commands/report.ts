import { existsSync, mkdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { type CliIo, ReportedFailure, UsageError } from '../io.js';
import { controlsSummary, printProblems } from '../validation-output.js';

/** Default of --changes: DEFAULT_CHANGE_LIMIT of @ck8s/report, written out so that help loads no library (a test keeps them equal). */
export const DEFAULT_CHANGES = '20';

export function registerReport(program: Command, io: CliIo): void {
  program
    .command('report')
    .description(
      'write the fleet report: one static HTML page with each cluster, its components and chart versions, every control with its evidence, policy exceptions and recent changes',
    )
    .argument('[clusters...]', 'cluster names (default: all)')
    .option('--out <file>', 'where to write the page (outside clusters/)', 'report.html')
    .option('--changes <count>', 'how many recent commits touching the clusters to list', DEFAULT_CHANGES)
    .addHelpText(
      'after',
      [
        '',
        'The report runs the checks of `ck8s validate` and shows their problems. It is written even when',
        'validation finds problems; the exit status is then 1, so CI can publish the page and still fail.',
        'Secrets appear by name only: their values are never read. The page has no date of its own (only',
        'that of the HEAD commit), so the same repository always gives the same bytes.',
        '',
      ].join('\n'),
    )
    .action(async (names: string[], options: { out: string; changes: string }) => {
      if (!/^[1-9][0-9]*$/.test(options.changes))
        throw new UsageError(`--changes "${options.changes}" is not supported; allowed: a whole number of 1 or more`);
      const { fleetReport, loadFleetContext, selectClusters } = await import('@ck8s/platform');
      const { writeFileAtomic } = await import('@ck8s/core');
      const context = loadFleetContext(io.cwd, program.opts().root);
      const out = path.resolve(io.cwd, options.out);
      const clustersDir = context.workspace.clustersDir;
      // every file under clusters/ is generated: a report there would be drift
      if (out === clustersDir || out.startsWith(`${clustersDir}${path.sep}`)) {
        throw new UsageError(`--out "${options.out}" is inside clusters/, where every file is generated; allowed: a file outside clusters/`);
      }
      // checked before the work: the page replaces a file, never a folder
      if (existsSync(out) && statSync(out).isDirectory()) {
        throw new UsageError(`--out "${options.out}" is a folder; allowed: a file path, e.g. --out ${path.join(options.out, 'report.html')}`);
      }
      const clusters = selectClusters(context, names);
      const { html, validation } = await fleetReport({ context, clusters, named: names.length > 0, changes: Number(options.changes) });
      mkdirSync(path.dirname(out), { recursive: true });
      writeFileAtomic(out, html);

      printProblems(io, validation);
      io.stdout(`report: ${clusters.length} cluster(s), ${controlsSummary(validation)}; written to ${options.out}\n`);
      if (validation.problems.length > 0) throw new ReportedFailure(1);
    });
}
