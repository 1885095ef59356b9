import { spawn } from 'node:child_process';

/** Why git could not be asked: no git, not a repository, no commits, or a repository git refuses. */
export class GitUnavailableError extends Error {
  override readonly name = 'GitUnavailableError';
}

export interface GitOptions {
  /** Text for git's standard input. @default none (stdin closed) */
  readonly input?: string;
  /** Exit statuses that mean success, e.g. `[0, 1]` for `git grep`, whose 1 means "no match". @default [0] */
  readonly successExitCodes?: readonly number[];
}

/**
 * Runs git in `cwd` and returns its standard output as bytes. Settings of the user's git config that
 * would change the output parsed here (signatures in logs, quoted paths, colours) are switched off,
 * optional locks are not taken (reading must never take the index lock another git waits for), and
 * git never prompts.
 * @throws GitUnavailableError when git is missing, `cwd` is no repository, it has no commits, or git refuses it
 * @throws Error with git's first line of error output otherwise
 */
export function runGit(cwd: string, args: readonly string[], options: GitOptions = {}): Promise<Buffer> {
  const argv = ['--no-optional-locks', '-c', 'log.showSignature=false', '-c', 'core.quotePath=false', '-c', 'color.ui=never', ...args];
  return new Promise((resolve, reject) => {
    const child = spawn('git', argv, {
      cwd,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? new GitUnavailableError('git is not installed') : e));
    child.on('close', (code) => {
      if ((options.successExitCodes ?? [0]).includes(code ?? -1)) return resolve(Buffer.concat(out));
      const stderr = Buffer.concat(err).toString('utf8');
      if (/not a git repository/i.test(stderr)) return reject(new GitUnavailableError('the repository folder is not a git repository'));
      if (/does not have any commits|unknown revision|bad default revision/i.test(stderr))
        return reject(new GitUnavailableError('the git repository has no commits yet'));
      if (/dubious ownership/i.test(stderr))
        return reject(new GitUnavailableError('git refuses to read the repository (dubious ownership; see git config safe.directory)'));
      reject(new Error(`git ${args[0]} failed: ${stderr.trim().split('\n')[0] || `exit status ${code}`}`));
    });
    if (options.input !== undefined) child.stdin!.end(options.input);
  });
}

/** runGit's standard output as text. */
export async function gitText(cwd: string, args: readonly string[], options: GitOptions = {}): Promise<string> {
  return (await runGit(cwd, args, options)).toString('utf8');
}
