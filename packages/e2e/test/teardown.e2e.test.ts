// Teardown when things go wrong: a component that fails to start is named with its log, and
// nothing that was started outlives the failed start().
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LocalCluster, groupAlive, liveProcesses, processAlive } from '../src/index.js';

describe('a cluster that fails to start', () => {
  it('names the failing component with the tail of its log and stops what it had started', async () => {
    // an invalid service range makes kube-apiserver exit at once, after etcd is up
    const cluster = new LocalCluster({ serviceClusterIpRange: 'not-a-range', flux: false, git: false });
    const error = await cluster.start().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/^kube-apiserver \(.*\): exited with code \d+ while starting/);
    expect(error?.message).toContain('service-cluster-ip-range[0] is not a valid cidr');
    const pids = cluster.pids();
    expect(pids).toHaveLength(2); // etcd and kube-apiserver
    for (const pid of pids) {
      expect(processAlive(pid)).toBe(false);
      expect(groupAlive(pid)).toBe(false);
    }
    expect(liveProcesses()).toEqual([]);
    expect(existsSync(cluster.dataDir)).toBe(false);
    // stopping again is harmless and reports the same
    expect((await cluster.stop()).leftovers).toEqual([]);
  });

  it('can be stopped before it was started', async () => {
    const cluster = new LocalCluster();
    expect(await cluster.stop()).toMatchObject({ pids: [], leftovers: [], exits: {} });
    expect(existsSync(cluster.dataDir)).toBe(false);
  });
});
