import { type ConfigProblem, ConfigError } from './config-error.js';
import type { ClusterConfig } from './cluster-config-schema.js';
import { loadClusterConfig } from './load-cluster-config.js';
import { tenantHostProblems } from './tenant-hosts.js';
import type { Workspace } from '../workspace.js';
import { postponementProblem } from '../maintenance-window.js';

/** Every cluster of the repository, validated together. */
export interface Fleet {
  readonly clusters: ReadonlyMap<string, ClusterConfig>;
}

/** The age recipients of every cluster of the fleet, by cluster name: who may decrypt its Secrets. */
export function fleetRecipients(fleet: Fleet): Map<string, readonly string[]> {
  return new Map([...fleet.clusters].map(([name, c]) => [name, c.sops.ageRecipients]));
}

/**
 * Loads every cluster.yaml of the workspace and checks references between clusters.
 * All problems of all files are collected before anything is thrown.
 * @throws ConfigError listing every problem
 */
export function loadFleet(workspace: Workspace): Fleet {
  const problems: ConfigProblem[] = [];
  const clusters = new Map<string, ClusterConfig>();
  for (const name of workspace.clusterNames()) {
    const file = workspace.clusterConfigFile(name);
    try {
      clusters.set(name, loadClusterConfig(file, workspace.relative(file)));
    } catch (e) {
      if (e instanceof ConfigError) problems.push(...e.problems);
      else throw e;
    }
  }
  const names = workspace.clusterNames();
  for (const [name, config] of clusters) {
    // a service cluster whose own file is invalid is already reported above
    if (config.serviceCluster === undefined || (names.includes(config.serviceCluster) && !clusters.has(config.serviceCluster))) continue;
    const service = clusters.get(config.serviceCluster);
    const file = workspace.relative(workspace.clusterConfigFile(name));
    if (!service) {
      problems.push({
        file,
        path: 'serviceCluster',
        message: `"${config.serviceCluster}" is not a cluster of this repository (clusters: ${names.join(', ')})`,
      });
    } else if (service.profile !== 'service') {
      problems.push({
        file,
        path: 'serviceCluster',
        message: `"${config.serviceCluster}" has profile "${service.profile}", expected a service cluster`,
      });
    } else {
      problems.push(...serviceClusterProblems(config, service, file, workspace.relative(workspace.clusterConfigFile(service.name))));
    }
  }
  // a postponement is read against the fleet's window (ck8s.config.yaml)
  for (const [name, config] of clusters) {
    const until = config.maintenance.postponeMajorUntil;
    const message = until !== undefined ? postponementProblem(workspace.settings.maintenance, until) : undefined;
    if (message) problems.push({ file: workspace.relative(workspace.clusterConfigFile(name)), path: 'maintenance.postponeMajorUntil', message });
  }
  // across the fleet, since a platform host may live in another cluster (of the files that are valid)
  problems.push(...tenantHostProblems({ clusters }, (name) => workspace.relative(workspace.clusterConfigFile(name))));
  if (problems.length > 0) throw new ConfigError(problems);
  return { clusters };
}

/**
 * What a workload cluster expects of its service cluster: the same environment, and every
 * receiving end of what it ships (log store, metrics receiver and Alertmanager).
 */
function serviceClusterProblems(workload: ClusterConfig, service: ClusterConfig, file: string, serviceFile: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (workload.environment !== service.environment) {
    problems.push({
      file,
      path: 'environment',
      message: `"${workload.environment}" differs from "${service.environment}" of its service cluster ${service.name} (${serviceFile}); evidence must stay within one environment`,
    });
  }
  const needs = (enabled: boolean, path: string, what: string, serviceEnabled: boolean, servicePath: string): void => {
    if (enabled && !serviceEnabled)
      problems.push({ file, path, message: `needs ${what} in service cluster ${service.name}, but ${serviceFile} sets ${servicePath}: false` });
  };
  needs(workload.logging.enabled, 'logging.enabled', 'the log store', service.logging.enabled, 'logging.enabled');
  needs(workload.observability.enabled, 'observability.enabled', 'the metrics receiver', service.observability.enabled, 'observability.enabled');
  needs(workload.ids.enabled, 'ids.enabled', 'the log store for Falco events', service.logging.enabled, 'logging.enabled');
  needs(workload.ids.enabled, 'ids.enabled', 'Alertmanager for Falco alerts', service.observability.enabled, 'observability.enabled');
  return problems;
}
