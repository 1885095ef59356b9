import { GitUnavailableError, runGit } from '@ck8s/core';

/**
 * Read-only access to the git repository that holds a ck8s repository root. Paths given and
 * returned are relative to that root (which may be a subfolder of the git working tree).
 */
export class GitRepository {
  private prefixPromise?: Promise<string>;

  /** @param root the ck8s repository root (the folder of ck8s.config.yaml) */
  constructor(readonly root: string) {}

  /** Runs git in the root and returns its standard output; throws with git's message on failure. */
  async run(args: readonly string[], input?: string): Promise<string> {
    return (await this.exec(args, input)).toString('utf8');
  }

  /** The root's path inside the git working tree, '' or ending in '/'. Fails outside a git repository. */
  prefix(): Promise<string> {
    this.prefixPromise ??= this.run(['rev-parse', '--show-prefix']).then(
      (out) => out.trim(),
      (e: unknown) => {
        if (e instanceof GitUnavailableError)
          throw new Error(`${this.root} is not in a git repository; the diff and the audit read the history of clusters/`);
        throw e;
      },
    );
    return this.prefixPromise;
  }

  /** The full SHA of a revision's commit, or undefined when it names no commit. */
  async resolveCommit(revision: string): Promise<string | undefined> {
    await this.prefix();
    try {
      return (await this.run(['rev-parse', '--verify', '--quiet', '--end-of-options', `${revision}^{commit}`])).trim() || undefined;
    } catch {
      return undefined;
    }
  }

  /** Whether the clone lacks history (CI checkouts without `fetch-depth: 0`), so the audit would be incomplete. */
  async isShallow(): Promise<boolean> {
    return (await this.run(['rev-parse', '--is-shallow-repository'])).trim() === 'true';
  }

  /** Every file below a folder at a commit, relative to the root, sorted. */
  async listFiles(commit: string, folder: string): Promise<string[]> {
    const prefix = await this.prefix();
    const out = await this.run(['ls-tree', '-r', '-z', '--name-only', '--full-name', commit, '--', folder]);
    return out
      .split('\0')
      .filter((f) => f.length > 0 && f.startsWith(prefix))
      .map((f) => f.slice(prefix.length))
      .sort();
  }

  /**
   * The text of files at commits, read in one `git cat-file --batch`: each request is a commit and a
   * path relative to the root; the answer maps `<commit>:<path>` to the text, or undefined when absent.
   */
  async readFiles(requests: readonly { readonly commit: string; readonly file: string }[]): Promise<Map<string, string | undefined>> {
    const result = new Map<string, string | undefined>();
    if (requests.length === 0) return result;
    const prefix = await this.prefix();
    const names = requests.map((r) => `${r.commit}:${prefix}${r.file}`);
    const out = await this.exec(['cat-file', '--batch'], `${names.join('\n')}\n`);
    let at = 0;
    requests.forEach((request, i) => {
      const headerEnd = out.indexOf(0x0a, at);
      const header = out.subarray(at, headerEnd).toString('utf8');
      at = headerEnd + 1;
      const key = `${request.commit}:${request.file}`;
      if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
        result.set(key, undefined);
        return;
      }
      const [, type, size] = header.split(' ');
      if (type !== 'blob') throw new Error(`${names[i]} is a ${type}, not a file`);
      const length = Number(size);
      result.set(key, out.subarray(at, at + length).toString('utf8'));
      at += length + 1;
    });
    return result;
  }

  private exec(args: readonly string[], input?: string): Promise<Buffer> {
    return runGit(this.root, args, input !== undefined ? { input } : {});
  }
}
