import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { renderSopsConfig } from '@ck8s/secrets';
import type { RepoContext } from '../context.js';

/** `.sops.yaml` as the cluster configs say it should be. */
export function expectedSopsConfig(context: RepoContext): string {
  return renderSopsConfig(new Map([...context.fleet.clusters].map(([name, c]) => [name, c.sops.ageRecipients])));
}

/** Rewrites `.sops.yaml` from the cluster configs when it differs; returns whether it changed. */
export function writeSopsConfig(context: RepoContext): boolean {
  const file = context.workspace.sopsConfigFile;
  const expected = expectedSopsConfig(context);
  if (existsSync(file) && readFileSync(file, 'utf8') === expected) return false;
  writeFileSync(`${file}.tmp`, expected);
  renameSync(`${file}.tmp`, file);
  return true;
}
