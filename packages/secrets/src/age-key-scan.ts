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
 * Finds age private keys in the repository's files, naming file and line, never the key. In a git
 * work tree it reads what git could commit (tracked files, and untracked ones that are not
 * ignored) plus every file under clusters/ and secrets/ and every `.ck8s-*` scratch file at the
 * root, ignored or not (backups such as `clusters/*.bak`, scratch of a killed run); elsewhere it
 * walks the repository, leaving out dependencies, tool binaries and caches. Symbolic links are not
 * followed.
 */
export async function findAgePrivateKeys(workspace: RepositoryLayout): Promise<ConfigProblem[]> {
  const problems: ConfigProblem[] = [];
  for (const file of await candidateFiles(workspace.root)) {
    const absolute = path.join(workspace.root, file);
    let content: Buffer;
    try {
      if (!lstatSync(absolute).isFile()) continue;
      content = readFileSync(absolute);
    } catch {
      continue; // deleted since git listed it
    }
    if (!MARKERS.some((m) => content.includes(m))) continue;
    const text = content.toString('latin1');
    const lines = new Set<number>();
    for (const match of text.matchAll(AGE_PRIVATE_KEY)) lines.add(lineOf(text, match.index));
    for (const line of lines) {
      problems.push({
        file,
        path: `line ${line}`,
        message:
          'holds an age private key (AGE-SECRET-KEY-...); private keys never belong in the repository: delete it from the file ' +
          '(and from git history if it was committed), keep it in your secret manager, and if it was ever pushed, rotate it: ' +
          '`ck8s secrets init <cluster>` for a new key, then re-encrypt the Secrets (`sops updatekeys`) and drop the old recipient',
      });
    }
  }
  return problems;
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * Files that may hold a key, relative to the repository root, sorted: in a git work tree those in
 * which `git grep` finds the marker among what git could commit (git reads the files,
 * multi-threaded, instead of this process reading every file of the repository), plus every file
 * under clusters/ and secrets/ and the `.ck8s-*` scratch files at the root, ignored or not, which
 * are few and small and read here; elsewhere every file, checked here.
 */
async function candidateFiles(root: string): Promise<string[]> {
  const listed = await gitGrepFiles(root);
  if (listed === undefined) return [...new Set(walk(root))].sort();
  const scratch = readdirSync(root, { withFileTypes: true }).filter((e) => e.isFile() && e.name.startsWith('.ck8s-'));
  return [...new Set([...listed, ...walk(root, 'clusters', NOTHING_SKIPPED), ...walk(root, 'secrets', NOTHING_SKIPPED), ...scratch.map((e) => e.name)])].sort();
}

async function gitGrepFiles(root: string): Promise<string[] | undefined> {
  try {
    // -a: binary files too; -i -F: the marker in any case, as a plain string; exit status 1 is "no match"
    const args = ['grep', '-z', '-l', '-a', '-i', '-F', '-e', 'AGE-SECRET-KEY-', '--untracked'];
    return (await gitText(root, args, { successExitCodes: [0, 1] })).split('\0').filter(Boolean);
  } catch {
    return undefined; // not a git work tree, or no git: every file is read instead
  }
}

const NOTHING_SKIPPED: ReadonlySet<string> = new Set();

/** Files below a folder of the repository (default: all of it), by default without dependencies, tool binaries, caches and git's own. */
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
