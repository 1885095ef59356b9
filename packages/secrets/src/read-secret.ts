import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Workspace } from '@ck8s/core/base';
import { parse } from 'yaml';
import { parseSecretRef, secretFilePath } from './secret-path.js';
import { Sops } from './sops.js';

export interface ReadSecretOptions {
  readonly workspace: Workspace;
  readonly cluster: string;
  /** The Secret as `<namespace>/<name>`. */
  readonly secret: string;
  /** Private age key(s) of the cluster. */
  readonly ageKey: string;
  /** The sops binary wrapper. @default new Sops({ workspace }) */
  readonly sops?: Sops;
}

/**
 * Decrypts a committed Secret in memory and returns its keys as UTF-8 text (data decoded, stringData
 * as is). Used to extend a Secret that holds several accounts (an htpasswd file, say); nothing is
 * written anywhere.
 * @throws Error when the file is missing or cannot be decrypted with the key
 */
export async function readSecret(options: ReadSecretOptions): Promise<Record<string, string>> {
  const ref = parseSecretRef(options.secret);
  const file = secretFilePath(options.cluster, ref);
  const absolute = path.join(options.workspace.root, file);
  let ciphertext: string;
  try {
    ciphertext = readFileSync(absolute, 'utf8');
  } catch {
    throw new Error(`${file} does not exist; create it first (ck8s secrets set ${options.cluster} ${options.secret} ...)`);
  }
  const sops = options.sops ?? new Sops({ workspace: options.workspace });
  const doc = parse(await sops.decrypt(ciphertext, { ageKey: options.ageKey, filename: file })) as { data?: Record<string, string>; stringData?: Record<string, string> } | null;
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(doc?.data ?? {})) values[key] = Buffer.from(value, 'base64').toString('utf8');
  for (const [key, value] of Object.entries(doc?.stringData ?? {})) values[key] = value;
  return values;
}
