import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import {
  acquireRepositoryLock,
  type ClusterConfigInput,
  ConfigError,
  DEX_CLIENT_SECRETS,
  PLATFORM_NAMESPACES,
  type RepositoryLockOptions,
  validateClusterConfig,
} from '@ck8s/core';
import { initClusterKey, readSecret, setSecret } from '@ck8s/secrets';
import { App } from 'cdk8s';
import { addServiceAccounts } from './add-service-accounts.js';
import { composeCluster } from './compose-cluster.js';
import { type FleetContext, loadFleetContext } from './fleet-context.js';
import { accountSinks, type OutsideCredentials, platformCredentials } from './platform-credentials.js';
import { RepositorySnapshot } from './repository-snapshot.js';
import { runValidation, type ValidationReport } from './run-validation.js';
import { synthesizeFleet, type SynthesizeFleetResult } from './synthesize-fleet.js';

export interface InitClusterProps {
  /** The repository before the new cluster exists. */
  readonly context: FleetContext;
  /** The new cluster's config as it will be written to cluster.yaml. */
  readonly config: ClusterConfigInput & { readonly name: string };
  /** The text of cluster.yaml (the config with its schema modeline and comments). */
  readonly document: string;
  /** Credentials of outside systems, placed where the components read them. */
  readonly outside: OutsideCredentials;
  /** Where the new private age key is written (outside the repository). */
  readonly keyFile: string;
  /** For a workload cluster: its service cluster's private key, to add the new cluster's accounts there. @default none */
  readonly serviceClusterKey?: string;
  /** Progress messages, one line each. @default none */
  readonly progress?: (line: string) => void;
  /** Adds a hint to a config problem's message, e.g. the flag that set the field. @default none */
  readonly hint?: (fieldPath: string) => string;
  /** How to wait for the repository's write lock, held from the snapshot to the end. @default wait up to two minutes, silently */
  readonly lock?: RepositoryLockOptions;
}

export interface InitClusterResult {
  readonly synth: SynthesizeFleetResult;
  /** The validation of the whole fleet after the cluster was added; any problem undid every change. */
  readonly validation: ValidationReport;
}

/**
 * Onboards a cluster: writes cluster.yaml, creates its age key pair, generates every credential
 * its components declare straight into sops Secrets (no plaintext file), lets a workload cluster's
 * agents in at its service cluster, then synthesizes and validates the fleet. Any failure, or a
 * validation problem, restores clusters/, secrets/ and .sops.yaml byte for byte and removes the key.
 * @throws ConfigError when the config is invalid (nothing is written)
 */
export async function initCluster(props: InitClusterProps): Promise<InitClusterResult> {
  const { context, config, outside } = props;
  const { workspace } = context;
  const name = config.name;
  const progress = props.progress ?? (() => undefined);
  const clusterFile = workspace.relative(workspace.clusterConfigFile(name));
  // the whole config is checked before anything is written
  const checked = validateClusterConfig(config, clusterFile, name);
  if (checked.problems.length > 0)
    throw new ConfigError(checked.problems.map((p) => ({ ...p, message: `${p.message}${props.hint?.(p.path) ?? ''}` })));
  const serviceCluster = config.profile === 'workload' ? config.serviceCluster : undefined;
  // the service cluster's Secrets that list its clients' accounts: a wrong key fails here, before anything is written
  const serviceComponents = serviceCluster
    ? composeCluster(new App(), { ...context, cluster: context.fleet.clusters.get(serviceCluster)! }).components
    : [];
  const sinks = accountSinks(serviceComponents);
  // the service cluster's identity provider holds the secrets of the new cluster's OIDC clients (its Headlamp) too
  const clientSecrets = serviceComponents
    .flatMap((c) => c.requiredSecrets)
    .find((s) => s.namespace === PLATFORM_NAMESPACES.identity && s.name === DEX_CLIENT_SECRETS);
  if (props.serviceClusterKey !== undefined && serviceCluster) {
    const held = [...sinks.values()].flat().map((s) => `${s.namespace}/${s.secret}`);
    for (const secret of new Set([...held, ...(clientSecrets ? [`${clientSecrets.namespace}/${clientSecrets.name}`] : [])])) {
      await readSecret({ workspace, cluster: serviceCluster, secret, ageKey: props.serviceClusterKey });
    }
  }

  // init writes in many places and runs synth: one lock for all of it, taken before the snapshot
  const lock = acquireRepositoryLock(workspace.root, props.lock);
  const snapshot = new RepositorySnapshot([workspace.clustersDir, workspace.secretsDir, workspace.sopsConfigFile]);
  let keyWritten = false;
  try {
    mkdirSync(workspace.clusterDir(name), { recursive: true });
    writeFileSync(workspace.clusterConfigFile(name), props.document);
    const key = await initClusterKey({ workspace, cluster: name, keyFile: props.keyFile });
    keyWritten = true;
    progress(
      `init: ${name}: age key created, private key in ${key.keyFile} (keep it outside the repository; load it into the cluster with \`${key.loadCommand}\`)`,
    );

    // the fleet with the new cluster; Secrets and synth output do not change it, so it serves to the end
    const loaded = loadFleetContext(workspace.root);
    // the components decide which Secrets exist: compose the new cluster and fill what they declare
    const cluster = loaded.fleet.clusters.get(name)!;
    const app = new App();
    const components = composeCluster(app, { cluster, fleet: loaded.fleet, catalog: loaded.catalog }).components;
    const credentials = await platformCredentials(name, components, outside);
    for (const [secret, { type, entries }] of credentials.secrets)
      await setSecret({ workspace, cluster: name, secret, entries, type, replace: true });
    progress(`init: ${name}: ${credentials.secrets.size} Secret(s) encrypted into secrets/${name}/ (no plaintext written)`);
    if (props.serviceClusterKey !== undefined && serviceCluster) {
      const files = await addServiceAccounts({ workspace, serviceCluster, ageKey: props.serviceClusterKey, sinks, accounts: credentials.accounts });
      progress(`init: ${serviceCluster}: accounts of ${name} added to ${files.join(', ')}`);
      if (clientSecrets && credentials.oidcClientSecrets.size > 0) {
        const entries = Object.fromEntries([...credentials.oidcClientSecrets].sort(([a], [b]) => a.localeCompare(b)));
        const file = await setSecret({
          workspace,
          cluster: serviceCluster,
          secret: `${clientSecrets.namespace}/${clientSecrets.name}`,
          entries,
          ageKey: props.serviceClusterKey,
        });
        progress(`init: ${serviceCluster}: OIDC client secrets of ${name} (${Object.keys(entries).join(', ')}) added to ${file}`);
      }
    }

    const all = [...loaded.fleet.clusters.keys()];
    const synth = await synthesizeFleet(loaded, all);
    const validation = await runValidation(loaded, all);
    if (validation.problems.length > 0) {
      snapshot.restore();
      rmSync(props.keyFile, { force: true });
    }
    return { synth, validation };
  } catch (e) {
    snapshot.restore();
    if (keyWritten) rmSync(props.keyFile, { force: true });
    throw e;
  } finally {
    lock.release();
  }
}
