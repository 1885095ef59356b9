import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { type CliIo, UsageError } from '../io.js';

interface ScanOptions {
  readonly cluster?: string;
  readonly output: string;
  readonly out?: string;
  readonly fix?: string;
  readonly namespace?: string;
}

const FORMATS = ['md', 'json', 'html'];

export function registerMigrate(program: Command, io: CliIo): void {
  const migrate = program.command('migrate').description('move workloads from a public-cloud Kubernetes (AKS) onto the platform');
  migrate
    .command('scan')
    .description(
      "inventory manifests, find their Azure dependencies and replacements, order the migration, pre-check them against a cluster's admission",
    )
    .argument('<paths...>', 'YAML files or folders: plain manifests, helm template or kustomize output, or a `kubectl get -A -o yaml` dump')
    .option('--cluster <name>', 'the target cluster (default: the only workload cluster)')
    .option('--output <format>', 'md, json or html', 'md')
    .option('--out <dir>', 'write migration-scan.<format> into this folder instead of printing it')
    .option('--fix <dir>', 'write kustomize patches (a Component) that apply the admission fixes; the inputs are never changed')
    .option('--namespace <ns>', "evaluate admission as if every object were deployed into this namespace (default: each object's own)")
    .addHelpText(
      'after',
      '\nNo Secret value is ever read into the report: Secrets are listed by name, and an endpoint found in one is quoted alone.\n',
    )
    .action(async (paths: string[], options: ScanOptions) => {
      if (!FORMATS.includes(options.output)) throw new UsageError(`--output "${options.output}" is not supported; allowed: ${FORMATS.join(', ')}`);
      // loaded here, so help loads no library
      const { findTool, loadFleet, writeFileAtomic } = await import('@ck8s/core');
      const { fixFiles, migrationTarget, renderMigrationHtml, renderMigrationMarkdown, scanMigration, verifyFixes, writeFixFolder } =
        await import('@ck8s/migrate');
      const { openWorkspace } = await import('@ck8s/platform/fleet-context');
      const { loadManifests } = await import('@ck8s/policy');
      const workspace = openWorkspace(io.cwd, program.opts().root);
      const fleet = loadFleet(workspace);
      const workloads = [...fleet.clusters.values()].filter((c) => c.profile === 'workload').map((c) => c.name);
      const name = options.cluster ?? (workloads.length === 1 ? workloads[0] : undefined);
      if (!name) throw new UsageError(`say which cluster the workloads move to: --cluster ${workloads.join('|') || '<name>'}`);
      const cluster = fleet.clusters.get(name);
      if (!cluster) throw new UsageError(`unknown cluster "${name}"; clusters: ${[...fleet.clusters.keys()].join(', ')}`);

      const target = migrationTarget(workspace, fleet, cluster, options.namespace ? { namespace: options.namespace } : {});
      const absolute = paths.map((p) => path.resolve(io.cwd, p));
      const documents = loadManifests(absolute);
      const shown = documents.map((d) => ({ ...d, file: path.relative(io.cwd, d.file) || d.file }));
      const { scan, patches } = scanMigration(shown, target, paths);
      const text =
        options.output === 'json'
          ? `${JSON.stringify(scan, null, 2)}\n`
          : options.output === 'html'
            ? renderMigrationHtml(scan)
            : renderMigrationMarkdown(scan);

      // The fix folder first: it is the step that can refuse (a folder among the inputs), and then nothing is written.
      const fixDir = options.fix ? path.resolve(io.cwd, options.fix) : undefined;
      if (fixDir) writeFixFolder(fixDir, fixFiles(patches, name), absolute);
      if (options.out) {
        const file = path.join(path.resolve(io.cwd, options.out), `migration-scan.${options.output}`);
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileAtomic(file, text);
        io.stdout(`migrate scan: written to ${path.relative(io.cwd, file)}\n`);
      } else {
        io.stdout(text);
      }
      const denied = scan.admission.filter((a) => !a.allowed).length;
      io.stderr(
        `migrate scan: ${scan.objects} object(s), ${scan.dependencies.length} cloud dependencies, ${scan.order.length} migration steps, ${denied} denied by ${name}'s admission, ${scan.apiVersions.findings.length} API version finding(s)\n`,
      );

      if (options.fix && fixDir) {
        let kustomize: string | undefined;
        try {
          kustomize = findTool('kustomize', workspace.root);
        } catch {
          kustomize = undefined;
        }
        if (!kustomize) {
          io.stderr(
            `migrate scan: ${patches.length} patch(es) written to ${options.fix}; not verified (kustomize not found; run \`npm run setup\`)\n`,
          );
          return;
        }
        // The proof: the inputs built with the patches, evaluated again by the same rules.
        const files = [...new Set(documents.map((d) => d.file))];
        const { results } = verifyFixes(kustomize, files, fixDir, target.admission);
        const still = results.filter((r) => !r.allowed);
        const names = still.map((r) => `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`).join(', ');
        io.stderr(
          `migrate scan: ${patches.length} patch(es) written to ${options.fix}; with them ${still.length} of ${results.length} object(s) denied${still.length > 0 ? ` (${names}: their fixes need the decisions the report lists)` : ''}\n`,
        );
      }
    });
}
