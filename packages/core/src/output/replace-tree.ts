import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const STAGING_PREFIX = '.ck8s-staging-';
const PREVIOUS_PREFIX = '.ck8s-previous-';

export interface ReplaceTreeOptions {
  /** Top-level entries of the folder that are inputs and never moved or written (e.g. `cluster.yaml`). */
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
      if (!relative && (options.keep.includes(entry.name) || isScratch(entry.name))) continue;
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

function isScratch(name: string): boolean {
  return name.startsWith(STAGING_PREFIX) || name.startsWith(PREVIOUS_PREFIX);
}

/** Whether a folder's generated files equal the given tree byte for byte. */
export function treeEquals(dir: string, files: ReadonlyMap<string, string>, options: ReplaceTreeOptions): boolean {
  const current = readTree(dir, options);
  if (current.size !== files.size) return false;
  for (const [file, content] of files) if (current.get(file) !== content) return false;
  return true;
}

/**
 * Replaces the generated part of a folder with `files`, leaving the kept entries untouched.
 * The new tree is written completely into a staging folder next to the target first, then
 * swapped in by renames on the same filesystem; if a rename fails the previous tree is put
 * back. A crash leaves only `.ck8s-*` scratch folders, which the next run removes.
 * @returns false when the folder already held exactly these files (nothing is written)
 */
export function replaceTree(dir: string, files: ReadonlyMap<string, string>, options: ReplaceTreeOptions): boolean {
  mkdirSync(dir, { recursive: true });
  for (const entry of readdirSync(dir)) if (isScratch(entry)) rmSync(path.join(dir, entry), { recursive: true, force: true });
  if (treeEquals(dir, files, options)) return false;

  const staging = mkdtempSync(path.join(dir, STAGING_PREFIX));
  const previous = mkdtempSync(path.join(dir, PREVIOUS_PREFIX));
  try {
    for (const [file, content] of files) {
      if (file.split('/').some((part) => part === '..' || part === '') || path.isAbsolute(file)) throw new Error(`refusing to write outside the output folder: ${file}`);
      if (options.keep.includes(file.split('/')[0]!)) throw new Error(`refusing to overwrite input ${file}`);
      const target = path.join(staging, file);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
    const old = readdirSync(dir).filter((e) => !options.keep.includes(e) && !isScratch(e));
    const moved: string[] = [];
    const placed: string[] = [];
    try {
      for (const entry of old) {
        renameSync(path.join(dir, entry), path.join(previous, entry));
        moved.push(entry);
      }
      for (const entry of readdirSync(staging)) {
        renameSync(path.join(staging, entry), path.join(dir, entry));
        placed.push(entry);
      }
    } catch (e) {
      for (const entry of placed) rmSync(path.join(dir, entry), { recursive: true, force: true });
      for (const entry of moved) renameSync(path.join(previous, entry), path.join(dir, entry));
      throw e;
    }
    return true;
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(previous, { recursive: true, force: true });
  }
}

/** Size of a folder's generated files in bytes (for summaries). */
export function treeSize(files: ReadonlyMap<string, string>): number {
  let total = 0;
  for (const content of files.values()) total += Buffer.byteLength(content);
  return total;
}

