import { closeSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { scratchName } from './scratch.js';

/**
 * Writes a file so readers see the old or the new content, never a torn one: the content goes to
 * a scratch file in the same folder (same filesystem, so the rename is atomic), is flushed to
 * disk, then replaces the target in one rename. The scratch name starts with `.ck8s-` (gitignored)
 * and does not end in .yaml, so a crash never leaves something that looks like a manifest.
 * @param mode permissions of the new file, e.g. 0o600 for a private key. @default 0o644
 * @throws Error naming the file when it is a folder or its folder cannot be written
 */
export function writeFileAtomic(file: string, content: string | Uint8Array, mode = 0o644): void {
  if (isFolder(file)) throw new Error(`cannot write ${file}: it is a folder; give the path of a file`);
  const temp = path.join(path.dirname(file), `${scratchName(path.basename(file))}.tmp`);
  const fd = openSync(temp, 'wx', mode);
  try {
    try {
      writeFileSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}

function isFolder(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}
