import { randomBytes } from 'node:crypto';
import { readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';

/** Prefix of the scratch folders the swap leaves behind only if the process dies mid-way. */
export const SCRATCH_PREFIX = '.ck8s-';

function errorCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException).code;
}

/**
 * Moves the fully written folder `staged` to `target`, replacing what was there. Whole-folder
 * renames (not file by file, as core's replaceTree does) so a kubeconform run reading `target`
 * sees either the old or the new schemas, never a mix. Both paths must be on one filesystem.
 * When another process put its own copy in place between our two renames, that copy wins: the
 * importer's output is deterministic, so both copies hold the same bytes.
 */
export function swapDirectory(staged: string, target: string): void {
  const previous = path.join(path.dirname(target), `${SCRATCH_PREFIX}previous-${randomBytes(6).toString('hex')}`);
  let moved = false;
  try {
    renameSync(target, previous);
    moved = true;
  } catch (e) {
    if (errorCode(e) !== 'ENOENT') throw e;
  }
  try {
    renameSync(staged, target);
  } catch (e) {
    const code = errorCode(e);
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') {
      if (moved) renameSync(previous, target);
      throw e;
    }
    rmSync(staged, { recursive: true, force: true });
  } finally {
    rmSync(previous, { recursive: true, force: true });
  }
}

/** Removes scratch folders of crashed runs; recent ones may belong to a run still in progress. */
export function removeStaleScratch(dir: string, olderThanMs = 60 * 60 * 1000): void {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  const cutoff = Date.now() - olderThanMs;
  for (const entry of entries) {
    if (!entry.startsWith(SCRATCH_PREFIX)) continue;
    const full = path.join(dir, entry);
    try {
      if (statSync(full).mtimeMs < cutoff) rmSync(full, { recursive: true, force: true });
    } catch {
      // already gone: another run cleaned it up
    }
  }
}
