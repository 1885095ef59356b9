import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type ConfigProblem, type RepositoryLayout, yamlPackage } from '@ck8s/core/base';
import { ageRecipientsOf } from './sops-metadata.js';
import { SopsError } from './sops-error.js';
import { Sops } from './sops.js';

export interface VerifyDecryptionOptions {
  readonly workspace: RepositoryLayout;
  /** Private age key(s): the text of an age key file or SOPS_AGE_KEY. */
  readonly ageKey: string;
  /** Only the files of these clusters (`secrets/<c>/`, `clusters/<c>/`). @default every cluster */
  readonly clusters?: readonly string[];
  /** The sops binary wrapper. @default new Sops({ workspace }) */
  readonly sops?: Sops;
  /** sops runs at a time. @default 4 */
  readonly concurrency?: number;
}

export interface VerifyDecryptionResult {
  /** Files that decrypted and whose MAC held. */
  readonly verified: readonly string[];
  /** Files that did not: tampered ciphertext or MAC, a key that is not a recipient, or no key for them. */
  readonly problems: readonly ConfigProblem[];
}

const AGE_IDENTITY = /^AGE-SECRET-KEY-(PQ-)?1[0-9A-Z]+$/gm;

/**
 * Decrypts every sops-encrypted file under secrets/ and clusters/ in memory with the real sops,
 * which checks each value's authentication tag and the file's MAC: what `ck8s secrets check`
 * cannot see without a key (a changed ciphertext or MAC, a file encrypted to a key the cluster's
 * holders no longer have). The plaintext is dropped at once; nothing is written. A file none of the
 * given keys can open is a problem too, so "verified" means every file was.
 */
export async function verifyDecryption(options: VerifyDecryptionOptions): Promise<VerifyDecryptionResult> {
  const { workspace } = options;
  const sops = options.sops ?? new Sops({ workspace });
  const keys = new Set<string>();
  // loaded here: `secrets check` without --decrypt must not pay for the age library
  const { identityToRecipient } = await import('age-encryption');
  for (const identity of options.ageKey.replace(/\r/g, '').match(AGE_IDENTITY) ?? []) keys.add(await identityToRecipient(identity));
  const files = encryptedFiles(workspace, options.clusters);
  const verified: string[] = [];
  const problems: ConfigProblem[] = [];
  const queue = [...files];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const { file, recipients } = next;
      if (!recipients.some((r) => keys.has(r))) {
        problems.push({ file, path: '(file)', message: `cannot be verified: no key in SOPS_AGE_KEY_FILE opens it (its recipients: ${recipients.join(', ') || 'none'}); add that cluster's key, or check other clusters only with --cluster` });
        continue;
      }
      try {
        await sops.decrypt(readFileSync(path.join(workspace.root, file), 'utf8'), { ageKey: options.ageKey, filename: file });
        verified.push(file);
      } catch (e) {
        if (!(e instanceof SopsError)) throw e;
        problems.push({ file, path: '(file)', message: e.message.replace(`cannot decrypt ${file}: `, 'cannot be decrypted: ') });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  const order = (a: { file: string }, b: { file: string }): number => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0);
  return { verified: verified.sort(), problems: problems.sort(order) };
}

/** Files with a sops block, relative to the root, with the recipients of their first encrypted document. */
function encryptedFiles(workspace: RepositoryLayout, clusters: readonly string[] | undefined): { file: string; recipients: string[] }[] {
  const found: { file: string; recipients: string[] }[] = [];
  for (const dir of [workspace.secretsDir, workspace.clustersDir]) {
    for (const absolute of walk(dir)) {
      const file = workspace.relative(absolute);
      const cluster = file.split('/')[1];
      if (clusters && (cluster === undefined || !clusters.includes(cluster))) continue;
      if (!/\.(ya?ml|json)$/.test(file)) continue;
      const text = readFileSync(absolute, 'utf8');
      if (!text.includes('sops')) continue;
      let docs: unknown[];
      try {
        docs = yamlPackage().parseAllDocuments(text).map((d) => d.toJS() as unknown);
      } catch {
        continue; // unreadable YAML is the static check's finding
      }
      // sops' metadata block, not just any field named sops (cluster.yaml has one for its recipients)
      const encrypted = docs.find((d) => isRecord(d) && isRecord(d.sops) && ('mac' in d.sops || 'lastmodified' in d.sops));
      if (encrypted) found.push({ file, recipients: ageRecipientsOf(encrypted) });
    }
  }
  return found.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const absolute = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...walk(absolute));
    else if (entry.isFile()) files.push(absolute);
  }
  return files;
}
