import * as path from 'node:path';
import { ChartCatalog, type Fleet, loadFleet, selectClusterNames, Workspace } from '@ck8s/core/base';

/** What every operation on the repository needs, loaded and validated once. */
export interface FleetContext {
  readonly workspace: Workspace;
  readonly fleet: Fleet;
  readonly catalog: ChartCatalog;
}

/** The repository at `root` (relative to `cwd`), or the nearest one above `cwd`. */
export function openWorkspace(cwd: string, root?: string): Workspace {
  return root ? new Workspace(path.resolve(cwd, root)) : Workspace.find(cwd);
}

/**
 * Loads the workspace, every cluster.yaml and the chart catalog.
 * @throws ConfigError with every problem of every file
 */
export function loadFleetContext(cwd: string, root?: string): FleetContext {
  const workspace = openWorkspace(cwd, root);
  return { workspace, fleet: loadFleet(workspace), catalog: ChartCatalog.load(workspace.catalogFile, workspace.relative(workspace.catalogFile)) };
}

/**
 * The clusters an operation works on: the named ones (each must exist) or all.
 * @throws Error naming the unknown clusters and the known ones
 */
export function selectClusters(context: Pick<FleetContext, 'fleet'>, names: readonly string[]): string[] {
  return selectClusterNames([...context.fleet.clusters.keys()], names);
}
