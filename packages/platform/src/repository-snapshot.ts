import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { isScratchName, scratchName, swapDirectory, writeFileAtomic } from '@ck8s/core';

/**
 * The bytes of some folders and files of the repository, taken before a command that writes in
 * many places (init: cluster.yaml, keys, Secrets of two clusters, generated output), so a failure
 * half-way puts every one of them back as it was.
 */
export class RepositorySnapshot {
  private readonly files = new Map<string, Buffer>();
  /** Recorded paths that are folders (restored whole); the others are files or were absent. */
  private readonly folders = new Set<string>();

  /**
   * @param paths absolute folders and files to record; missing ones are recorded as absent (and removed on restore)
   */
  constructor(private readonly paths: readonly string[]) {
    for (const p of paths) {
      if (existsSync(p) && lstatSync(p).isDirectory()) this.folders.add(p);
      this.record(p);
    }
  }

  private record(p: string): void {
    if (!existsSync(p)) return;
    if (lstatSync(p).isDirectory()) {
      // scratch of another run is not part of the repository's state
      for (const entry of readdirSync(p)) if (!isScratchName(entry)) this.record(path.join(p, entry));
    } else this.files.set(p, readFileSync(p));
  }

  /**
   * Puts every recorded path back: a folder as it was (new files removed), rebuilt beside it and
   * swapped in whole, so a crash during the restore leaves the failed state or the old one; a
   * file with its old bytes, written atomically; a path that did not exist is removed.
   */
  restore(): void {
    for (const p of this.paths) {
      if (this.folders.has(p)) {
        const staging = path.join(path.dirname(p), scratchName(path.basename(p)));
        try {
          mkdirSync(staging);
          for (const [file, content] of this.files) {
            if (!file.startsWith(`${p}${path.sep}`)) continue;
            const target = path.join(staging, path.relative(p, file));
            mkdirSync(path.dirname(target), { recursive: true });
            writeFileSync(target, content);
          }
          swapDirectory(staging, p);
        } catch (e) {
          rmSync(staging, { recursive: true, force: true });
          throw e;
        }
      } else if (this.files.has(p)) {
        writeFileAtomic(p, this.files.get(p)!);
      } else {
        rmSync(p, { recursive: true, force: true });
      }
    }
  }
}
