import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { PLATFORM_NAMESPACES, SOPS_AGE_SECRET, type Workspace } from '@ck8s/core/base';
import { addAgeRecipient } from './add-age-recipient.js';
import { formatAgeKeyFile, generateAgeKeyPair } from './age-key-pair.js';
import { writeFileAtomic } from './atomic-write.js';
import { assertCluster, readAllAgeRecipients } from './cluster-recipients.js';
import { renderSopsConfig } from './sops-config.js';

/** Namespace and Secret that Flux's kustomize-controller reads the age key from (`spec.decryption.secretRef`). */
export const FLUX_SOPS_SECRET = { namespace: PLATFORM_NAMESPACES.flux, name: SOPS_AGE_SECRET, key: 'age.agekey' } as const;

export interface InitClusterKeyOptions {
  readonly workspace: Workspace;
  /** The cluster that gets the new key. */
  readonly cluster: string;
  /**
   * File to write the private key to, resolved against the current folder; must be outside the repository.
   * @default none: the key file text is returned in `keyFileText` (e.g. to print it)
   */
  readonly keyFile?: string;
  /** Overwrite an existing key file. @default false */
  readonly force?: boolean;
  /** Time written in the key file's `# created:` line. @default the current time */
  readonly now?: Date;
}

export interface InitClusterKeyResult {
  /** The new public key, appended to `sops.ageRecipients` of the cluster. */
  readonly recipient: string;
  /** Absolute path of the written key file; undefined when the key was returned in `keyFileText`. */
  readonly keyFile?: string;
  /** The key file text (age-keygen format) when no `keyFile` was given; print it, never store it in the repository. */
  readonly keyFileText?: string;
  /** Files changed in the repository (relative to the root): cluster.yaml, and .sops.yaml when it changed. */
  readonly changedFiles: readonly string[];
  /**
   * Command that stores the key in the cluster for Flux. Reads the key file, or /dev/stdin when the key
   * was returned: then pipe `keyFileText` into it.
   */
  readonly loadCommand: string;
}

/**
 * Creates an age key for a cluster: writes the private key outside the repository (0600) or returns it,
 * appends the public key to `sops.ageRecipients` in cluster.yaml (keeping comments and formatting),
 * and regenerates .sops.yaml from the recipients of all clusters.
 * Everything is checked before the first file is written.
 * @throws Error when the key file is inside the repository or exists without `force`; ConfigError for a broken cluster.yaml
 */
export async function initClusterKey(options: InitClusterKeyOptions): Promise<InitClusterKeyResult> {
  const { workspace, cluster } = options;
  assertCluster(workspace, cluster);
  const keyFile = options.keyFile === undefined ? undefined : checkKeyFile(workspace, options.keyFile, options.force ?? false);

  const pair = await generateAgeKeyPair();
  const clusterFile = workspace.clusterConfigFile(cluster);
  const clusterText = readFileSync(clusterFile, 'utf8');
  const newClusterText = addAgeRecipient(clusterText, pair.recipient, workspace.relative(clusterFile));
  // .sops.yaml needs every cluster's recipients; a broken cluster.yaml elsewhere fails here, before any write
  const recipients = readAllAgeRecipients(workspace);
  recipients.set(cluster, [...(recipients.get(cluster) ?? []), pair.recipient]);
  const sopsConfig = renderSopsConfig(recipients);

  const keyFileText = formatAgeKeyFile(pair, options.now ?? new Date());
  if (keyFile !== undefined) writeKeyFile(keyFile, keyFileText, options.force ?? false);
  writeFileAtomic(clusterFile, newClusterText, statSync(clusterFile).mode & 0o777);
  const changedFiles = [workspace.relative(clusterFile)];
  const sopsConfigFile = workspace.sopsConfigFile;
  if (!existsSync(sopsConfigFile) || readFileSync(sopsConfigFile, 'utf8') !== sopsConfig) {
    writeFileAtomic(sopsConfigFile, sopsConfig);
    changedFiles.push(workspace.relative(sopsConfigFile));
  }

  const loadCommand =
    `kubectl create secret generic ${FLUX_SOPS_SECRET.name} --namespace=${FLUX_SOPS_SECRET.namespace} ` +
    `--from-file=${FLUX_SOPS_SECRET.key}=${shellQuote(keyFile ?? '/dev/stdin')}`;
  return keyFile !== undefined
    ? { recipient: pair.recipient, keyFile, changedFiles, loadCommand }
    : { recipient: pair.recipient, keyFileText, changedFiles, loadCommand };
}

/** Resolves the key file and refuses a place inside the repository (a committed private key is leaked for good). */
function checkKeyFile(workspace: Workspace, keyFile: string, force: boolean): string {
  const absolute = path.resolve(keyFile);
  // compare real paths, so a symlink cannot smuggle the key into the repository
  const root = realpathSync(workspace.root);
  const real = realPathOfNewFile(absolute);
  const relative = path.relative(root, real);
  const outside = relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
  if (!outside) {
    throw new Error(`key file ${keyFile} is inside the repository ${workspace.root}; private keys must never be committed, choose a path outside it (e.g. ~/.config/sops/age/<cluster>.agekey)`);
  }
  if (existsSync(absolute)) {
    if (statSync(absolute).isDirectory()) throw new Error(`key file ${keyFile} is a folder; pass a file path`);
    if (!force) throw new Error(`key file ${keyFile} already exists; refusing to overwrite a private key (use force to replace it, after backing it up if it is still in use)`);
  }
  return absolute;
}

/** The real path a file would have: the nearest existing ancestor resolved, the rest appended. */
function realPathOfNewFile(file: string): string {
  if (existsSync(file)) return realpathSync(file);
  const rest: string[] = [];
  let dir = file;
  while (!existsSync(dir)) {
    rest.unshift(path.basename(dir));
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return path.join(realpathSync(dir), ...rest);
}

function writeKeyFile(file: string, text: string, force: boolean): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  if (force) {
    writeFileAtomic(file, text, 0o600);
  } else {
    // exclusive create: never clobbers a key that appeared since the check
    const fd = openSync(file, 'wx', 0o600);
    try {
      writeFileSync(fd, text);
    } finally {
      closeSync(fd);
    }
  }
  // the process umask could only have removed bits; make the mode exact
  chmodSync(file, 0o600);
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
