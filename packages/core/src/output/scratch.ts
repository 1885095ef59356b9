import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';

/**
 * Prefix of every scratch file and folder ck8s writes beside its output (staging folders, old trees
 * on their way out, temporary files). `.gitignore` ignores `.ck8s-*`, so a crash never leaves
 * anything git would commit, and the next run removes what a dead process left.
 */
export const SCRATCH_PREFIX = '.ck8s-';

/** The repository's write lock (see repository-lock.ts): named like scratch so it is gitignored, but never removed as such. */
export const REPOSITORY_LOCK_FILE = '.ck8s-lock';

const SCRATCH_NAME = /^\.ck8s-(.+)-([0-9]+)-([0-9a-f]{12})(\.tmp)?$/;

/** Scratch entries without a process id in their name (older ck8s versions) are removed after this long. */
const UNOWNED_SCRATCH_AGE_MS = 60 * 60 * 1000;

/** A scratch name owned by this process: `.ck8s-<purpose>-<pid>-<random>`. */
export function scratchName(purpose: string): string {
  return `${SCRATCH_PREFIX}${purpose}-${process.pid}-${Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(6))).toString('hex')}`;
}

/** Whether a file or folder name is a ck8s scratch name. */
export function isScratchName(name: string): boolean {
  return name.startsWith(SCRATCH_PREFIX);
}

/**
 * Whether a process of this machine is running. A pid that now belongs to a younger process than
 * the one recorded (`startedAt`, Linux only) counts as gone.
 */
export function isProcessAlive(pid: number, startedAt?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: it exists but belongs to another user
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (startedAt === undefined) return true;
  const now = processStartTime(pid);
  return now === undefined || now === startedAt;
}

/** When a process started, in clock ticks since boot (Linux's /proc/<pid>/stat field 22); undefined elsewhere. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) is in parentheses and may hold spaces: count from the last ')'
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** This machine's name, recorded with process ids: a pid means nothing on another machine. */
export function hostName(): string {
  return hostname();
}

/**
 * Removes the scratch entries of a folder that no running process owns: those named by a process
 * of this machine that has ended, and those without an owner (older versions) after an hour.
 * Scratch of a running process (another ck8s command) is left alone.
 */
export function removeDeadScratch(dir: string): void {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!isScratchName(entry) || entry === REPOSITORY_LOCK_FILE) continue;
    const full = path.join(dir, entry);
    const owner = SCRATCH_NAME.exec(entry);
    try {
      const dead = owner ? !isProcessAlive(Number(owner[2])) : statSync(full).mtimeMs < Date.now() - UNOWNED_SCRATCH_AGE_MS;
      if (dead) rmSync(full, { recursive: true, force: true });
    } catch {
      // already gone: another run cleaned it up
    }
  }
}
