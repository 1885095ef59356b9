import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The bytes of some folders and files of the repository, taken before a command that writes in
 * many places (init: cluster.yaml, keys, Secrets of two clusters, generated output), so a failure
 * half-way puts every one of them back as it was.
 */
export class RepositorySnapshot {
  private readonly files = new Map<string, Buffer | undefined>();

  /**
   * @param paths absolute folders and files to record; missing ones are recorded as absent (and removed on restore)
   */
  constructor(private readonly paths: readonly string[]) {
    for (const p of paths) this.record(p);
  }

  private record(p: string): void {
    if (!existsSync(p)) {
      this.files.set(p, undefined);
      return;
    }
    if (lstatSync(p).isDirectory()) for (const entry of readdirSync(p)) this.record(path.join(p, entry));
    else this.files.set(p, readFileSync(p));
  }

  /** Puts every recorded path back: folders as they were (new files removed), files with their old bytes. */
  restore(): void {
    for (const p of this.paths) rmSync(p, { recursive: true, force: true });
    for (const [file, content] of this.files) {
      if (content === undefined) continue;
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
  }
}
