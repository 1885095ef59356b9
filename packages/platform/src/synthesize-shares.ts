import { availableParallelism } from 'node:os';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { CLUSTER_INPUTS, type ConfigProblem, ConfigError, stagedTree, stageTree, textDigest } from '@ck8s/core';
import { compositionOrder } from './compose-cluster.js';
import { type FleetContext, loadFleetContext } from './fleet-context.js';
import { fleetShares } from './fleet-shares.js';
import type { PlatformExceptionReport } from './platform-exceptions.js';
import { synthesizeCluster } from './synthesize-cluster.js';

/**
 * What is done with each synthesized cluster: `stage` writes its tree beside its folder (see
 * stageTree; nothing is staged once a cluster of the share has failed), `digest` keeps the digests
 * of its files, for the drift check.
 */
export type ShareMode = 'stage' | 'digest';

/** One cluster's synthesis, as data a worker thread can send back. */
export interface ClusterSynthesis {
  readonly name: string;
  /** Why the cluster cannot be synthesized. @default none */
  readonly problems?: readonly ConfigProblem[];
  /** Files of its tree. */
  readonly files: number;
  /** `stage`: the scratch folder its tree is staged in; undefined when its folder already holds it, or nothing was staged. */
  readonly staging?: string;
  /** `digest`: its files' digests by name. */
  readonly digests?: readonly (readonly [string, string])[];
  /** The platform exceptions its synthesis reported. */
  readonly exceptions: readonly PlatformExceptionReport[];
}

/** Input of a worker thread (see runSynthesisWorker). */
interface ShareInput {
  readonly root: string;
  readonly names: readonly string[];
  readonly mode: ShareMode;
}

/**
 * A fleet this large is synthesized on every CPU when a worker script is given. A thread costs
 * about 3.5 CPU seconds (modules, the fleet, code the JIT has not warmed): on 2 CPUs, 100
 * clusters took 8.2 s instead of 8.6 s, 1000 clusters 53 s instead of 79 s.
 */
export const PARALLEL_MIN_CLUSTERS = 100;

function synthesizeShare(context: FleetContext, names: readonly string[], mode: ShareMode): ClusterSynthesis[] {
  const results: ClusterSynthesis[] = [];
  let failed = false;
  try {
    for (const name of compositionOrder(context.fleet, names)) {
      const exceptions: PlatformExceptionReport[] = [];
      let tree;
      try {
        tree = synthesizeCluster({ ...context, name, exceptions });
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        failed = true;
        results.push({ name, problems: e.problems, files: 0, exceptions });
        continue;
      }
      if (mode === 'digest') {
        results.push({ name, files: tree.size, digests: [...tree].map(([file, text]) => [file, textDigest(text)] as const), exceptions });
      } else {
        const staged = failed ? undefined : stageTree(context.workspace.clusterDir(name), tree, { keep: CLUSTER_INPUTS });
        results.push({ name, files: tree.size, ...(staged ? { staging: staged.staging } : {}), exceptions });
      }
    }
  } catch (e) {
    discardStaged(context, results);
    throw e;
  }
  return results;
}

function discardStaged(context: FleetContext, results: readonly ClusterSynthesis[]): void {
  for (const r of results) if (r.staging) stagedTree(context.workspace.clusterDir(r.name), r.staging, { keep: CLUSTER_INPUTS }).discard();
}

export interface SynthesisThreads {
  /** Script of a worker thread that calls runSynthesisWorker (the CLI's bundled `synth-worker.js`). @default none: one thread */
  readonly worker?: URL;
  /** Threads to share the clusters over, with a worker script. @default every CPU for PARALLEL_MIN_CLUSTERS clusters or more, else one */
  readonly threads?: number;
}

/**
 * Synthesizes the clusters, on several threads when a worker script is given (see fleetShares):
 * this thread takes one share and a worker thread each other one. The results come back in the
 * clusters' order. Output is the same however the clusters were shared out: each cluster's
 * synthesis depends on the fleet alone.
 * @throws the first error of a thread that is not a ConfigError; whatever was staged is discarded
 */
export async function synthesizeClusters(
  context: FleetContext,
  names: readonly string[],
  mode: ShareMode,
  options: SynthesisThreads = {},
): Promise<ClusterSynthesis[]> {
  const worker = options.worker;
  const threads = worker ? (options.threads ?? (names.length >= PARALLEL_MIN_CLUSTERS ? availableParallelism() : 1)) : 1;
  const [own, ...others] = threads > 1 ? fleetShares(context.fleet, names, threads) : [compositionOrder(context.fleet, names)];
  const pending = others.map((share) => runWorker(worker!, { root: context.workspace.root, names: share, mode }));
  const settled: ClusterSynthesis[] = [];
  let failure: Error | undefined;
  try {
    settled.push(...synthesizeShare(context, own ?? [], mode));
  } catch (e) {
    failure = e as Error;
  }
  for (const outcome of await Promise.allSettled(pending)) {
    if (outcome.status === 'fulfilled') settled.push(...outcome.value);
    else failure ??= outcome.reason as Error;
  }
  if (failure !== undefined) {
    discardStaged(context, settled);
    throw failure;
  }
  const byName = new Map(settled.map((r) => [r.name, r]));
  return names.map((name) => byName.get(name)!);
}

/** A synthesis running on a worker thread; see synthesizeInBackground. */
export interface BackgroundSynthesis {
  /** The results in the clusters' order, once the thread has reported. */
  readonly results: Promise<ClusterSynthesis[]>;
  /** Stops the thread if it still runs (a caller that failed meanwhile); nothing was staged in `digest` mode. */
  stop(): Promise<void>;
}

/**
 * Synthesizes the clusters on one worker thread, so this thread is free meanwhile: validate reads
 * and checks the committed files while their fresh synthesis runs beside it. The thread loads the
 * fleet from the repository itself, as any synthesis thread does.
 */
export function synthesizeInBackground(context: FleetContext, names: readonly string[], mode: ShareMode, worker: URL): BackgroundSynthesis {
  const thread = startWorker(worker, { root: context.workspace.root, names: compositionOrder(context.fleet, names), mode });
  const results = thread.results.then((settled) => {
    const byName = new Map(settled.map((r) => [r.name, r]));
    return names.map((name) => byName.get(name)!);
  });
  // awaited by the caller, or stopped; a failure must not go unhandled while the caller still works
  results.catch(() => undefined);
  return {
    results,
    stop: async () => {
      await thread.thread.terminate();
    },
  };
}

function runWorker(script: URL, input: ShareInput): Promise<ClusterSynthesis[]> {
  return startWorker(script, input).results;
}

function startWorker(script: URL, input: ShareInput): { thread: Worker; results: Promise<ClusterSynthesis[]> } {
  // none of this process's Node options: a test runner's module conditions would load other code than the script's
  const thread = new Worker(script, { workerData: input, execArgv: [] });
  const results = new Promise<ClusterSynthesis[]>((resolve, reject) => {
    let result: ClusterSynthesis[] | undefined;
    thread.once('message', (message: ClusterSynthesis[]) => (result = message));
    thread.once('error', reject);
    thread.once('exit', (code) => (result ? resolve(result) : reject(new Error(`a synthesis thread exited with code ${code} before it reported`))));
  });
  return { thread, results };
}

/** The body of a synthesis worker thread: loads the fleet itself and sends back its share's results. */
export function runSynthesisWorker(): void {
  const input = workerData as ShareInput;
  const context = loadFleetContext(input.root, input.root);
  parentPort!.postMessage(synthesizeShare(context, input.names, input.mode));
}
