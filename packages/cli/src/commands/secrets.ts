import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { type CliIo, ReportedFailure, UsageError } from '../io.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Splits `KEY=VALUE` at the first '='. */
function keyValue(arg: string, what: string): [string, string] {
  const at = arg.indexOf('=');
  if (at <= 0) throw new UsageError(`${what} "${arg.split('=')[0]}" is not KEY=${what === '--from-file' ? 'PATH' : 'VALUE'}`);
  return [arg.slice(0, at), arg.slice(at + 1)];
}

export function registerSecrets(program: Command, io: CliIo): void {
  const secrets = program.command('secrets').description('age keys and sops-encrypted Secrets');

  secrets
    .command('init')
    .description("create a cluster's age key pair: the public key goes into cluster.yaml and .sops.yaml, the private key only where you say")
    .argument('<cluster>', 'cluster name')
    .option('--key-file <path>', 'write the private key to this file (must be outside the repository; mode 0600)')
    .option('--stdout', 'print the private key to standard output instead')
    .option('--force', 'overwrite an existing key file', false)
    .action(async (cluster: string, options: { keyFile?: string; stdout?: boolean; force: boolean }) => {
      if (!options.keyFile === !options.stdout)
        throw new UsageError('say where the private key goes: --key-file <path outside the repository> or --stdout');
      const { openWorkspace } = await import('@ck8s/platform/fleet-context');
      const { initClusterKey } = await import('@ck8s/secrets');
      const workspace = openWorkspace(io.cwd, program.opts().root);
      const result = await initClusterKey({
        workspace,
        cluster,
        force: options.force,
        ...(options.keyFile ? { keyFile: path.resolve(io.cwd, options.keyFile) } : {}),
      });
      if (result.keyFileText) io.stdout(result.keyFileText);
      const where = result.keyFile ? `private key written to ${result.keyFile}` : 'private key printed above; store it in your secret manager';
      io.stderr(`secrets: ${cluster} recipient ${result.recipient} added (${result.changedFiles.join(', ')}); ${where}\n`);
      io.stderr(`load it into the cluster for Flux with:\n  ${result.loadCommand}\n`);
    });

  secrets
    .command('set')
    .description('encrypt a Secret for a cluster with sops into secrets/<cluster>/<namespace>.<name>.sops.yaml (no plaintext on disk)')
    .argument('<cluster>', 'cluster name')
    .argument('<secret>', 'the Secret as <namespace>/<name>')
    .argument('[entries...]', 'KEY=VALUE pairs (visible in shell history; prefer --from-file or --stdin for real credentials)')
    .option('--from-file <key=path>', 'set KEY to the content of a file (repeatable)', collect, [])
    .option('--stdin <key>', 'set KEY to all of standard input')
    .option('--replace', 'write only the given keys instead of merging into the existing Secret (needs no private key)', false)
    .option('--type <type>', "the Secret's type, e.g. nginx.org/htpasswd for an endpoint's basic auth (default: the existing Secret's, else Opaque)")
    .action(
      async (cluster: string, secret: string, args: string[], options: { fromFile: string[]; stdin?: string; replace: boolean; type?: string }) => {
        const entries: Record<string, string | Uint8Array> = {};
        const add = (key: string, value: string | Uint8Array): void => {
          if (key in entries) throw new UsageError(`key "${key}" is given twice`);
          entries[key] = value;
        };
        for (const arg of args) add(...keyValue(arg, 'entry'));
        for (const arg of options.fromFile) {
          const [key, file] = keyValue(arg, '--from-file');
          add(key, readFileSync(path.resolve(io.cwd, file)));
        }
        if (options.stdin) add(options.stdin, await io.readStdin());
        if (Object.keys(entries).length === 0) throw new UsageError('no keys given; pass KEY=VALUE, --from-file KEY=PATH or --stdin KEY');
        const { openWorkspace } = await import('@ck8s/platform/fleet-context');
        const { setSecret } = await import('@ck8s/secrets');
        const workspace = openWorkspace(io.cwd, program.opts().root);
        const file = await setSecret({
          workspace,
          cluster,
          secret,
          entries,
          replace: options.replace,
          ...(options.type ? { type: options.type } : {}),
        });
        io.stdout(
          `secrets: ${Object.keys(entries).sort().join(', ')} encrypted into ${file}; run \`ck8s synth\` to place it in the cluster's output\n`,
        );
      },
    );

  secrets
    .command('check')
    .description(
      "fail on any Secret under secrets/ or clusters/ that is not sops-encrypted to its cluster's recipients or carries plaintext metadata, " +
        'and on any age private key in the repository; with --decrypt, also decrypt every encrypted file in memory to verify its MAC',
    )
    .option(
      '--decrypt',
      'decrypt every sops file in memory with the key(s) in SOPS_AGE_KEY_FILE (or SOPS_AGE_KEY) to prove its ciphertext and MAC are intact',
    )
    .option('--cluster <name>', 'with --decrypt: only the files of this cluster (repeatable; default: every cluster)', collect, [])
    .action(async (options: { decrypt?: boolean; cluster: string[] }) => {
      if (options.cluster.length > 0 && !options.decrypt) throw new UsageError('--cluster only applies to --decrypt');
      const { ageKeyFromEnv, checkSecrets, readAllAgeRecipients, RepositoryLayout, selectClusterNames, verifyDecryption } =
        await import('@ck8s/secrets/check');
      const ageKey = options.decrypt ? ageKeyFromEnv() : undefined;
      if (options.decrypt && ageKey === undefined) {
        throw new UsageError(
          '--decrypt needs the private key(s) of the clusters: set SOPS_AGE_KEY_FILE to an age key file (or SOPS_AGE_KEY to a key); nothing was checked',
        );
      }
      // the files and the clusters' recipients are all it needs, read without validating the settings or
      // the rest of each cluster.yaml (that is `ck8s validate`'s job): no config schema, no chart catalog,
      // and a cluster whose config is still incomplete gets its Secrets checked too
      const root: string | undefined = program.opts().root;
      const workspace = root ? new RepositoryLayout(path.resolve(io.cwd, root)) : RepositoryLayout.find(io.cwd);
      const recipients = readAllAgeRecipients(workspace);
      const problems = [...(await checkSecrets(workspace, recipients))];
      let verified = '';
      if (ageKey !== undefined) {
        const clusters = options.cluster.length > 0 ? selectClusterNames([...recipients.keys()], options.cluster) : undefined;
        const result = await verifyDecryption({ workspace, ageKey, ...(clusters ? { clusters } : {}) });
        problems.push(...result.problems);
        verified = `; ${result.verified.length} encrypted file(s) decrypted in memory with intact MAC`;
      }
      for (const p of problems) io.stdout(`secrets: ${p.file}: ${p.path}: ${p.message}\n`);
      io.stdout(`secrets check: ${problems.length} problem(s)${verified}\n`);
      if (problems.length > 0) throw new ReportedFailure(1);
    });
}
