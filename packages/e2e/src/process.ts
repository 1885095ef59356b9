import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import * as path from 'node:path';

export interface ProcessOptions {
  /** Name used in errors and as the log file's name, e.g. `kube-apiserver`. */
  name: string;
  /** Absolute path of the executable. */
  command: string;
  args: string[];
  /** File that receives the process's stdout and stderr (appended). */
  logFile: string;
  /** Environment variables; the child gets only these plus PATH (so a developer's shell cannot change a run). @default { } */
  env?: Record<string, string>;
  /** Working folder. @default the folder of logFile */
  cwd?: string;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Every process started and not yet seen to exit, killed on exit of this Node process as a last resort. */
const live = new Set<ManagedProcess>();
let exitHookInstalled = false;

/**
 * A child process in a process group of its own, with its output in a log file. stop() ends the
 * whole group. Where util-linux's setpriv exists, the child also gets PR_SET_PDEATHSIG=SIGKILL, so
 * the kernel kills it when this Node process dies without running any cleanup (e.g. SIGKILL).
 */
export class ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Settles when the process has exited (and been reaped). */
  readonly exited: Promise<ExitStatus>;
  private status: ExitStatus | undefined;
  private readonly child: ChildProcess;

  private constructor(options: ProcessOptions) {
    this.name = options.name;
    this.logFile = options.logFile;
    const out = openSync(options.logFile, 'a');
    const [command, args] = withParentDeathSignal(options.command, options.args);
    try {
      this.child = spawn(command, args, {
        cwd: options.cwd ?? path.dirname(options.logFile),
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env },
        // the log file, not pipes: a busy test must never block a component on a full pipe
        stdio: ['ignore', out, out],
        // a new process group, so stop() can signal the process and anything it started
        detached: true,
      });
    } finally {
      closeSync(out);
    }
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.status = { code, signal };
        live.delete(this);
        resolve(this.status);
      });
      this.child.once('error', () => {
        this.status ??= { code: null, signal: null };
        live.delete(this);
        resolve(this.status);
      });
    });
    if (this.child.pid === undefined) throw new Error(`${options.name}: could not start ${options.command}`);
    this.pid = this.child.pid;
    live.add(this);
    installExitHook();
  }

  /** Starts a process; it keeps running when this call returns. */
  static start(options: ProcessOptions): ManagedProcess {
    return new ManagedProcess(options);
  }

  /** True until the process has exited. */
  get running(): boolean {
    return this.status === undefined;
  }

  /** How it exited, once it has. */
  get exitStatus(): ExitStatus | undefined {
    return this.status;
  }

  /** The last lines of its log. */
  tail(lines = 30): string {
    return tailFile(this.logFile, lines);
  }

  /**
   * Ends the process group: SIGTERM, then SIGKILL after graceMs. Never throws; resolves once the
   * process is reaped and no process of its group is left.
   */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.running) {
      signalGroup(this.pid, 'SIGTERM');
      const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
      if ((await Promise.race([this.exited, timer])) === 'timeout') signalGroup(this.pid, 'SIGKILL');
      await this.exited;
    }
    // members of the group that outlived its leader (none of ours fork, but be sure); killed
    // orphans stay zombies until init reaps them, which can take a second or more in a sandbox
    for (let i = 0; i < 100 && groupAlive(this.pid); i++) {
      signalGroup(this.pid, 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** True while any process of the group led by pid exists. */
export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True while the process exists (a zombie counts: it has not been reaped). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The processes started by this Node process that are still running. */
export function liveProcesses(): ReadonlyArray<Pick<ManagedProcess, 'name' | 'pid'>> {
  return [...live];
}

/** The last lines of a file; empty when it does not exist. Reads at most the last 64 KiB. */
export function tailFile(file: string, lines: number): string {
  if (!existsSync(file)) return '';
  const size = statSync(file).size;
  const length = Math.min(size, 64 * 1024);
  const buffer = Buffer.alloc(length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, length, size - length);
  } finally {
    closeSync(fd);
  }
  return buffer.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous: SIGKILL every group still alive, so a crashed or
  // interrupted test run leaves nothing behind even when stop() never ran
  process.once('exit', () => {
    for (const p of live) signalGroup(p.pid, 'SIGKILL');
  });
}

let setpriv: string | null | undefined;

/** Prefixes `setpriv --pdeathsig SIGKILL --` when available (util-linux 2.33+, Linux only). */
function withParentDeathSignal(command: string, args: string[]): [string, string[]] {
  if (setpriv === undefined) {
    setpriv = null;
    for (const candidate of ['/usr/bin/setpriv', '/bin/setpriv']) {
      try {
        execFileSync(candidate, ['--pdeathsig', 'SIGKILL', '--', 'true'], { stdio: 'ignore' });
        setpriv = candidate;
        break;
      } catch {
        // not installed or too old to know --pdeathsig
      }
    }
  }
  return setpriv ? [setpriv, ['--pdeathsig', 'SIGKILL', '--', command, ...args]] : [command, args];
}
