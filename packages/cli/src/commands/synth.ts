import * as path from 'node:path';
import type { RepositoryLockOptions } from '@ck8s/core/base';
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { synthesisWorkerScript } from '../synthesis-worker-script.js';

export function registerSynth(program: Command, io: CliIo): void {
  program
    .command('synth')
    .description('generate the manifests of clusters into clusters/<name>/ (all clusters by default)')
    .argument('[clusters...]', 'cluster names')
    .action(async (names: string[]) => {
      const { loadFleetContext, selectClusters, synthesizeFleet } = await import('@ck8s/platform');
      const context = loadFleetContext(io.cwd, program.opts().root);
      const worker = synthesisWorkerScript();
      const result = await synthesizeFleet(context, selectClusters(context, names), { onWait: waitNotice(io), ...(worker ? { worker } : {}) });
      const what = result.changed.length === 0 ? 'no changes' : `changed: ${result.changed.join(', ')}`;
      io.stdout(`synth: ${result.clusters} cluster(s), ${result.files} files, ${what}${result.sopsChanged ? '; .sops.yaml updated' : ''}\n`);
    });
}

/** Tells the person at the terminal why a command that writes the repository does not start yet. */
export function waitNotice(io: CliIo): RepositoryLockOptions['onWait'] {
  return (holder, file) =>
    io.stderr(`ck8s: waiting for another ck8s command (pid ${holder.pid}) to finish writing this repository (${path.basename(file)})\n`);
}
