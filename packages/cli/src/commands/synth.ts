import type { Command } from 'commander';
import type { CliIo } from '../io.js';

export function registerSynth(program: Command, io: CliIo): void {
  program
    .command('synth')
    .description('generate the manifests of clusters into clusters/<name>/ (all clusters by default)')
    .argument('[clusters...]', 'cluster names')
    .action(async (names: string[]) => {
      const { loadFleetContext, selectClusters, synthesizeFleet } = await import('@ck8s/platform');
      const context = loadFleetContext(io.cwd, program.opts().root);
      const result = synthesizeFleet(context, selectClusters(context, names));
      const what = result.changed.length === 0 ? 'no changes' : `changed: ${result.changed.join(', ')}`;
      io.stdout(`synth: ${result.clusters} cluster(s), ${result.files} files, ${what}${result.sopsChanged ? '; .sops.yaml updated' : ''}\n`);
    });
}
