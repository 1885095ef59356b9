import { Command, CommanderError } from 'commander';
import { registerAudit } from './commands/audit.js';
import { registerDiff } from './commands/diff.js';
import { registerInit } from './commands/init.js';
import { registerMigrate } from './commands/migrate.js';
import { registerPolicy } from './commands/policy.js';
import { registerReport } from './commands/report.js';
import { registerSchemas } from './commands/schemas.js';
import { registerSecrets } from './commands/secrets.js';
import { registerSynth } from './commands/synth.js';
import { registerValidate } from './commands/validate.js';
import type { ConfigError } from '@ck8s/core/base';
import { type CliIo, processIo, ReportedFailure } from './io.js';

/** Exit status of a run that found problems in the repository or its input. */
export const EXIT_FAILURE = 1;
/** Exit status of a command line that commander could not parse. */
export const EXIT_USAGE = 2;

export function buildProgram(io: CliIo): Command {
  const program = new Command('ck8s')
    .description('generate, encrypt and validate the manifests of a compliant Kubernetes platform')
    .option('--root <dir>', 'repository root (default: the nearest folder with ck8s.config.yaml)')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerInit(program, io);
  registerSynth(program, io);
  registerValidate(program, io);
  registerSecrets(program, io);
  registerPolicy(program, io);
  registerReport(program, io);
  registerSchemas(program, io);
  registerDiff(program, io);
  registerAudit(program, io);
  registerMigrate(program, io);
  for (const command of program.commands) command.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  return program;
}

/** Recognised by name: the class lives in @ck8s/core, which a command loads only when it needs it. */
function isConfigError(e: unknown): e is ConfigError {
  return e instanceof Error && e.name === 'ConfigError' && Array.isArray((e as Partial<ConfigError>).problems);
}

/**
 * Runs the CLI and returns its exit status instead of exiting, so tests can run it in-process.
 * @param argv the arguments after the program name
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof ReportedFailure) return e.exitCode;
    if (e instanceof CommanderError) {
      // help and version are "errors" to commander but successes to the user
      return e.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (isConfigError(e)) {
      io.stderr(`${e.message}\n`);
      io.stderr(`ck8s: ${e.problems.length} problem(s) found; nothing was written\n`);
      return EXIT_FAILURE;
    }
    io.stderr(`ck8s: ${(e as Error).message}\n`);
    if (process.env.CK8S_DEBUG) io.stderr(`${(e as Error).stack}\n`);
    return EXIT_FAILURE;
  }
}
