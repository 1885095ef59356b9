import type { App } from 'cdk8s';
import { ClusterProfile, type ClusterProfileProps, type Profile } from './cluster-profile.js';
import { SERVICE_CLUSTER } from './service-cluster.js';
import { WORKLOAD_CLUSTER } from './workload-cluster.js';

/** The profile of each kind of cluster (cluster.yaml's `profile`). */
export const PROFILES: Readonly<Record<'service' | 'workload', Profile>> = { service: SERVICE_CLUSTER, workload: WORKLOAD_CLUSTER };

/** A cluster composed by its profile: every component it gets, connected. */
export function composeCluster(app: App, props: Omit<ClusterProfileProps, 'profile'> & { readonly profile?: Profile }): ClusterProfile {
  return new ClusterProfile(app, props.cluster.name, { ...props, profile: props.profile ?? PROFILES[props.cluster.profile] });
}
