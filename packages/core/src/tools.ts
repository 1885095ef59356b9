import { accessSync, constants } from 'node:fs';
import * as path from 'node:path';

/** The command-line tools the platform relies on; pinned in tools.json at the repository root. */
export type ToolName = 'sops' | 'age' | 'age-keygen' | 'kubeconform' | 'helm' | 'kustomize';

/**
 * Finds a tool in the project-local `.tools/bin` (installed by `npm run setup`), then on PATH.
 * @throws Error that says which tool is missing and how to install it
 */
export function findTool(name: ToolName, root: string): string {
  const candidates = [
    path.join(root, '.tools', 'bin', name),
    ...(process.env.PATH ?? '')
      .split(path.delimiter)
      .filter(Boolean)
      .map((dir) => path.join(dir, name)),
  ];
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next place
    }
  }
  throw new Error(`${name} not found in .tools/bin or on PATH; run \`npm run setup\` (builds the versions pinned in tools.json with go install)`);
}
