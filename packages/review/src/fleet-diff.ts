import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { GitRepository } from './git-repository.js';
import { CLUSTER_CONFIG_FILE, type ClusterFiles, isOutputFile } from '@ck8s/core';
import { diffClusterFiles, type ObjectChange } from './object-changes.js';
import type { RenderedDiff } from './rendered-diff.js';

export interface FleetDiffOptions {
  /** The repository root (the folder of ck8s.config.yaml), inside a git working tree. */
  readonly root: string;
  /** The git revision to compare with, e.g. `origin/main`. */
  readonly base: string;
  /** Clusters to compare; each must exist at the base or in the working tree. @default every cluster of either */
  readonly clusters?: readonly string[];
}

/** How a cluster's output differs between the base and the working tree. */
export interface ClusterDiff {
  readonly cluster: string;
  /** `added`: only in the working tree; `removed`: only at the base. */
  readonly status: 'added' | 'removed' | 'changed' | 'unchanged';
  readonly objects: readonly ObjectChange[];
}

export interface FleetDiff {
  /** The base revision as given. */
  readonly base: string;
  /** The base revision's commit. */
  readonly baseCommit: string;
  /** Every compared cluster, sorted by name. */
  readonly clusters: readonly ClusterDiff[];
  /** The rendered objects of the HelmReleases that changed (`ck8s diff --render`). @default absent: not rendered */
  readonly rendered?: RenderedDiff;
}

/**
 * The object-level difference of every cluster's generated output between a git revision and the
 * working tree. The working tree side is the files on disk in `clusters/<name>/`: in CI they are the
 * committed output, which `ck8s validate` proves equal to a fresh synth. `cluster.yaml` is the input,
 * not output: its changes show through the objects they change.
 */
export async function diffFleet(options: FleetDiffOptions): Promise<FleetDiff> {
  const outputs = await fleetOutputs(options);
  const clusters = outputs.clusters.map((c): ClusterDiff => {
    const objects = diffClusterFiles(c.before ?? new Map(), c.after ?? new Map());
    const status = !c.before ? 'added' : !c.after ? 'removed' : objects.length > 0 ? 'changed' : 'unchanged';
    return { cluster: c.cluster, status, objects };
  });
  return { base: options.base, baseCommit: outputs.baseCommit, clusters };
}

/** Each selected cluster's generated files at the base and in the working tree (absent where the cluster is not). */
export interface FleetOutputs {
  readonly baseCommit: string;
  readonly clusters: readonly { readonly cluster: string; readonly before?: ClusterFiles; readonly after?: ClusterFiles }[];
}

/**
 * The generated files of every selected cluster at a git revision and on disk, what diffFleet and
 * the rendered diff compare.
 * @throws Error naming an unknown revision or cluster
 */
export async function fleetOutputs(options: FleetDiffOptions): Promise<FleetOutputs> {
  const git = new GitRepository(options.root);
  const baseCommit = await git.resolveCommit(options.base);
  if (!baseCommit) throw new Error(`base "${options.base}" is not a commit in this repository; fetch it first (e.g. git fetch origin main)`);

  const baseFiles = await git.listFiles(baseCommit, 'clusters/');
  const baseClusters = clustersIn(baseFiles);
  const currentClusters = workingTreeClusters(options.root);
  const all = [...new Set([...baseClusters, ...currentClusters])].sort();
  const selected = options.clusters && options.clusters.length > 0 ? [...new Set(options.clusters)].sort() : all;
  const unknown = selected.filter((c) => !all.includes(c));
  if (unknown.length > 0)
    throw new Error(
      `unknown cluster ${unknown.map((c) => `"${c}"`).join(', ')}; clusters at the base or in the working tree: ${all.join(', ') || 'none'}`,
    );

  const requests = baseFiles
    .filter((f) => selected.includes(f.split('/')[1]!) && baseClusters.has(f.split('/')[1]!))
    .filter((f) => isOutputFile(f.split('/').slice(2).join('/')))
    .map((file) => ({ commit: baseCommit, file }));
  const texts = await git.readFiles(requests);

  const clusters = selected.map((cluster) => {
    const before = new Map<string, string>();
    for (const { file } of requests) {
      if (file.split('/')[1] !== cluster) continue;
      before.set(file.split('/').slice(2).join('/'), texts.get(`${baseCommit}:${file}`) ?? '');
    }
    return {
      cluster,
      ...(baseClusters.has(cluster) ? { before } : {}),
      ...(currentClusters.has(cluster) ? { after: readOutputFiles(path.join(options.root, 'clusters', cluster)) } : {}),
    };
  });
  return { baseCommit, clusters };
}

/** Names of the clusters among paths `clusters/<name>/...`: folders holding a cluster.yaml. */
function clustersIn(files: readonly string[]): Set<string> {
  return new Set(files.filter((f) => f.split('/').length === 3 && f.endsWith(`/${CLUSTER_CONFIG_FILE}`)).map((f) => f.split('/')[1]!));
}

function workingTreeClusters(root: string): Set<string> {
  const dir = path.join(root, 'clusters');
  if (!existsSync(dir)) return new Set();
  return new Set(
    readdirSync(dir, { withFileTypes: true })
      // hidden folders are not clusters (e.g. the `.ck8s-*` scratch copy a killed synth left)
      .filter((e) => e.isDirectory() && !e.name.startsWith('.') && existsSync(path.join(dir, e.name, CLUSTER_CONFIG_FILE)))
      .map((e) => e.name),
  );
}

/** The generated files of a cluster folder on disk, relative to it. */
export function readOutputFiles(clusterDir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (rel: string): void => {
    for (const entry of readdirSync(path.join(clusterDir, rel), { withFileTypes: true })) {
      const file = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(file);
      else if (entry.isFile() && isOutputFile(file)) files.set(file, readFileSync(path.join(clusterDir, file), 'utf8'));
    }
  };
  walk('');
  return files;
}
