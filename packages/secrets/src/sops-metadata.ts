import { formatPath } from '@ck8s/core/base';

/** A value sops encrypted: `ENC[AES256_GCM,data:...,iv:...,tag:...,type:...]` (data is empty for an empty string). */
export const SOPS_ENCRYPTED_VALUE = /^ENC\[AES256_GCM,data:[A-Za-z0-9+/]*={0,2},iv:[A-Za-z0-9+/]+={0,2},tag:[A-Za-z0-9+/]+={0,2},type:[a-z]+\]$/;

/** The fields of a Secret whose values must be encrypted (the `encrypted_regex` of .sops.yaml). */
export const ENCRYPTED_FIELDS: readonly string[] = ['data', 'stringData'];

/** Something wrong with the encryption of one document; `path` is a field path such as `data.password`. */
export interface EncryptionProblem {
  readonly path: string;
  readonly message: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Whether a value is a sops-encrypted string. */
export function isEncryptedValue(value: unknown): boolean {
  return typeof value === 'string' && SOPS_ENCRYPTED_VALUE.test(value);
}

/** The age recipients in a document's sops metadata, in file order (empty when there are none). */
export function ageRecipientsOf(doc: unknown): string[] {
  const sops = isRecord(doc) ? doc.sops : undefined;
  const age = isRecord(sops) ? sops.age : undefined;
  if (!Array.isArray(age)) return [];
  return age.map((entry) => (isRecord(entry) ? entry.recipient : undefined)).filter((r): r is string => typeof r === 'string');
}

/**
 * Why a parsed document is not a complete sops encryption: no `sops` block, no `mac`, no age recipient,
 * or a value under `data`/`stringData` that is not an `ENC[...]` string. Messages never show values.
 */
export function encryptionProblems(doc: unknown): EncryptionProblem[] {
  if (!isRecord(doc)) return [{ path: '(document root)', message: 'is not a mapping, so it cannot be a sops-encrypted manifest' }];
  const problems: EncryptionProblem[] = [];
  const sops = doc.sops;
  if (sops === undefined) {
    problems.push({ path: 'sops', message: 'is missing: the document is not sops-encrypted; write it with `ck8s secrets set` (or `sops encrypt`) and commit only the encrypted file' });
  } else if (!isRecord(sops)) {
    problems.push({ path: 'sops', message: 'is not a mapping of sops metadata; the file is not a valid sops encryption' });
  } else {
    if (!isEncryptedValue(sops.mac)) {
      problems.push({ path: 'sops.mac', message: 'is missing or not an ENC[AES256_GCM,...] value; sops writes it on every encryption, so the file was not produced by sops' });
    }
    const age = sops.age;
    if (!Array.isArray(age) || age.length === 0) {
      problems.push({ path: 'sops.age', message: 'lists no age recipient; clusters decrypt with age, so at least one is required' });
    } else {
      age.forEach((entry, i) => {
        if (!isRecord(entry) || typeof entry.recipient !== 'string' || typeof entry.enc !== 'string') {
          problems.push({ path: `sops.age[${i}]`, message: 'must have a recipient and its encrypted data key (enc)' });
        }
      });
    }
  }
  for (const field of ENCRYPTED_FIELDS) {
    const values = doc[field];
    if (values === undefined || values === null) continue;
    if (!isRecord(values)) {
      problems.push({ path: field, message: 'must be a mapping of keys to encrypted values' });
      continue;
    }
    for (const [key, value] of Object.entries(values)) {
      if (!isEncryptedValue(value)) {
        // the value itself is never shown: it may be the plaintext secret
        problems.push({ path: formatPath([field, key]), message: 'is not encrypted; only ENC[AES256_GCM,...] values written by sops are allowed here' });
      }
    }
  }
  return problems;
}

/** Whether a parsed document is completely sops-encrypted (see {@link encryptionProblems}). */
export function isSopsEncrypted(doc: unknown): boolean {
  return encryptionProblems(doc).length === 0;
}
