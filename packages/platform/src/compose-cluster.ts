import type { ComponentAlertGroup } from '@ck8s/core';
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
  return new ClusterProfile(app, props.cluster.name, {
    ...props,
    profile: props.profile ?? PROFILES[props.cluster.profile],
    reportingAlertGroups: () => reportingAlertGroups(props),
  });
}

/**
 * The alert groups the components of a service cluster's workload clusters declare, each cluster
 * composed apart (in memory, nothing rendered): the service cluster evaluates them.
 */
function reportingAlertGroups(props: Omit<ClusterProfileProps, 'profile' | 'reportingAlertGroups'>): ComponentAlertGroup[] {
  if (props.cluster.profile !== 'service') return [];
  return [...props.fleet.clusters.values()]
    .filter((w) => w.profile === 'workload' && w.serviceCluster === props.cluster.name)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((w) => composeCluster(new App(), { cluster: w, fleet: props.fleet, catalog: props.catalog }).components.flatMap((c) => c.alertGroups));
}
