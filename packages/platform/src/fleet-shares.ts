import { type Fleet, serviceClusterOf } from '@ck8s/core';
import { compositionOrder } from './compose-cluster.js';

/**
 * The selected clusters split into at most `count` shares of about equal size, for synthesis on
 * several threads. A service cluster stays with the selected workload clusters that report to it
 * while the group fits in a share: it reads their declarations as they were composed in the same
 * thread. A group too large for one share is spread over the shares, and its service cluster then
 * composes the workload clusters of the other threads again (in memory, nothing rendered).
 * Deterministic: the same fleet gives the same shares, each in composition order.
 */
export function fleetShares(fleet: Fleet, selected: readonly string[], count: number): string[][] {
  const groups = new Map<string, string[]>();
  for (const name of selected) {
    const cluster = fleet.clusters.get(name)!;
    const key = cluster.profile === 'service' ? name : serviceClusterOf(cluster, fleet).name;
    groups.set(key, [...(groups.get(key) ?? []), name]);
  }
  const shares: string[][] = Array.from({ length: Math.max(1, Math.min(count, selected.length)) }, () => []);
  const target = Math.ceil(selected.length / shares.length);
  const smallest = (): string[] => shares.reduce((min, share) => (share.length < min.length ? share : min));
  // largest groups first, each whole into the smallest share while it fits there, else cluster by cluster
  const ordered = [...groups.entries()].sort(([a, x], [b, y]) => y.length - x.length || (a < b ? -1 : a > b ? 1 : 0));
  for (const [, names] of ordered) {
    if (smallest().length + names.length <= target) smallest().push(...names);
    else for (const name of names) smallest().push(name);
  }
  return shares.filter((share) => share.length > 0).map((share) => compositionOrder(fleet, share));
}
