import { existsSync, readFileSync } from 'node:fs';
import {
  CLUSTER_INPUTS,
  findTool,
  fleetRecipients,
  NODE_FOLDER,
  parseManifests,
  readTree,
  RepeatedYamlReader,
  textDigest,
  type YamlDocumentsReader,
} from '@ck8s/core';
import { clusterRules, policyName } from '@ck8s/policy';
import { checkSecrets } from '@ck8s/secrets';
import {
  type ControlResult,
  evaluateControls,
  type ManifestFile,
  ManifestStage,
  type OutputObject,
  prepareManifest,
  resolveSchemaLocations,
} from '@ck8s/validate';

import type { PlatformExceptionReport } from './platform-exceptions.js';
import type { FleetContext } from './fleet-context.js';
import { expectedSopsConfig } from './sops-config.js';
import { type BackgroundSynthesis, PARALLEL_MIN_CLUSTERS, synthesizeClusters, synthesizeInBackground } from './synthesize-shares.js';
import { compareTrees } from './drift.js';

/** The checks `ck8s validate` runs; each problem is reported under one of them. */
export type CheckName = 'synth' | 'schema' | 'secrets' | 'drift' | 'control';

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
  /** Every control of every cluster, passed or failed, with the objects that evidence it. */
  readonly controls: readonly (ControlResult & { readonly cluster: string })[];
  /**
   * Every exception of the platform's own namespaces from its admission rules, as the components
   * declare them (and the generated bindings leave the namespace out), with its reason.
   */
  readonly platformExceptions: readonly PlatformExceptionReport[];
}

/** A cluster's committed output: its files, and their documents parsed. */
interface CommittedOutput {
  /** The cluster folder relative to the repository root, e.g. `clusters/demo-wc`. */
  readonly display: string;
  /** The documents of its manifest files, for the controls. */
  readonly objects: OutputObject[];
  /** The first document of each node file, by file name. */
  readonly nodeFiles: Map<string, OutputObject>;
}

function isManifest(file: string): boolean {
  return file.endsWith('.yaml') && !file.endsWith('kustomization.yaml') && !file.startsWith(`${NODE_FOLDER}/`);
}

/**
 * Files kubeconform checks: every generated file except kustomize's own kustomization.yaml and
 * the node folder, whose kubeadm and Talos patches are not Kubernetes API objects (the audit and
 * OIDC controls check those files instead).
 */
function manifestFiles(context: FleetContext, name: string, files: ReadonlyMap<string, string>): ManifestFile[] {
  const display = context.workspace.relative(context.workspace.clusterDir(name));
  return [...files].filter(([file]) => isManifest(file)).map(([file, content]) => ({ displayPath: `${display}/${file}`, content }));
}

function readCommittedOutput(context: FleetContext, name: string, files: ReadonlyMap<string, string>, reader: YamlDocumentsReader): CommittedOutput {
  const display = context.workspace.relative(context.workspace.clusterDir(name));
  const objects: OutputObject[] = [];
  const nodeFiles = new Map<string, OutputObject>();
  for (const o of parseManifests(files, reader)) {
    const doc = o.body;
    if (o.file.startsWith(`${NODE_FOLDER}/`)) {
      const file = o.file.slice(NODE_FOLDER.length + 1);
      if (!nodeFiles.has(file)) nodeFiles.set(file, { file: `${display}/${o.file}`, doc });
    } else if (isManifest(o.file) && doc && typeof doc === 'object') {
      objects.push({ file: `${display}/${o.file}`, doc });
    }
  }
  return { display, objects, nodeFiles };
}

export interface ValidationOptions {
  /**
   * Script of a synthesis worker thread (the CLI's bundled `synth-worker.js`): from
   * PARALLEL_MIN_CLUSTERS clusters on, the drift check's synthesis runs on it from the start, beside
   * the reading of the committed files. @default none: synthesis on this thread, after the reading
   */
  readonly worker?: URL;
  /** Whether the synthesis runs on the worker thread, beside the reading. @default from PARALLEL_MIN_CLUSTERS clusters on, with a worker */
  readonly background?: boolean;
}

/**
 * Validates the committed output of the selected clusters: every object against its schema
 * (kubeconform -strict), every Secret in the repository encrypted to its cluster's recipients,
 * and the committed files (and .sops.yaml) equal to a fresh synth.
 */
export async function runValidation(context: FleetContext, clusters: readonly string[], options: ValidationOptions = {}): Promise<ValidationReport> {
  // a large fleet's fresh synthesis starts first, on its own thread: the reading below is one thread's work
  const background: BackgroundSynthesis | undefined =
    options.worker && (options.background ?? clusters.length >= PARALLEL_MIN_CLUSTERS)
      ? synthesizeInBackground(context, clusters, 'digest', options.worker)
      : undefined;
  try {
    return await validateClusters(context, clusters, background);
  } finally {
    // a thread still running means the validation failed on the way: stop it
    await background?.stop();
  }
}

async function validateClusters(
  context: FleetContext,
  clusters: readonly string[],
  background: BackgroundSynthesis | undefined,
): Promise<ValidationReport> {
  const secretProblems = await checkSecrets(context.workspace, fleetRecipients(context.fleet));

  // Each cluster's committed files are read once, for the controls and for kubeconform (staged on
  // disk as they are read), and only their digests are kept for the drift check: a large fleet's
  // texts never are all in memory. Texts repeated across clusters are read at most twice (RepeatedYamlReader).
  const shared = new RepeatedYamlReader();
  const committed = new Map<string, ReadonlyMap<string, string>>();
  const stages = new Map<string, ManifestStage>();
  const controls: (ControlResult & { cluster: string })[] = [];
  const controlProblems: ValidationReportProblem[] = [];
  let schemaCheck: ReturnType<typeof checkSchemas> | undefined;
  try {
    for (const name of clusters) {
      const files = readTree(context.workspace.clusterDir(name), { keep: CLUSTER_INPUTS });
      committed.set(name, digests(files));
      const cluster = context.fleet.clusters.get(name)!;
      const reader = new ClusterReader(shared);
      let stage = stages.get(cluster.kubernetesVersion);
      if (!stage) stages.set(cluster.kubernetesVersion, (stage = new ManifestStage()));
      for (const file of manifestFiles(context, name, files)) stage.add({ ...file, prepared: prepareManifest(file, reader) });
      const { display: dir, objects: parsed, nodeFiles } = readCommittedOutput(context, name, files, reader);
      const rules = clusterRules(cluster, context.fleet);
      const results = evaluateControls({
        cluster,
        objects: parsed,
        nodeFiles,
        expectedPolicies: {
          podSecurity: rules.filter((r) => r.level).map((r) => policyName(r.id)),
          platform: rules.filter((r) => !r.level).map((r) => policyName(r.id)),
        },
        secretProblems: secretProblems
          .filter((p) => p.file.startsWith(`clusters/${name}/`) || p.file.startsWith(`secrets/${name}/`))
          .map((p) => `${p.file}: ${p.path}: ${p.message}`),
      });
      for (const result of results) {
        controls.push({ cluster: name, ...result });
        for (const finding of result.findings) controlProblems.push({ check: 'control', file: dir, object: result.id, message: finding });
      }
    }

    // kubeconform checks the committed files while this process synthesizes them afresh
    schemaCheck = checkSchemas(context, stages);
    schemaCheck.catch(() => undefined); // awaited below; a failure must not go unhandled while synth runs

    const problems: ValidationReportProblem[] = [];
    const platformExceptions: PlatformExceptionReport[] = [];
    // reported in the clusters' order, whatever the order of composition. One synthesis thread (here,
    // or the background one): kubeconform already works on the other CPUs, and sharing the synthesis
    // over a second thread (measured on 1000 clusters) saved no time and cost 14 CPU seconds
    for (const synthesis of await (background?.results ?? synthesizeClusters(context, clusters, 'digest'))) {
      platformExceptions.push(...synthesis.exceptions);
      // a cluster that cannot be synthesized has no fresh output to compare; report why and go on
      for (const p of synthesis.problems ?? []) problems.push({ check: 'synth', file: p.file, message: `${p.path}: ${p.message}` });
      if (!synthesis.digests) continue;
      const dir = context.workspace.relative(context.workspace.clusterDir(synthesis.name));
      for (const p of compareTrees(committed.get(synthesis.name)!, dir, new Map(synthesis.digests))) problems.push({ check: 'drift', ...p });
    }

    const sopsFile = context.workspace.sopsConfigFile;
    if (!existsSync(sopsFile) || readFileSync(sopsFile, 'utf8') !== expectedSopsConfig(context)) {
      problems.push({
        check: 'drift',
        file: '.sops.yaml',
        message: 'does not match the recipients in cluster.yaml files; run `ck8s synth` and commit the result',
      });
    }

    const { objects, schemaSources, problems: schemaProblems } = await schemaCheck;
    // in the order of the checks: synth and drift, schemas, secrets, controls
    problems.push(...schemaProblems);
    for (const p of secretProblems) problems.push({ check: 'secrets', file: p.file, message: `${p.path}: ${p.message}` });
    return { clusters, objects, schemaSources, problems: [...problems, ...controlProblems], controls, platformExceptions };
  } finally {
    // the staged files go only once kubeconform has stopped reading them
    await schemaCheck?.catch(() => undefined);
    for (const stage of stages.values()) stage.dispose();
  }
}

/** The files' digests by name: what the drift check compares, without keeping the texts. */
function digests(files: ReadonlyMap<string, string>): Map<string, string> {
  return new Map([...files].map(([file, text]) => [file, textDigest(text)]));
}

/** One cluster's reads: each text's documents kept while the cluster is checked, read through the fleet's reader. */
class ClusterReader implements YamlDocumentsReader {
  private readonly kept = new Map<string, unknown[] | undefined>();
  constructor(private readonly fleet: YamlDocumentsReader) {}

  read(text: string): unknown[] | undefined {
    if (!this.kept.has(text)) this.kept.set(text, this.fleet.read(text));
    return this.kept.get(text);
  }
}

/** kubeconform -strict on the staged files of the clusters, one run per Kubernetes version. */
async function checkSchemas(
  context: FleetContext,
  stages: ReadonlyMap<string, ManifestStage>,
): Promise<{ objects: number; schemaSources: Record<string, string>; problems: ValidationReportProblem[] }> {
  let objects = 0;
  const schemaSources: Record<string, string> = {};
  const problems: ValidationReportProblem[] = [];
  if (stages.size === 0) return { objects, schemaSources, problems };
  const kubeconform = findTool('kubeconform', context.workspace.root);
  for (const [version, stage] of [...stages].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const locations = resolveSchemaLocations(context.workspace, version);
    schemaSources[locations.kubernetesVersion] = locations.source;
    const result = await stage.validate({ kubernetesVersion: locations.kubernetesVersion, schemaLocations: locations.locations, kubeconform });
    objects += result.resources;
    for (const p of result.problems)
      problems.push({ check: 'schema', file: p.file, ...(p.kind ? { object: `${p.kind}/${p.name}` } : {}), message: p.message });
  }
  return { objects, schemaSources, problems };
}
