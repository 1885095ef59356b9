import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { hostName, isProcessAlive, processStartTime, REPOSITORY_LOCK_FILE, scratchName } from './scratch.js';

/** Who holds a repository's lock, as written in the lock file. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  /** ISO time the lock was taken. */
  readonly since: string;
  /** Start time of the process (Linux), so a recycled pid is not mistaken for the holder. */
  readonly startedAt?: string;
}

export interface RepositoryLockOptions {
  /** How long to wait for another process to release the lock before failing. @default 120000 (two minutes) */
  readonly timeoutMs?: number;
  /** Called once when the lock is held by another process and this call starts to wait. @default none */
  readonly onWait?: (holder: LockHolder, lockFile: string) => void;
}

/** A held lock; `release()` gives it back (a nested acquisition in the same process only counts down). */
export interface RepositoryLock {
  readonly file: string;
  release(): void;
}

/** Thrown when another process keeps the lock past the timeout. */
export class RepositoryLockedError extends Error {
  constructor(
    message: string,
    public readonly holder: LockHolder,
  ) {
    super(message);
    this.name = 'RepositoryLockedError';
  }
}

const POLL_MS = 100;
/** A lock file without readable content is being written right now, unless it is older than this. */
const UNREADABLE_GRACE_MS = 10_000;
const held = new Map<string, { depth: number; content: string }>();
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Takes the exclusive write lock of a repository: the file `.ck8s-lock` at its root, created with
 * O_EXCL and holding this process's id, machine and start time. Every command that writes generated
 * output holds it, so two runs never interleave; the second waits (and says so through `onWait`) or
 * fails with the holder's pid. A lock whose process has died (killed, crashed, the machine
 * rebooted) is stale and taken over, so a crash never blocks the next run. The same process may
 * take it again (nested calls, e.g. init running synth).
 * @param root the repository root (the folder of ck8s.config.yaml)
 * @throws RepositoryLockedError when another live process holds it past `timeoutMs`
 */
export function acquireRepositoryLock(root: string, options: RepositoryLockOptions = {}): RepositoryLock {
  const file = path.join(root, REPOSITORY_LOCK_FILE);
  const mine = held.get(file);
  if (mine) {
    mine.depth++;
    return handle(file);
  }
  const startedAt = processStartTime(process.pid);
  const me: LockHolder = { pid: process.pid, host: hostName(), since: new Date().toISOString(), ...(startedAt ? { startedAt } : {}) };
  const content = `${JSON.stringify(me)}\n`;
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let waited = false;
  for (;;) {
    if (tryCreate(file, content)) {
      held.set(file, { depth: 1, content });
      return handle(file);
    }
    const seen = readLock(file);
    if (seen === undefined) continue; // released in the meantime
    const holder = parseHolder(seen.text);
    const stale = holder ? holder.host === me.host && !isProcessAlive(holder.pid, holder.startedAt) : seen.ageMs > UNREADABLE_GRACE_MS;
    if (stale) {
      breakStaleLock(file, seen.text);
      continue;
    }
    const shown: LockHolder = holder ?? { pid: 0, host: 'unknown', since: 'unknown' };
    if (Date.now() >= deadline) {
      const where = shown.host === me.host ? `pid ${shown.pid}` : `pid ${shown.pid} on ${shown.host}; if that process is gone, delete the file`;
      throw new RepositoryLockedError(
        `another ck8s command (${where}, since ${shown.since}) is writing this repository and holds ${file}; run again when it has finished`,
        shown,
      );
    }
    if (!waited) options.onWait?.(shown, file);
    waited = true;
    Atomics.wait(sleeper, 0, 0, POLL_MS);
  }
}

/** Runs `fn` while holding the repository's lock (see {@link acquireRepositoryLock}); releases it however `fn` ends. */
export function withRepositoryLock<T>(root: string, fn: () => T, options: RepositoryLockOptions = {}): T {
  const lock = acquireRepositoryLock(root, options);
  try {
    return fn();
  } finally {
    lock.release();
  }
}

/** Runs the asynchronous `fn` while holding the repository's lock; releases it once `fn` has settled. */
export async function withRepositoryLockAsync<T>(root: string, fn: () => Promise<T>, options: RepositoryLockOptions = {}): Promise<T> {
  const lock = acquireRepositoryLock(root, options);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}

function handle(file: string): RepositoryLock {
  let released = false;
  return {
    file,
    release(): void {
      if (released) return;
      released = true;
      const entry = held.get(file);
      if (!entry) return;
      if (--entry.depth > 0) return;
      held.delete(file);
      // remove it only while it is still ours (a takeover after a pid recycle is not)
      if (readLock(file)?.text === entry.content) rmSync(file, { force: true });
    },
  };
}

function tryCreate(file: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readLock(file: string): { text: string; ageMs: number } | undefined {
  try {
    return { text: readFileSync(file, 'utf8'), ageMs: Date.now() - statSync(file).mtimeMs };
  } catch {
    return undefined;
  }
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.since === 'string') return value as LockHolder;
  } catch {
    // half written or not ours
  }
  return undefined;
}

/**
 * Removes a stale lock without removing a live one that replaced it meanwhile: the file is first
 * renamed aside (atomic, so of two processes breaking the same lock only one gets it), and put
 * back if what was moved is not the stale content that was read.
 */
function breakStaleLock(file: string, staleText: string): void {
  const aside = path.join(path.dirname(file), scratchName('lock-stale'));
  try {
    renameSync(file, aside);
  } catch {
    return; // gone already: another process broke or released it
  }
  let moved: string | undefined;
  try {
    moved = readFileSync(aside, 'utf8');
  } catch {
    moved = undefined;
  }
  if (moved !== staleText) {
    try {
      linkSync(aside, file);
    } catch {
      // a third process took the free lock in between; the live holder we moved keeps running
      // and only its release is lost, which leaves a stale lock the next run takes over
    }
  }
  rmSync(aside, { force: true });
}
