import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClusterConfigSchema, loadFleet, Workspace } from '@ck8s/core';
import { parse } from 'yaml';
import { loadManifests, type ManifestDocument } from '@ck8s/policy';
import { migrationTarget, type MigrationTarget } from '../src/index.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const SHOP = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'aks-shop');

/** The shop's manifests, files named relative to the repository (as the CLI names them relative to its cwd). */
export function shopDocuments(): ManifestDocument[] {
  return loadManifests([SHOP]).map((d) => ({ ...d, file: path.relative(REPO_ROOT, d.file) }));
}

/** The example fleet's workload cluster, as `ck8s migrate scan --cluster demo-wc` targets it. */
export function demoTarget(options: { namespace?: string } = {}): MigrationTarget {
  const workspace = new Workspace(REPO_ROOT, {});
  const fleet = loadFleet(workspace);
  return migrationTarget(workspace, fleet, fleet.clusters.get('demo-wc')!, options);
}

/**
 * demo-wc after the tenant stub is pasted into its cluster.yaml: the target once the team's
 * tenant exists, which is where the migrated manifests are applied.
 */
export function demoTargetWithTenants(stub: string): MigrationTarget {
  const workspace = new Workspace(REPO_ROOT, {});
  const fleet = loadFleet(workspace);
  const raw = parse(readFileSync(path.join(REPO_ROOT, 'clusters/demo-wc/cluster.yaml'), 'utf8')) as Record<string, unknown>;
  const cluster = ClusterConfigSchema.parse({ ...raw, tenants: [...(raw['tenants'] as unknown[]), ...(parse(stub) as unknown[])] });
  const clusters = new Map(fleet.clusters);
  clusters.set('demo-wc', cluster);
  return migrationTarget(workspace, { ...fleet, clusters }, cluster);
}

/**
 * Every credential planted in the fixtures, as written and as the Secret's base64 holds it; the
 * word PLANTED marks them all, so no output may contain it either.
 */
export function plantedSecrets(): string[] {
  const text = ['orders-consumer.yaml', 'catalog-api.yaml', 'storefront.yaml'].map((f) => readFileSync(path.join(SHOP, f), 'utf8')).join('\n');
  const found = [...text.matchAll(/[A-Za-z0-9+/=_-]*PLANTED[A-Za-z0-9+/=_-]*/g)].map((m) => m[0]);
  const cosmos = Buffer.from('UExBTlRFRGNvc21vc1ByaW1hcnlLZXlaWFlYV1Z1dHNycXBvbm1sa2ppaGdmZWRjYmE9PQ==', 'base64').toString('utf8');
  return [...new Set([...found, cosmos, 'UExBTlRFRGNvc21vc1ByaW1hcnlLZXlaWFlYV1Z1dHNycXBvbm1sa2ppaGdmZWRjYmE9PQ==', 'PLANTED'])];
}
