import { fleetRecipients } from '@ck8s/core';
import { renderSopsConfig, writeSopsConfig as writeSopsConfigFile } from '@ck8s/secrets';
import type { FleetContext } from './fleet-context.js';

/** `.sops.yaml` as the cluster configs say it should be. */
export function expectedSopsConfig(context: FleetContext): string {
  return renderSopsConfig(fleetRecipients(context.fleet));
}

/** Rewrites `.sops.yaml` from the cluster configs when it differs; returns whether it changed. */
export function writeSopsConfig(context: FleetContext): boolean {
  return writeSopsConfigFile(context.workspace, fleetRecipients(context.fleet));
}
