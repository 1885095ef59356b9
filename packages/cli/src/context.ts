import * as path from 'node:path';
import { ChartCatalog, type Fleet, loadFleet, Workspace } from '@ck8s/core/base';
import { UsageError } from './io.js';

/** What every command that reads the repository needs, loaded and validated once. */
export interface RepoContext {
  readonly workspace: Workspace;
  readonly fleet: Fleet;
  readonly catalog: ChartCatalog;
}

export function openWorkspace(cwd: string, root?: string): Workspace {
  return root ? new Workspace(path.resolve(cwd, root)) : Workspace.find(cwd);
}

/** Loads the workspace, every cluster.yaml and the chart catalog; throws ConfigError with all problems. */
export function loadContext(cwd: string, root?: string): RepoContext {
  const workspace = openWorkspace(cwd, root);
  const fleet = loadFleet(workspace);
  const catalog = ChartCatalog.load(workspace.catalogFile, workspace.relative(workspace.catalogFile));
  return { workspace, fleet, catalog };
}

/** The clusters a command works on: the named ones (each must exist) or all. */
export function selectClusters(context: RepoContext, names: readonly string[]): string[] {
  const all = [...context.fleet.clusters.keys()];
  if (names.length === 0) return all;
  const unknown = names.filter((n) => !context.fleet.clusters.has(n));
  if (unknown.length > 0) throw new UsageError(`unknown cluster ${unknown.map((n) => `"${n}"`).join(', ')}; clusters: ${all.join(', ') || 'none'}`);
  return [...new Set(names)];
}
