import { type ConfigProblem, ConfigError } from './config-error.js';
import type { ClusterConfig } from './cluster-config-schema.js';
import { loadClusterConfig } from './load-cluster-config.js';
import type { Workspace } from '../workspace.js';

/** Every cluster of the repository, validated together. */
export interface Fleet {
  readonly clusters: ReadonlyMap<string, ClusterConfig>;
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
      problems.push({ file, path: 'serviceCluster', message: `"${config.serviceCluster}" is not a cluster of this repository (clusters: ${names.join(', ')})` });
    } else if (service.profile !== 'service') {
      problems.push({ file, path: 'serviceCluster', message: `"${config.serviceCluster}" has profile "${service.profile}", expected a service cluster` });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { clusters };
}
