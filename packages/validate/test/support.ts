import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTool } from '@ck8s/core';

/** The repository root, found from this file so the suite runs from any checkout location. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The read-only schema mirror next to the repository. */
export const sharedSchemas = path.resolve(repoRoot, '../shared/schemas');

export const definitions133 = path.join(sharedSchemas, 'kubernetes', 'v1.33.0', '_definitions.json');

export const kubeconformBinary = (): string => findTool('kubeconform', repoRoot);

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `ck8s-validate-${prefix}-`));
}

/** The locations resolveSchemaLocations returns for a mirror, with the core schemas imported into `outDir`. */
export function mirrorLocations(outDir: string): string[] {
  return [
    path.join(outDir, '{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}', '{{ .ResourceKind }}{{ .KindSuffix }}.json'),
    path.join(sharedSchemas, 'crds', '{{ .Group }}', '{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json'),
  ];
}
