import type { ChartCatalog, ComponentAlertGroup, Fleet } from '@ck8s/core';
import { App } from 'cdk8s';
import { ClusterProfile, type ClusterProfileProps, type Profile } from './cluster-profile.js';
import { SERVICE_CLUSTER } from './service-cluster.js';
import { WORKLOAD_CLUSTER } from './workload-cluster.js';

/** The profile of each kind of cluster (cluster.yaml's `profile`). */
export const PROFILES: Readonly<Record<'service' | 'workload', Profile>> = { service: SERVICE_CLUSTER, workload: WORKLOAD_CLUSTER };

/** A cluster composed by its profile: every component it gets, connected. */
export function composeCluster(
  app: App,
  props: Omit<ClusterProfileProps, 'profile' | 'reportingAlertGroups'> & { readonly profile?: Profile },
): ClusterProfile {
  const composed = new ClusterProfile(app, props.cluster.name, {
    ...props,
    profile: props.profile ?? PROFILES[props.cluster.profile],
    reportingAlertGroups: () => reportingAlertGroups(props),
  });
  if (props.profile === undefined && props.cluster.profile === 'workload') {
    composedAlertGroups(props).set(props.cluster.name, alertGroupsOf(composed));
  }
  return composed;
}

/**
 * Workload clusters first, each group in the given order: composing a workload cluster records its
 * alert groups, which its service cluster then reads instead of composing it a second time.
 */
export function compositionOrder(fleet: Fleet, names: readonly string[]): string[] {
  const workload = (name: string) => fleet.clusters.get(name)?.profile === 'workload';
  return [...names.filter(workload), ...names.filter((name) => !workload(name))];
}

// The alert groups of the workload clusters composed so far, per fleet and catalog (they depend on
// nothing else): data only, so a large fleet keeps no construct tree alive for them.
const alertGroupsByFleet = new WeakMap<Fleet, WeakMap<ChartCatalog, Map<string, readonly ComponentAlertGroup[]>>>();

function composedAlertGroups(props: { readonly fleet: Fleet; readonly catalog: ChartCatalog }): Map<string, readonly ComponentAlertGroup[]> {
  let byCatalog = alertGroupsByFleet.get(props.fleet);
  if (!byCatalog) alertGroupsByFleet.set(props.fleet, (byCatalog = new WeakMap()));
  let groups = byCatalog.get(props.catalog);
  if (!groups) byCatalog.set(props.catalog, (groups = new Map()));
  return groups;
}

function alertGroupsOf(composed: ClusterProfile): readonly ComponentAlertGroup[] {
  return composed.components.flatMap((c) => c.alertGroups);
}

/**
 * The alert groups the components of a service cluster's workload clusters declare (the service
 * cluster evaluates them): as recorded when each was composed, or composed apart now (in memory,
 * nothing rendered).
 */
function reportingAlertGroups(props: Omit<ClusterProfileProps, 'profile' | 'reportingAlertGroups'>): ComponentAlertGroup[] {
  if (props.cluster.profile !== 'service') return [];
  const composed = composedAlertGroups(props);
  return [...props.fleet.clusters.values()]
    .filter((w) => w.profile === 'workload' && w.serviceCluster === props.cluster.name)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((w) => composed.get(w.name) ?? alertGroupsOf(composeCluster(new App(), { cluster: w, fleet: props.fleet, catalog: props.catalog })));
}
