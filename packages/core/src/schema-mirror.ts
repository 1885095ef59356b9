import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

/** The core OpenAPI definitions of one minor release in a schema mirror: `kubernetes/v1.33.0/_definitions.json`. */
export function schemaMirrorDefinitionsFile(mirror: string, major: number, minor: number): string {
  return path.join(mirror, 'kubernetes', `v${major}.${minor}.0`, '_definitions.json');
}

/** Minor releases a schema mirror has core definitions for, oldest first (`1.32`, `1.33`). */
export function schemaMirrorReleases(mirror: string): string[] {
  const dir = path.join(mirror, 'kubernetes');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((entry) => /^v(\d+)\.(\d+)\.0$/.exec(entry))
    .filter((m): m is RegExpExecArray => m !== null && existsSync(schemaMirrorDefinitionsFile(mirror, Number(m[1]), Number(m[2]))))
    .map((m) => [Number(m[1]), Number(m[2])] as const)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .map(([major, minor]) => `${major}.${minor}`);
}
