import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Writes a file so readers see the old or the new content, never a torn one: the content goes to
 * a temporary file in the same folder (same filesystem, so the rename is atomic), then replaces the target.
 * The temporary name does not end in .yaml, so a crash never leaves something that looks like a manifest.
 * @param mode permissions of the new file, e.g. 0o600 for a private key
 */
export function writeFileAtomic(file: string, content: string, mode = 0o644): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
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
