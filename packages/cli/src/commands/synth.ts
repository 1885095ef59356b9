import { type ConfigProblem, ConfigError, type RenderedTree, replaceTree } from '@ck8s/core';
import type { Command } from 'commander';
import { loadContext, selectClusters } from '../context.js';
import type { CliIo } from '../io.js';
import { synthesizeCluster } from '../synth/synthesize-cluster.js';
import { writeSopsConfig } from '../synth/sops-config.js';

/** Input files of a cluster folder that synth never writes. */
export const CLUSTER_INPUTS = ['cluster.yaml'];

export function registerSynth(program: Command, io: CliIo): void {
  program
    .command('synth')
    .description('generate the manifests of clusters into clusters/<name>/ (all clusters by default)')
    .argument('[clusters...]', 'cluster names')
    .action((names: string[]) => {
      const context = loadContext(io.cwd, program.opts().root);
      const selected = selectClusters(context, names);
      // synthesize everything in memory first: an error in any cluster leaves every folder untouched
      const trees = new Map<string, RenderedTree>();
      const problems: ConfigProblem[] = [];
      for (const name of selected) {
        try {
          trees.set(name, synthesizeCluster({ ...context, name }));
        } catch (e) {
          if (!(e instanceof ConfigError)) throw e;
          problems.push(...e.problems);
        }
      }
      if (problems.length > 0) throw new ConfigError(problems);
      const changed: string[] = [];
      let files = 0;
      for (const [name, tree] of trees) {
        files += tree.size;
        if (replaceTree(context.workspace.clusterDir(name), tree, { keep: CLUSTER_INPUTS })) changed.push(name);
      }
      const sopsChanged = writeSopsConfig(context);
      const what = changed.length === 0 ? 'no changes' : `changed: ${changed.join(', ')}`;
      io.stdout(`synth: ${trees.size} cluster(s), ${files} files, ${what}${sopsChanged ? '; .sops.yaml updated' : ''}\n`);
    });
}
