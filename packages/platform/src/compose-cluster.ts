import type { ChartCatalog, ComponentAlertGroup, ComponentDashboard, Fleet, OidcClient } from '@ck8s/core';
import { App } from 'cdk8s';
import { ClusterProfile, type ClusterProfileProps, type Profile } from './cluster-profile.js';
import { SERVICE_CLUSTER } from './service-cluster.js';
import { WORKLOAD_CLUSTER } from './workload-cluster.js';

/** The profile of each kind of cluster (cluster.yaml's `profile`). */
export const PROFILES: Readonly<Record<'service' | 'workload', Profile>> = { service: SERVICE_CLUSTER, workload: WORKLOAD_CLUSTER };

/** A cluster composed by its profile: every component it gets, connected. */
export function composeCluster(
  app: App,
  props: Omit<ClusterProfileProps, 'profile' | 'reportingAlertGroups' | 'reportingDashboards' | 'reportingOidcClients'> & {
    readonly profile?: Profile;
  },
): ClusterProfile {
  let reported: ReportingDeclarations[] | undefined;
  const reportingOnce = () => (reported ??= reporting(props));
  const composed = new ClusterProfile(app, props.cluster.name, {
    ...props,
    profile: props.profile ?? PROFILES[props.cluster.profile],
    reportingAlertGroups: () => reportingOnce().flatMap((r) => r.alertGroups),
    reportingDashboards: () => reportingOnce().flatMap((r) => r.dashboards),
    reportingOidcClients: () => reportingOnce().flatMap((r) => r.oidcClients),
  });
  if (props.profile === undefined && props.cluster.profile === 'workload') {
    composedDeclarations(props).set(props.cluster.name, declarationsOf(composed));
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

/** What a workload cluster's components declare for its service cluster: alerts it evaluates, dashboards its Grafana shows, OIDC clients its identity provider registers. */
interface ReportingDeclarations {
  readonly alertGroups: readonly ComponentAlertGroup[];
  readonly dashboards: readonly ComponentDashboard[];
  readonly oidcClients: readonly OidcClient[];
}

// The declarations of the workload clusters composed so far, per fleet and catalog (they depend on
// nothing else): data only, so a large fleet keeps no construct tree alive for them.
const declarationsByFleet = new WeakMap<Fleet, WeakMap<ChartCatalog, Map<string, ReportingDeclarations>>>();

function composedDeclarations(props: { readonly fleet: Fleet; readonly catalog: ChartCatalog }): Map<string, ReportingDeclarations> {
  let byCatalog = declarationsByFleet.get(props.fleet);
  if (!byCatalog) declarationsByFleet.set(props.fleet, (byCatalog = new WeakMap()));
  let groups = byCatalog.get(props.catalog);
  if (!groups) byCatalog.set(props.catalog, (groups = new Map()));
  return groups;
}

function declarationsOf(composed: ClusterProfile): ReportingDeclarations {
  const components = composed.components;
  return {
    alertGroups: components.flatMap((c) => c.alertGroups),
    dashboards: components.flatMap((c) => c.dashboards),
    oidcClients: components.flatMap((c) => c.oidcClients),
  };
}

/**
 * What the components of a service cluster's workload clusters declare for it (the alerts it
 * evaluates, the OIDC clients it registers): as recorded when each was composed, or composed apart
 * now (in memory, nothing rendered).
 */
function reporting(
  props: Omit<ClusterProfileProps, 'profile' | 'reportingAlertGroups' | 'reportingDashboards' | 'reportingOidcClients'>,
): ReportingDeclarations[] {
  if (props.cluster.profile !== 'service') return [];
  const composed = composedDeclarations(props);
  return [...props.fleet.clusters.values()]
    .filter((w) => w.profile === 'workload' && w.serviceCluster === props.cluster.name)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((w) => composed.get(w.name) ?? declarationsOf(composeCluster(new App(), { cluster: w, fleet: props.fleet, catalog: props.catalog })));
}
