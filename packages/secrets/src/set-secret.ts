import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { toYamlStream, type Workspace, writeFileAtomic } from '@ck8s/core/base';
import { parse } from 'yaml';
import { ageKeyFromEnv } from './age-key-env.js';
import { assertCluster, readAgeRecipients } from './cluster-recipients.js';
import { secretManifest } from './secret-manifest.js';
import { parseSecretRef, secretFilePath } from './secret-path.js';
import { Sops } from './sops.js';
import { secretMetadataProblems } from './secret-metadata.js';
import { ageRecipientsOf, isSopsEncrypted } from './sops-metadata.js';

export interface SetSecretOptions {
  readonly workspace: Workspace;
  /** Cluster the Secret belongs to; it must list at least one age recipient. */
  readonly cluster: string;
  /** The Secret as `<namespace>/<name>`. */
  readonly secret: string;
  /** Keys to set; string values are stored as UTF-8. */
  readonly entries: Readonly<Record<string, string | Uint8Array>>;
  /**
   * The Secret's type (one of SECRET_TYPES), e.g. `nginx.org/htpasswd`; it replaces the type of an existing Secret.
   * @default the existing Secret's type when merging, else 'Opaque'
   */
  readonly type?: string;
  /** Overwrite an existing Secret with only `entries` instead of merging; needs no private key. @default false */
  readonly replace?: boolean;
  /** Private age key(s) to decrypt the existing file for merging. @default SOPS_AGE_KEY_FILE and SOPS_AGE_KEY from `env` */
  readonly ageKey?: string;
  /** Environment the age key is looked up in. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** The sops binary wrapper. @default new Sops({ workspace }) */
  readonly sops?: Sops;
}

/**
 * Sets keys of a cluster's Secret in `secrets/<cluster>/<namespace>.<name>.sops.yaml`: merges them into
 * the existing Secret (decrypting it with the user's key) or creates it, encrypts through sops from
 * memory, and replaces the file atomically. Plaintext is never written to disk.
 * @returns the file, relative to the repository root
 * @throws Error when the cluster has no recipients, the file exists but no key is available, or sops fails
 */
export async function setSecret(options: SetSecretOptions): Promise<string> {
  const { workspace, cluster } = options;
  const ref = parseSecretRef(options.secret);
  assertCluster(workspace, cluster);
  const recipients = readAgeRecipients(workspace, cluster);
  const clusterFile = workspace.relative(workspace.clusterConfigFile(cluster));
  if (recipients.length === 0) {
    throw new Error(`cluster "${cluster}" lists no age recipients (sops.ageRecipients in ${clusterFile}); run \`ck8s secrets init ${cluster}\` to create its key first`);
  }
  if (Object.keys(options.entries).length === 0) throw new Error(`no keys given for secret ${options.secret}; pass at least one key and value`);
  const manifest = secretManifest(ref.namespace, ref.name, options.entries, options.type);

  const file = secretFilePath(cluster, ref);
  const absolute = path.join(workspace.root, file);
  const sops = options.sops ?? new Sops({ workspace });
  let secret: Record<string, unknown> = { ...manifest };
  if (existsSync(absolute) && !options.replace) {
    const ageKey = options.ageKey ?? ageKeyFromEnv(options.env ?? process.env);
    if (ageKey === undefined) {
      throw new Error(
        `${file} exists, and merging keys into it needs its plaintext: set SOPS_AGE_KEY_FILE (or SOPS_AGE_KEY) to the private age key of cluster "${cluster}", ` +
          `or use the replace option to overwrite the Secret with only the given keys`,
      );
    }
    const plaintext = await sops.decrypt(readFileSync(absolute, 'utf8'), { ageKey, filename: file });
    secret = merge(parseExisting(plaintext, file), manifest.data, ref.namespace, ref.name);
    if (options.type !== undefined) secret.type = options.type;
  }

  const ciphertext = await sops.encrypt(toYamlStream([secret]), { filename: file });
  assertEncryptedFor(ciphertext, recipients, file, cluster, clusterFile);
  mkdirSync(path.dirname(absolute), { recursive: true });
  writeFileAtomic(absolute, ciphertext);
  return file;
}

function parseExisting(plaintext: string, file: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parse(plaintext);
  } catch {
    throw new Error(`${file} decrypts to text that is not a single YAML document; fix or replace it (replace option)`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc) || (doc as Record<string, unknown>).kind !== 'Secret') {
    throw new Error(`${file} does not hold a Secret; only one Secret per file is allowed, use the replace option to overwrite it`);
  }
  return doc as Record<string, unknown>;
}

/** The existing Secret with `data` (and any stringData, which the API server would fold into it) plus the new keys, which win. */
function merge(existing: Record<string, unknown>, added: Readonly<Record<string, string>>, namespace: string, name: string): Record<string, unknown> {
  const data: Record<string, string> = {};
  for (const [key, value] of Object.entries(asRecord(existing.data))) {
    if (typeof value === 'string') data[key] = value;
  }
  for (const [key, value] of Object.entries(asRecord(existing.stringData))) {
    if (typeof value === 'string') data[key] = Buffer.from(value).toString('base64');
  }
  Object.assign(data, added);
  const rest = { ...existing };
  delete rest.stringData;
  return { ...rest, metadata: { ...asRecord(existing.metadata), name, namespace }, data };
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Guards against a stale .sops.yaml: the file must be encrypted to exactly the cluster's recipients. */
function assertEncryptedFor(ciphertext: string, recipients: readonly string[], file: string, cluster: string, clusterFile: string): void {
  const doc: unknown = parse(ciphertext);
  // plaintext metadata the Secret already carried (merged from the existing file) is refused as such
  const metadata = doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? secretMetadataProblems(doc as Record<string, unknown>) : [];
  if (metadata.length > 0) throw new Error(`${file} cannot be committed: ${metadata.map((p) => `${p.path} ${p.message}`).join('; ')}; nothing was written`);
  if (!isSopsEncrypted(doc)) throw new Error(`sops did not fully encrypt ${file} (check encrypted_regex in .sops.yaml; regenerate it with \`ck8s synth\`); nothing was written`);
  const actual = [...new Set(ageRecipientsOf(doc))].sort();
  const expected = [...new Set(recipients)].sort();
  if (actual.join(',') !== expected.join(',')) {
    throw new Error(
      `.sops.yaml encrypts ${file} to ${actual.join(', ') || 'no recipient'}, but cluster "${cluster}" lists ${expected.join(', ')} in ${clusterFile}; ` +
        'regenerate .sops.yaml with `ck8s synth` and retry; nothing was written',
    );
  }
}
