import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChartCatalog } from '@ck8s/core';
import { App } from 'cdk8s';
import { describe, expect, it, vi } from 'vitest';
import { clusterConfig, fleetOf } from '../../../test-support/cluster-config.js';
import { ClusterProfile, composeCluster, compositionOrder } from '../src/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const catalog = ChartCatalog.load(path.join(repoRoot, 'charts', 'catalog.yaml'));

const sc = clusterConfig({
  name: 'sc',
  profile: 'service',
  domain: 'sc.example.com',
  gitops: { repository: 'ssh://git@git.example.com/platform/fleet.git', branch: 'main' },
  observability: { receivers: [{ name: 'ops', type: 'webhook', secret: 'alert-webhook' }] },
  identity: { connectors: [{ type: 'oidc', id: 'corp', name: 'Corporate', secret: 'dex-corp', issuer: 'https://login.example.com' }] },
  registry: { storage: { endpoint: 'https://s3.example.com', bucket: 'registry' } },
});
const wc1 = clusterConfig({ name: 'wc1', profile: 'workload', domain: 'wc1.example.com', serviceCluster: 'sc', tenants: [{ name: 'team-a' }] });
const wc2 = clusterConfig({ name: 'wc2', profile: 'workload', domain: 'wc2.example.com', serviceCluster: 'sc' });

describe('composeCluster', () => {
  it("gives a service cluster its workload clusters' alert groups as they were composed, without composing them again", () => {
    const fleet = fleetOf(sc, wc1, wc2);
    // every composition ends by connecting its components, once
    const connect = vi.spyOn(ClusterProfile.prototype as unknown as { connect: () => void }, 'connect');
    try {
      const composed = [wc1, wc2].flatMap((w) => composeCluster(new App(), { cluster: w, fleet, catalog }).components.flatMap((c) => c.alertGroups));
      const reporting = composeCluster(new App(), { cluster: sc, fleet, catalog }).reportingAlertGroups();
      expect(composed.length).toBeGreaterThan(0);
      expect(reporting).toEqual(composed);
      expect(connect).toHaveBeenCalledTimes(3);
    } finally {
      connect.mockRestore();
    }
  });

  it('composes the workload clusters on demand when the service cluster comes first, with the same alert groups', () => {
    const recorded = fleetOf(sc, wc1, wc2);
    for (const w of [wc1, wc2]) composeCluster(new App(), { cluster: w, fleet: recorded, catalog });
    const fromRecord = composeCluster(new App(), { cluster: sc, fleet: recorded, catalog }).reportingAlertGroups();
    const onDemand = composeCluster(new App(), { cluster: sc, fleet: fleetOf(sc, wc1, wc2), catalog }).reportingAlertGroups();
    expect(onDemand.map((g) => g.name)).toEqual(fromRecord.map((g) => g.name));
    expect(onDemand).toEqual(fromRecord);
  });

  it('orders workload clusters before the others, each group as given', () => {
    const fleet = fleetOf(sc, wc1, wc2);
    expect(compositionOrder(fleet, ['sc', 'wc2', 'wc1'])).toEqual(['wc2', 'wc1', 'sc']);
    expect(compositionOrder(fleet, ['wc1'])).toEqual(['wc1']);
  });
});
