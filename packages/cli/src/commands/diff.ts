import type { Command } from 'commander';
import { type CliIo, UsageError } from '../io.js';

const OUTPUTS = ['text', 'markdown', 'json'];

export function registerDiff(program: Command, io: CliIo): void {
  program
    .command('diff')
    .description(
      'object-level difference of the generated output between a git revision and the working tree (Secrets: key names only, never values)',
    )
    .argument('[clusters...]', 'cluster names (default: every cluster at the base or in the working tree)')
    .requiredOption('--base <ref>', 'git revision to compare with, e.g. origin/main')
    .option('--output <format>', 'text, markdown (a pull-request comment) or json', 'text')
    .addHelpText(
      'after',
      `
The working tree side is the files in clusters/<name>/ as they are on disk: run \`ck8s synth\` first
locally; in CI they are the committed output, which \`ck8s validate\` proves equal to a fresh synth.
cluster.yaml is input, so its changes show through the objects they change. Exit status: 0 whether
or not there are differences, 1 on an error (an unknown revision or cluster, no git repository).`,
    )
    .action(async (names: string[], options: { base: string; output: string }) => {
      if (!OUTPUTS.includes(options.output)) throw new UsageError(`--output "${options.output}" is not supported; allowed: ${OUTPUTS.join(', ')}`);
      const { openWorkspace } = await import('@ck8s/platform/fleet-context');
      const { diffFleet, GitRepository, renderDiffMarkdown, renderDiffText } = await import('@ck8s/review');
      const workspace = openWorkspace(io.cwd, program.opts().root);
      if (!(await new GitRepository(workspace.root).resolveCommit(options.base))) {
        throw new UsageError(
          `--base "${options.base}" is not a commit in this repository; name a branch, tag or commit (fetch it first, e.g. git fetch origin main)`,
        );
      }
      const diff = await diffFleet({ root: workspace.root, base: options.base, clusters: names });
      if (options.output === 'json') io.stdout(`${JSON.stringify(diff, null, 2)}\n`);
      else if (options.output === 'markdown') io.stdout(renderDiffMarkdown(diff));
      else io.stdout(renderDiffText(diff));
    });
}
