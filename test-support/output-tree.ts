// Shared by the core and cli tests of the output writer: what a cluster folder holds after a
// (possibly killed) run, and which scratch entries a run left in a repository.
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** Every file of a cluster folder but cluster.yaml and `.ck8s-*` scratch, with its content; empty when the folder is gone. */
export function generatedFiles(clusterDir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (rel: string): void => {
    for (const entry of readdirSync(path.join(clusterDir, rel)).sort()) {
      const file = rel ? `${rel}/${entry}` : entry;
      if (file === 'cluster.yaml' || entry.startsWith('.ck8s-')) continue;
      if (lstatSync(path.join(clusterDir, file)).isDirectory()) walk(file);
      else files.set(file, readFileSync(path.join(clusterDir, file), 'utf8'));
    }
  };
  if (existsSync(clusterDir)) walk('');
  return files;
}

/** Paths of a repository named `.ck8s-*` (scratch, and the lock), leaving out git's folder and the linked tools and caches. */
export function scratchPaths(root: string): string[] {
  const found: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(path.join(root, rel))) {
      const file = rel ? `${rel}/${entry}` : entry;
      if (['.git', '.tools', '.ck8s'].includes(file)) continue;
      if (entry.startsWith('.ck8s-')) found.push(file);
      else if (lstatSync(path.join(root, file)).isDirectory()) walk(file);
    }
  };
  walk('');
  return found.sort();
}
