import { appendFileSync, cpSync, mkdtempSync, readdirSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readTree } from '@ck8s/core';
import { afterAll, describe, expect, it } from 'vitest';
import { clusterConfig, fleetOf } from '../../../test-support/cluster-config.js';
import { fleetShares, loadFleetContext, runValidation, synthesizeClusters, synthesizeFleet } from '../src/index.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
const WORKER = new URL('./fixtures/synthesis-worker.mjs', import.meta.url);
const KEEP = { keep: ['cluster.yaml'] };
const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A copy of this repository's demo fleet: settings, catalog, clusters and secrets. */
function demoCopy(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'ck8s-platform-shares-'));
  roots.push(root);
  for (const entry of ['ck8s.config.yaml', 'charts', 'clusters', 'secrets', '.sops.yaml'])
    cpSync(path.join(REPO_ROOT, entry), path.join(root, entry), { recursive: true });
  return root;
}

describe('fleetShares', () => {
  const service = (name: string) =>
    clusterConfig({
      name,
      profile: 'service',
      domain: `${name}.example.com`,
      registry: { enabled: false },
      identity: { enabled: false },
      observability: { enabled: false },
    });
  const workload = (name: string, sc: string) => clusterConfig({ name, profile: 'workload', serviceCluster: sc, domain: `${name}.example.com` });

  it('keeps a service cluster with its workload clusters while the group fits a share, balanced and in composition order', () => {
    const fleet = fleetOf(
      service('sc-a'),
      service('sc-b'),
      workload('wc-a1', 'sc-a'),
      workload('wc-a2', 'sc-a'),
      workload('wc-b1', 'sc-b'),
      workload('wc-b2', 'sc-b'),
    );
    const names = [...fleet.clusters.keys()];
    expect(fleetShares(fleet, names, 2)).toEqual([
      ['wc-a1', 'wc-a2', 'sc-a'],
      ['wc-b1', 'wc-b2', 'sc-b'],
    ]);
    expect(fleetShares(fleet, names, 1)).toEqual([['wc-a1', 'wc-a2', 'wc-b1', 'wc-b2', 'sc-a', 'sc-b']]);
  });

  it('spreads a group too large for one share over all of them, and never makes an empty share', () => {
    const fleet = fleetOf(service('sc'), workload('wc-1', 'sc'), workload('wc-2', 'sc'), workload('wc-3', 'sc'));
    const shares = fleetShares(fleet, [...fleet.clusters.keys()], 2);
    expect(shares.map((s) => s.length)).toEqual([2, 2]);
    expect(shares.flat().sort()).toEqual(['sc', 'wc-1', 'wc-2', 'wc-3']);
    expect(fleetShares(fleet, ['wc-1'], 4)).toEqual([['wc-1']]);
  });
});

describe('synthesis on worker threads', () => {
  it('gives the drift check the same digests and exceptions as one thread', async () => {
    const context = loadFleetContext(REPO_ROOT, REPO_ROOT);
    const names = [...context.fleet.clusters.keys()];
    const one = await synthesizeClusters(context, names, 'digest');
    // two threads split the demo's one service cluster from its workload cluster: a worker synthesizes one of them
    const two = await synthesizeClusters(context, names, 'digest', { worker: WORKER, threads: 2 });
    expect(two).toEqual(one);
    expect(one.map((r) => [r.name, r.files > 50, r.problems])).toEqual(names.map((n) => [n, true, undefined]));
  });

  it('stages in the workers and swaps in every changed folder, to the same files', async () => {
    const root = demoCopy();
    const expected = Object.fromEntries(['demo-sc', 'demo-wc'].map((n) => [n, readTree(path.join(root, 'clusters', n), KEEP)]));
    for (const cluster of ['demo-sc', 'demo-wc']) unlinkSync(path.join(root, 'clusters', cluster, 'platform/kustomization.yaml'));
    const result = await synthesizeFleet(loadFleetContext(root, root), ['demo-sc', 'demo-wc'], { worker: WORKER, threads: 2 });
    expect(result.changed).toEqual(['demo-sc', 'demo-wc']);
    for (const cluster of ['demo-sc', 'demo-wc']) expect(readTree(path.join(root, 'clusters', cluster), KEEP)).toEqual(expected[cluster]);
    // no staging folder is left beside the clusters
    expect(readdirSync(path.join(root, 'clusters')).filter((n) => n.startsWith('.ck8s-'))).toEqual([]);
  });

  it("runs validate's drift check on a background thread to the same report", async () => {
    // beside the copy: the schema mirror its settings name (../shared) and the tools setup built
    const base = mkdtempSync(path.join(tmpdir(), 'ck8s-platform-validate-'));
    roots.push(base);
    const root = path.join(base, 'repo');
    cpSync(demoCopy(), root, { recursive: true });
    symlinkSync(path.resolve(REPO_ROOT, '../shared'), path.join(base, 'shared'));
    symlinkSync(path.join(REPO_ROOT, '.tools'), path.join(root, '.tools'));
    appendFileSync(path.join(root, 'clusters/demo-wc/platform/kustomization.yaml'), '# edited by hand\n');
    const names = ['demo-sc', 'demo-wc'];
    const here = await runValidation(loadFleetContext(root, root), names);
    const beside = await runValidation(loadFleetContext(root, root), names, { worker: WORKER, background: true });
    expect(here.problems.filter((p) => p.check === 'drift').map((p) => p.file)).toEqual(['clusters/demo-wc/platform/kustomization.yaml']);
    expect(beside).toEqual(here);
  });
});
