import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type ConfigProblem, gitText, type RepositoryLayout } from '@ck8s/core/base';

/**
 * An age private key: `AGE-SECRET-KEY-1` (or the post-quantum `AGE-SECRET-KEY-PQ-1`) and its
 * bech32 data. Bech32 is read in either case, so a lower-cased key is a key too. The full length
 * is required, so documentation that mentions `AGE-SECRET-KEY-1...` is not flagged.
 */
const AGE_PRIVATE_KEY = /AGE-SECRET-KEY-(PQ-)?1[02-9ac-hj-np-z]{58,}/gi;
const MARKERS = [Buffer.from('AGE-SECRET-KEY-'), Buffer.from('age-secret-key-')];

/** Folders never searched when the repository is not a git work tree: dependencies, tool binaries, caches, git's own. */
const SKIPPED_FOLDERS = new Set(['.git', 'node_modules', '.tools', '.ck8s', '.nx']);

/**
 * A search for age private keys in the repository's files, naming file and line, never the key. In
 * a git work tree it covers what git could commit (tracked files, and untracked ones that are not
 * ignored) plus every file under clusters/ and secrets/ and every `.ck8s-*` scratch file at the
 * root, ignored or not (backups such as `clusters/*.bak`, scratch of a killed run); elsewhere it
 * walks the repository, leaving out dependencies, tool binaries and caches. Symbolic links are not
 * followed.
 *
 * Starting it asks git at once, for everything outside clusters/ and secrets/; the files of those
 * two folders come from {@link AgeKeyScan.scan}, so a caller that reads them anyway (the secrets
 * check) reads them once. {@link findAgePrivateKeys} reads them itself.
 */
export class AgeKeyScan {
  readonly #workspace: RepositoryLayout;
  readonly #folders: readonly string[];
  readonly #outside: Promise<string[]>;
  readonly #problems: ConfigProblem[] = [];

  /** Asks git now: a fork of a process that has not yet read the repository is cheaper, and git runs while the caller reads. */
  constructor(workspace: RepositoryLayout) {
    this.#workspace = workspace;
    this.#folders = [workspace.clustersDir, workspace.secretsDir].map((dir) => workspace.relative(dir));
    this.#outside = filesOutside(workspace.root, this.#folders);
    // problems() awaits it and throws its error; a caller that fails before then must not crash the process
    this.#outside.catch(() => undefined);
  }

  /**
   * Scans one regular file of clusters/ or secrets/ (a symbolic link is not followed, so it is not
   * given here); every such file must be given before {@link problems}.
   * @param file relative to the repository root, `/`-separated
   */
  scan(file: string, content: Buffer): void {
    this.#problems.push(...keyProblems(file, content));
  }

  /** The problems of every file: those given to scan and those outside clusters/ and secrets/, sorted by file. */
  async problems(): Promise<ConfigProblem[]> {
    for (const file of await this.#outside) {
      const absolute = path.join(this.#workspace.root, file);
      let content: Buffer;
      try {
        if (!lstatSync(absolute).isFile()) continue;
        content = readFileSync(absolute);
      } catch {
        continue; // deleted since git listed it
      }
      this.#problems.push(...keyProblems(file, content));
    }
    return [...this.#problems].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  }
}

/** Finds age private keys in the repository's files (see {@link AgeKeyScan}), reading clusters/ and secrets/ itself. */
export async function findAgePrivateKeys(workspace: RepositoryLayout): Promise<ConfigProblem[]> {
  const scan = new AgeKeyScan(workspace);
  for (const dir of [workspace.clustersDir, workspace.secretsDir]) {
    for (const file of walk(workspace.root, workspace.relative(dir), NOTHING_SKIPPED)) scan.scan(file, readFileSync(path.join(workspace.root, file)));
  }
  return scan.problems();
}

function keyProblems(file: string, content: Buffer): ConfigProblem[] {
  if (!MARKERS.some((m) => content.includes(m))) return [];
  const text = content.toString('latin1');
  const lines = new Set<number>();
  for (const match of text.matchAll(AGE_PRIVATE_KEY)) lines.add(lineOf(text, match.index));
  return [...lines].map((line) => ({
    file,
    path: `line ${line}`,
    message:
      'holds an age private key (AGE-SECRET-KEY-...); private keys never belong in the repository: delete it from the file ' +
      '(and from git history if it was committed), keep it in your secret manager, and if it was ever pushed, rotate it: ' +
      '`ck8s secrets init <cluster>` for a new key, then re-encrypt the Secrets (`sops updatekeys`) and drop the old recipient',
  }));
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * Files outside the given folders that may hold a key, relative to the repository root, sorted: in
 * a git work tree those in which `git grep` finds the marker among what git could commit (git reads
 * the files, multi-threaded, instead of this process reading every file of the repository), plus
 * the `.ck8s-*` scratch files at the root, ignored or not, which are few and small and read here;
 * elsewhere every file, checked here.
 */
async function filesOutside(root: string, folders: readonly string[]): Promise<string[]> {
  const inside = (file: string): boolean => folders.some((f) => file === f || file.startsWith(`${f}/`));
  const listed = await gitGrepFiles(root, folders);
  if (listed === undefined) return walk(root).filter((file) => !inside(file)).sort();
  const scratch = readdirSync(root, { withFileTypes: true }).filter((e) => e.isFile() && e.name.startsWith('.ck8s-'));
  return [...new Set([...listed.filter((file) => !inside(file)), ...scratch.map((e) => e.name)])].sort();
}

function gitGrepFiles(root: string, excluded: readonly string[]): Promise<string[] | undefined> {
  // -a: binary files too; -i -F: the marker in any case, as a plain string; exit status 1 is "no match"
  const args = ['grep', '-z', '-l', '-a', '-i', '-F', '-e', 'AGE-SECRET-KEY-', '--untracked', '--', '.'];
  // folders outside the repository (`..`) cannot be pathspecs, and git would not search them anyway
  for (const folder of excluded) if (folder !== '' && !folder.startsWith('..')) args.push(`:(exclude,literal)${folder}`);
  return gitText(root, args, { successExitCodes: [0, 1] }).then(
    (out) => out.split('\0').filter(Boolean),
    () => undefined, // not a git work tree, or no git: every file is read instead
  );
}

const NOTHING_SKIPPED: ReadonlySet<string> = new Set();

/** Regular files below a folder of the repository (default: all of it), by default without dependencies, tool binaries, caches and git's own. */
function walk(root: string, from = '', skipped: ReadonlySet<string> = SKIPPED_FOLDERS): string[] {
  const files: string[] = [];
  const visit = (rel: string): void => {
    let entries;
    try {
      entries = readdirSync(path.join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const file = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!skipped.has(entry.name)) visit(file);
      } else if (entry.isFile()) files.push(file);
    }
  };
  visit(from);
  return files;
}
