import { renderSopsConfig, writeSopsConfig as writeSopsConfigFile } from '@ck8s/secrets';
import type { FleetContext } from './fleet-context.js';

function recipients(context: FleetContext): Map<string, readonly string[]> {
  return new Map([...context.fleet.clusters].map(([name, c]) => [name, c.sops.ageRecipients]));
}

/** `.sops.yaml` as the cluster configs say it should be. */
export function expectedSopsConfig(context: FleetContext): string {
  return renderSopsConfig(recipients(context));
}

/** Rewrites `.sops.yaml` from the cluster configs when it differs; returns whether it changed. */
export function writeSopsConfig(context: FleetContext): boolean {
  return writeSopsConfigFile(context.workspace, recipients(context));
}
