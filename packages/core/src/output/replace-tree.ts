import { cpSync, existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { removeDeadScratch, scratchName } from './scratch.js';
import { swapDirectory } from './swap-directory.js';

export interface ReplaceTreeOptions {
  /** Top-level entries of the folder that are inputs and never written (e.g. `cluster.yaml`); they are carried over as they are. */
  readonly keep: readonly string[];
}

/**
 * Reads every generated file of a folder (all but the kept entries), keyed by relative path.
 * @throws Error naming the entry when one is a symbolic link or not a plain file: generated output
 * never holds one, and following it could read outside the repository (or block, for a FIFO)
 */
export function readTree(dir: string, options: ReplaceTreeOptions): Map<string, string> {
  const files = new Map<string, string>();
  if (!existsSync(dir)) return files;
  const walk = (relative: string): void => {
    for (const entry of readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      if (!relative && options.keep.includes(entry.name)) continue;
      if (entry.isDirectory()) walk(rel);
      else if (entry.isFile()) files.set(rel, readFileSync(path.join(dir, rel), 'utf8'));
      else {
        const what = entry.isSymbolicLink() ? 'a symbolic link' : 'not a regular file or folder';
        throw new Error(`${path.join(dir, rel)}: is ${what}; generated output holds plain files and folders only (remove it, then run ck8s synth)`);
      }
    }
  };
  walk('');
  return files;
}

/** Whether a folder's generated files equal the given tree byte for byte. */
export function treeEquals(dir: string, files: ReadonlyMap<string, string>, options: ReplaceTreeOptions): boolean {
  const current = readTree(dir, options);
  if (current.size !== files.size) return false;
  for (const [file, content] of files) if (current.get(file) !== content) return false;
  return true;
}

/**
 * Replaces the generated part of a folder with `files`, leaving the kept entries as they are.
 * The complete new folder (the files plus hard links to the kept entries) is written beside the
 * target under a scratch name, then swapped in by one atomic exchange (see {@link swapDirectory}):
 * git, Flux's paths and readers see the old or the new tree, and a crash at any point leaves one
 * of the two plus a gitignored `.ck8s-*` scratch folder that the next run removes. Callers that
 * may run concurrently hold the repository lock (see acquireRepositoryLock).
 * @returns false when the folder already held exactly these files (nothing is written)
 * @throws Error before anything is written when a path leaves the folder or names a kept entry
 */
export function replaceTree(dir: string, files: ReadonlyMap<string, string>, options: ReplaceTreeOptions): boolean {
  const staged = stageTree(dir, files, options);
  staged?.commit();
  return staged !== undefined;
}

/** A folder's new tree, written beside it under a scratch name and not yet swapped in. */
export interface StagedTree {
  /** The folder the tree replaces. */
  readonly dir: string;
  /** Where the tree is staged: a scratch folder beside `dir`. */
  readonly staging: string;
  /** Swaps the staged tree in, with the folder's kept entries (see replaceTree). */
  commit(): void;
  /** Removes the staged tree; the folder stays as it is. */
  discard(): void;
}

/**
 * The first half of replaceTree: writes the new tree beside the folder, so a caller replacing many
 * folders all or none needs none of their texts in memory until it swaps them in. Until commit or
 * discard, the staged tree is scratch of this process (a crash leaves it to the next run to remove).
 * @returns undefined when the folder already holds exactly these files (nothing is written)
 * @throws Error before anything is written when a path leaves the folder or names a kept entry
 */
export function stageTree(dir: string, files: ReadonlyMap<string, string>, options: ReplaceTreeOptions): StagedTree | undefined {
  for (const file of files.keys()) {
    if (file.split('/').some((part) => part === '..' || part === '' || part === '.') || path.isAbsolute(file))
      throw new Error(`refusing to write outside the output folder: ${file}`);
    if (options.keep.includes(file.split('/')[0]!)) throw new Error(`refusing to overwrite input ${file}`);
  }
  const parent = path.dirname(path.resolve(dir));
  mkdirSync(parent, { recursive: true });
  removeDeadScratch(parent);
  if (existsSync(dir) && treeEquals(dir, files, options)) return undefined;

  const staged = stagedTree(dir, path.join(parent, scratchName(path.basename(dir))), options);
  try {
    mkdirSync(staged.staging);
    for (const [file, content] of files) {
      const target = path.join(staged.staging, file);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
  } catch (e) {
    staged.discard();
    throw e;
  }
  return staged;
}

/**
 * The handle of a tree staged by stageTree, from its two paths: a worker thread stages a tree and
 * passes the paths on, and the thread holding the other folders swaps it in with them.
 */
export function stagedTree(dir: string, staging: string, options: ReplaceTreeOptions): StagedTree {
  const discard = (): void => rmSync(staging, { recursive: true, force: true });
  return {
    dir,
    staging,
    commit: () => {
      try {
        // the kept inputs are linked at the swap, not when staged: an edit saved meanwhile is in the new tree
        const kept = options.keep.filter((entry) => existsSync(path.join(dir, entry)));
        for (const entry of kept) carryOver(path.join(dir, entry), path.join(staging, entry));
        swapDirectory(staging, dir, { beforeRemove: (old) => keepLatest(old, dir, kept) });
      } catch (e) {
        discard();
        throw e;
      }
    },
    discard,
  };
}

/**
 * Puts a kept input into the new folder. A file is hard-linked (same inode), so an edit saved in
 * place before the swap is in both trees; a folder is copied. If an editor replaced the file
 * (new inode) while the new tree was staged, the swap would lose that edit, so {@link keepLatest}
 * checks after the swap.
 */
function carryOver(from: string, to: string): void {
  if (lstatSync(from).isDirectory()) {
    cpSync(from, to, { recursive: true, verbatimSymlinks: true });
    return;
  }
  try {
    linkSync(from, to);
  } catch {
    // a filesystem without hard links: a copy, with keepLatest's check still applying
    cpSync(from, to);
  }
}

/**
 * After a swap, moves a kept file from the old tree (now at `old`) into the new one when it is not
 * the inode that was linked, i.e. it was replaced by an editor while the new tree was staged.
 */
function keepLatest(oldDir: string, newDir: string, keep: readonly string[]): void {
  for (const entry of keep) {
    const before = path.join(oldDir, entry);
    const after = path.join(newDir, entry);
    try {
      if (statSync(before).ino !== statSync(after).ino && readFileSync(before).compare(readFileSync(after)) !== 0) renameSync(before, after);
    } catch {
      // not there on one side: nothing was replaced
    }
  }
}

/** Size of a folder's generated files in bytes (for summaries). */
export function treeSize(files: ReadonlyMap<string, string>): number {
  let total = 0;
  for (const content of files.values()) total += Buffer.byteLength(content);
  return total;
}
