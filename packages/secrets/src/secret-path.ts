import { isDnsLabel } from '@ck8s/core/base';

/** A Secret by namespace and name. */
export interface SecretRef {
  readonly namespace: string;
  readonly name: string;
}

/** Suffix of every encrypted file; the creation rules of .sops.yaml match on it. */
export const SOPS_FILE_SUFFIX = '.sops.yaml';

// The namespace is a DNS label (no dots), so the first dot ends it; the name may be any
// DNS subdomain, as the API server (and `ck8s synth`) allow.
const SECRET_FILE = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-.a-z0-9]*[a-z0-9])?)\.sops\.yaml$/;

/** Where the encrypted Secret of a cluster is committed: `secrets/<cluster>/<namespace>.<name>.sops.yaml` (relative to the root). */
export function secretFilePath(cluster: string, ref: SecretRef): string {
  return `secrets/${cluster}/${ref.namespace}.${ref.name}${SOPS_FILE_SUFFIX}`;
}

/** Reads `<namespace>.<name>.sops.yaml`; undefined when the file name does not follow that pattern. */
export function parseSecretFileName(fileName: string): SecretRef | undefined {
  const match = SECRET_FILE.exec(fileName);
  if (!match || match[3]!.length > 253) return undefined;
  return { namespace: match[1]!, name: match[3]! };
}

/**
 * Reads `<namespace>/<name>` as users type it on the command line.
 * @throws Error naming the bad value and the expected form
 */
export function parseSecretRef(ref: string): SecretRef {
  const parts = ref.split('/');
  if (parts.length !== 2 || !isDnsLabel(parts[0]!) || !isDnsLabel(parts[1]!)) {
    throw new Error(`secret ${JSON.stringify(ref)} is not <namespace>/<name> with both parts DNS-1123 labels (lowercase letters, digits and '-'), e.g. app/database`);
  }
  return { namespace: parts[0]!, name: parts[1]! };
}
