import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { execa } from 'execa';
import { gitEnv } from './git-server.js';

export interface GitWorkTreeOptions {
  /** Folder of the working tree. @default a new temporary folder, removed by removeTree() */
  dir?: string;
  /** Branch to commit to and push. @default 'main' */
  branch?: string;
}

/**
 * A local working tree whose commits are pushed to a remote over HTTP, for tests that change what
 * Flux syncs: write or delete files, then commitAndPush().
 */
export class GitWorkTree {
  private constructor(
    /** Folder of the working tree. */
    readonly dir: string,
    /** The remote's URL. */
    readonly remote: string,
    /** The branch commits go to. */
    readonly branch: string,
  ) {}

  /** A new working tree for a remote (which may be empty). */
  static async init(remote: string, options: GitWorkTreeOptions = {}): Promise<GitWorkTree> {
    const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'ck8s-e2e-worktree-'));
    const branch = options.branch ?? 'main';
    mkdirSync(dir, { recursive: true });
    const tree = new GitWorkTree(dir, remote, branch);
    await tree.git('init', '--quiet', `--initial-branch=${branch}`);
    await tree.git('remote', 'add', 'origin', remote);
    return tree;
  }

  /** Writes files (paths relative to the tree, folders created as needed). */
  write(files: Record<string, string>): void {
    for (const [file, content] of Object.entries(files)) {
      const target = this.resolve(file);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
  }

  /** Deletes files or folders of the tree. */
  remove(...files: string[]): void {
    for (const file of files) rmSync(this.resolve(file), { recursive: true, force: true });
  }

  /**
   * Commits every change (additions and deletions) and pushes the branch; returns the commit's
   * full SHA, which Flux reports as `<branch>@sha1:<sha>` in the GitRepository's artifact revision.
   */
  async commitAndPush(message: string): Promise<string> {
    await this.git('add', '--all');
    await this.git('commit', '--quiet', '--allow-empty', '-m', message);
    await this.git('push', '--quiet', 'origin', `HEAD:refs/heads/${this.branch}`);
    return (await this.git('rev-parse', 'HEAD')).trim();
  }

  /** Runs git in the tree with the user's configuration ignored; returns stdout. */
  async git(...args: string[]): Promise<string> {
    const result = await execa('git', args, { cwd: this.dir, env: gitEnv() });
    return result.stdout;
  }

  /** Deletes the working tree. */
  removeTree(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private resolve(file: string): string {
    const target = path.resolve(this.dir, file);
    if (!target.startsWith(`${this.dir}${path.sep}`)) throw new Error(`${file} is outside the working tree`);
    return target;
  }
}
