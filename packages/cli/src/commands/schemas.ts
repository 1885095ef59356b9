import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import type { CliIo } from '../io.js';

/** The JSON Schema of cluster.yaml as committed text (stable key order, trailing newline). */
export async function clusterConfigSchemaText(): Promise<string> {
  const { clusterConfigJsonSchema } = await import('@ck8s/core');
  return `${JSON.stringify(clusterConfigJsonSchema(), null, 2)}\n`;
}

export function registerSchemas(program: Command, io: CliIo): void {
  const schemas = program.command('schemas').description('schemas for validation and editors');

  schemas
    .command('import')
    .description('convert Kubernetes OpenAPI definitions (_definitions.json) into kubeconform schemas, for air-gapped validation')
    .requiredOption('--definitions <file>', 'OpenAPI definitions of one Kubernetes release, e.g. <mirror>/kubernetes/v1.33.0/_definitions.json')
    .requiredOption('--kubernetes-version <version>', 'the release the definitions belong to, e.g. 1.33.0')
    .option('--out <dir>', 'output folder (kubeconform -schema-location)', '.ck8s/schemas/kubernetes')
    .action(async (options: { definitions: string; kubernetesVersion: string; out: string }) => {
      const { openWorkspace } = await import('@ck8s/platform/fleet-context');
      const { importKubernetesSchemas } = await import('@ck8s/validate');
      const workspace = openWorkspace(io.cwd, program.opts().root);
      const out = path.resolve(workspace.root, options.out);
      const result = importKubernetesSchemas({
        definitionsFile: path.resolve(io.cwd, options.definitions),
        outDir: out,
        kubernetesVersion: options.kubernetesVersion,
      });
      io.stdout(
        `schemas: ${result.kinds} kinds of Kubernetes ${result.kubernetesVersion} (${result.files} kubeconform schema files) written to ${workspace.relative(out) || '.'}\n`,
      );
    });

  schemas
    .command('cluster-config')
    .description('print (or write) the JSON Schema of cluster.yaml, for yaml-language-server and other editors')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (options: { out?: string }) => {
      const text = await clusterConfigSchemaText();
      if (!options.out) {
        io.stdout(text);
        return;
      }
      const file = path.resolve(io.cwd, options.out);
      mkdirSync(path.dirname(file), { recursive: true });
      const { writeFileAtomic } = await import('@ck8s/core');
      writeFileAtomic(file, text);
      io.stdout(`schemas: cluster config schema written to ${options.out}\n`);
    });
}
