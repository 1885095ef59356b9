import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

/** Marks the repository root and holds repository-wide settings. */
export const SETTINGS_FILE = 'ck8s.config.yaml';

/** cluster.yaml of a cluster, relative to the repository root: how messages name it. */
export function clusterConfigPath(cluster: string): string {
  return `clusters/${cluster}/${CLUSTER_CONFIG_FILE}`;
}

/** The input file of a cluster folder: everything else in it is generated. */
export const CLUSTER_CONFIG_FILE = 'cluster.yaml';

/** Entries of a cluster folder that are input: synth never writes, moves or removes them. */
export const CLUSTER_INPUTS: readonly string[] = [CLUSTER_CONFIG_FILE];

/**
 * Where things live in the repository, without its settings: what commands that only read the
 * repository's files need (`ck8s secrets check`), so they load no settings schema. Workspace adds the settings.
 */
export class RepositoryLayout {
  /** Finds the repository root by walking up from `start` to the folder holding ck8s.config.yaml. */
  static find(start: string = process.cwd()): RepositoryLayout {
    let dir = path.resolve(start);
    for (;;) {
      if (existsSync(path.join(dir, SETTINGS_FILE))) return new RepositoryLayout(dir);
      const parent = path.dirname(dir);
      if (parent === dir)
        throw new Error(`no ${SETTINGS_FILE} found in ${start} or any parent folder; run ck8s inside the platform repository or pass --root`);
      dir = parent;
    }
  }

  constructor(public readonly root: string) {}

  get clustersDir(): string {
    return path.join(this.root, 'clusters');
  }

  get secretsDir(): string {
    return path.join(this.root, 'secrets');
  }

  get catalogFile(): string {
    return path.join(this.root, 'charts', 'catalog.yaml');
  }

  get sopsConfigFile(): string {
    return path.join(this.root, '.sops.yaml');
  }

  clusterDir(name: string): string {
    return path.join(this.clustersDir, name);
  }

  clusterConfigFile(name: string): string {
    return path.join(this.clusterDir(name), 'cluster.yaml');
  }

  /** Path relative to the root with forward slashes, for messages and generated files. */
  relative(file: string): string {
    return path.relative(this.root, file).split(path.sep).join('/');
  }

  /**
   * Names of all clusters (folders under clusters/ with a cluster.yaml), sorted. Hidden folders are
   * not clusters: they include the `.ck8s-*` scratch copy of a cluster folder a killed synth left.
   */
  clusterNames(): string[] {
    if (!existsSync(this.clustersDir)) return [];
    return readdirSync(this.clustersDir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.') && existsSync(path.join(this.clustersDir, e.name, 'cluster.yaml')))
      .map((e) => e.name)
      .sort();
  }
}

/**
 * The clusters an operation works on: the named ones (each must exist, once) or all.
 * @throws Error naming the unknown clusters and the known ones
 */
export function selectClusterNames(all: readonly string[], names: readonly string[]): string[] {
  if (names.length === 0) return [...all];
  const unknown = names.filter((n) => !all.includes(n));
  if (unknown.length > 0) throw new Error(`unknown cluster ${unknown.map((n) => `"${n}"`).join(', ')}; clusters: ${all.join(', ') || 'none'}`);
  return [...new Set(names)];
}
