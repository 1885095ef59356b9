import { existsSync, readFileSync } from 'node:fs';
import { ConfigError, findTool, readTree } from '@ck8s/core';
import { checkSecrets } from '@ck8s/secrets';
import { type ManifestFile, resolveSchemaLocations, validateManifests } from '@ck8s/validate';
import { CLUSTER_INPUTS } from '../commands/synth.js';
import type { RepoContext } from '../context.js';
import { expectedSopsConfig } from '../synth/sops-config.js';
import { synthesizeCluster } from '../synth/synthesize-cluster.js';
import { compareTrees } from './drift.js';

/** The checks `ck8s validate` runs; each problem is reported under one of them. */
export type CheckName = 'synth' | 'schema' | 'secrets' | 'drift';

export interface ValidationReportProblem {
  readonly check: CheckName;
  readonly file: string;
  /** `Kind/name` of the object, when the problem is about one. */
  readonly object?: string;
  readonly message: string;
}

export interface ValidationReport {
  readonly clusters: readonly string[];
  /** Kubernetes objects checked against their schemas. */
  readonly objects: number;
  /** Where schemas came from, per Kubernetes version. */
  readonly schemaSources: Record<string, string>;
  readonly problems: readonly ValidationReportProblem[];
}

/** Files kubeconform checks: every generated file except kustomize's own kustomization.yaml. */
function manifestFiles(context: RepoContext, name: string): ManifestFile[] {
  const dir = context.workspace.clusterDir(name);
  const display = context.workspace.relative(dir);
  return [...readTree(dir, { keep: CLUSTER_INPUTS })]
    .filter(([file]) => file.endsWith('.yaml') && !file.endsWith('kustomization.yaml'))
    .map(([file, content]) => ({ displayPath: `${display}/${file}`, content }));
}

/**
 * Validates the committed output of the selected clusters: every object against its schema
 * (kubeconform -strict), every Secret in the repository encrypted to its cluster's recipients,
 * and the committed files (and .sops.yaml) equal to a fresh synth.
 */
export async function runValidation(context: RepoContext, clusters: readonly string[]): Promise<ValidationReport> {
  const problems: ValidationReportProblem[] = [];
  const byVersion = new Map<string, ManifestFile[]>();

  for (const name of clusters) {
    const config = context.fleet.clusters.get(name)!;
    const dir = context.workspace.clusterDir(name);
    try {
      const fresh = synthesizeCluster({ ...context, name });
      for (const p of compareTrees(dir, context.workspace.relative(dir), fresh, CLUSTER_INPUTS)) problems.push({ check: 'drift', ...p });
    } catch (e) {
      // a cluster that cannot be synthesized has no fresh output to compare; report why and go on
      if (!(e instanceof ConfigError)) throw e;
      for (const p of e.problems) problems.push({ check: 'synth', file: p.file, message: `${p.path}: ${p.message}` });
    }
    const files = byVersion.get(config.kubernetesVersion) ?? [];
    files.push(...manifestFiles(context, name));
    byVersion.set(config.kubernetesVersion, files);
  }

  const sopsFile = context.workspace.sopsConfigFile;
  if (!existsSync(sopsFile) || readFileSync(sopsFile, 'utf8') !== expectedSopsConfig(context)) {
    problems.push({ check: 'drift', file: '.sops.yaml', message: 'does not match the recipients in cluster.yaml files; run `ck8s synth` and commit the result' });
  }

  let objects = 0;
  const schemaSources: Record<string, string> = {};
  if (byVersion.size > 0) {
    const kubeconform = findTool('kubeconform', context.workspace.root);
    for (const [version, files] of [...byVersion].sort()) {
      const locations = resolveSchemaLocations(context.workspace, version);
      schemaSources[locations.kubernetesVersion] = locations.source;
      const result = await validateManifests({ files, kubernetesVersion: locations.kubernetesVersion, schemaLocations: locations.locations, kubeconform });
      objects += result.resources;
      for (const p of result.problems) problems.push({ check: 'schema', file: p.file, ...(p.kind ? { object: `${p.kind}/${p.name}` } : {}), message: p.message });
    }
  }

  const recipients = new Map([...context.fleet.clusters].map(([n, c]) => [n, c.sops.ageRecipients]));
  for (const p of checkSecrets(context.workspace, recipients)) problems.push({ check: 'secrets', file: p.file, message: `${p.path}: ${p.message}` });

  return { clusters, objects, schemaSources, problems };
}
