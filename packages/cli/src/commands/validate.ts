import type { Command } from 'commander';
import { type CliIo, ReportedFailure, UsageError } from '../io.js';
import { synthesisWorkerScript } from '../synthesis-worker-script.js';
import { printProblems, printRenderReport, printWindowReport, validationSummary } from '../validation-output.js';
import type { Workspace } from '@ck8s/core/base';
import type { WindowCheckReport } from '@ck8s/review';

interface ValidateOptions {
  readonly output: string;
  readonly render?: boolean;
  readonly chartMirror?: string;
  readonly window?: string;
}

export function registerValidate(program: Command, io: CliIo): void {
  program
    .command('validate')
    .description('check the committed output: schemas (kubeconform -strict), encrypted secrets, and no drift from a fresh synth')
    .argument('[clusters...]', 'cluster names (default: all)')
    .option('--output <format>', 'text or json', 'text')
    .option(
      '--render',
      'also render every HelmRelease with helm at its pinned chart version and check the objects (schemas, Pod Security, API server egress, references, registries, declared workloads)',
    )
    .option(
      '--chart-mirror <folder|url>',
      'with --render: take charts from this mirror (default: ck8s.config.yaml charts.mirror, else the chart repositories)',
    )
    .option(
      '--window <base>',
      'also check the commits from <base> to HEAD against the maintenance window: a chart or Kubernetes version of a production cluster that moved outside it fails, unless the commit or merge carries an Emergency-Change: trailer',
    )
    .action(async (names: string[], options: ValidateOptions) => {
      if (!['text', 'json'].includes(options.output)) throw new UsageError(`--output "${options.output}" is not supported; allowed: text, json`);
      if (options.chartMirror && !options.render) throw new UsageError('--chart-mirror needs --render');
      const { loadFleetContext, runRenderVerification, runValidation, selectClusters } = await import('@ck8s/platform');
      const context = loadFleetContext(io.cwd, program.opts().root);
      const clusters = selectClusters(context, names);
      const worker = synthesisWorkerScript();
      const report = await runValidation(context, clusters, worker ? { worker } : {});
      const render = options.render
        ? await runRenderVerification(context, clusters, options.chartMirror ? { mirror: options.chartMirror } : {})
        : undefined;
      const window = options.window !== undefined ? await checkWindow(context.workspace, options.window) : undefined;
      const failed = report.problems.length > 0 || (render?.problems.length ?? 0) > 0 || (window?.violations.length ?? 0) > 0;
      if (options.output === 'json') {
        io.stdout(`${JSON.stringify({ ok: !failed, ...report, ...(render ? { render } : {}), ...(window ? { window } : {}) }, null, 2)}\n`);
      } else {
        printProblems(io, report);
        io.stdout(`${validationSummary(report)}\n`);
        if (render) printRenderReport(io, render);
        if (window) printWindowReport(io, window);
      }
      if (failed) throw new ReportedFailure(1);
    });
}

async function checkWindow(workspace: Workspace, base: string): Promise<WindowCheckReport> {
  const { checkMaintenanceWindow } = await import('@ck8s/review');
  return checkMaintenanceWindow({ root: workspace.root, base, maintenance: workspace.settings.maintenance });
}
