import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/main.js';

/** The repository this test runs in. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process in `cwd`. */
export async function ck8s(cwd: string, args: readonly string[], stdin = ''): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    cwd,
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    readStdin: async () => stdin,
  });
  return { code, stdout, stderr };
}

/**
 * Copies the repository's inputs and committed output (clusters, secrets, charts, settings) into
 * a temporary folder that works as a repository of its own: the schema mirror path is made
 * absolute, and the built tools and schema cache are shared through links.
 */
export function copyRepo(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ck8s-repo-'));
  for (const entry of ['clusters', 'secrets', 'charts', '.sops.yaml']) {
    if (existsSync(path.join(REPO_ROOT, entry))) cpSync(path.join(REPO_ROOT, entry), path.join(dir, entry), { recursive: true });
  }
  shareSettingsAndTools(dir);
  return dir;
}

/** Every file below a folder with its bytes, to prove a folder did not change. */
export function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (rel: string): void => {
    for (const entry of readdirSync(path.join(dir, rel))) {
      const file = path.join(rel, entry);
      const stat = lstatSync(path.join(dir, file));
      if (stat.isSymbolicLink()) continue; // the shared tools and caches are not the repository's
      if (stat.isDirectory()) walk(file);
      else files.set(file, readFileSync(path.join(dir, file), 'base64'));
    }
  };
  walk('');
  return files;
}

/** Paths whose content differs between two snapshots (added, removed or changed). */
export function changedFiles(before: Map<string, string>, after: Map<string, string>): string[] {
  const all = new Set([...before.keys(), ...after.keys()]);
  return [...all].filter((f) => before.get(f) !== after.get(f)).sort();
}

/**
 * A repository with no cluster yet: settings (schema mirror made absolute) and the chart catalog,
 * with the built tools and schema cache shared through links, as a new customer's fleet starts.
 */
export function emptyRepo(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ck8s-empty-'));
  mkdirSync(path.join(dir, 'charts'));
  cpSync(path.join(REPO_ROOT, 'charts/catalog.yaml'), path.join(dir, 'charts/catalog.yaml'));
  shareSettingsAndTools(dir);
  return dir;
}

/** The repository's settings with the schema mirror made absolute, and the built tools and schema cache linked. */
function shareSettingsAndTools(dir: string): void {
  const settings = readFileSync(path.join(REPO_ROOT, 'ck8s.config.yaml'), 'utf8').replace(
    /schemaMirror: (.*)/,
    (_, p: string) => `schemaMirror: ${path.resolve(REPO_ROOT, p)}`,
  );
  writeFileSync(path.join(dir, 'ck8s.config.yaml'), settings);
  symlinkSync(path.join(REPO_ROOT, '.tools'), path.join(dir, '.tools'));
  mkdirSync(path.join(REPO_ROOT, '.ck8s'), { recursive: true });
  symlinkSync(path.join(REPO_ROOT, '.ck8s'), path.join(dir, '.ck8s'));
}
