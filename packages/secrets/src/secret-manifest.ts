import { isDnsLabel } from '@ck8s/core/base';
import { SECRET_TYPES } from './secret-metadata.js';

/** Characters Kubernetes allows in a Secret or ConfigMap key. */
export const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** A plain Kubernetes Secret as committed (before encryption). */
export interface SecretManifest {
  readonly apiVersion: 'v1';
  readonly kind: 'Secret';
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly type: string;
  /** Base64-encoded values, keys sorted. */
  readonly data: Readonly<Record<string, string>>;
}

/** Whether `key` is a valid Secret key (same rule as the API server: at most 253 characters, not `.`, `..` or starting with `..`). */
export function isSecretKey(key: string): boolean {
  return key.length <= 253 && SECRET_KEY.test(key) && key !== '.' && !key.startsWith('..');
}

/**
 * Builds a Secret of `type` with base64 `data`. Strings are encoded as UTF-8; bytes are kept as they are.
 * @param type one of SECRET_TYPES (e.g. `nginx.org/htpasswd` for an endpoint's basic auth) @default 'Opaque'
 * @throws Error naming the invalid namespace, name, type or key
 */
export function secretManifest(
  namespace: string,
  name: string,
  entries: Readonly<Record<string, string | Uint8Array>>,
  type = 'Opaque',
): SecretManifest {
  assertDnsLabel('namespace', namespace);
  assertDnsLabel('secret name', name);
  assertSecretType(type);
  const data: Record<string, string> = {};
  for (const key of Object.keys(entries).sort()) {
    if (!isSecretKey(key)) {
      throw new Error(`secret key ${JSON.stringify(key)} is not allowed; keys use letters, digits, '-', '_' and '.' (at most 253 characters, not '.' or starting with '..')`);
    }
    data[key] = Buffer.from(entries[key]!).toString('base64');
  }
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, type, data };
}

/** @throws Error when `type` is not one of SECRET_TYPES (a custom type would be free text in plaintext) */
export function assertSecretType(type: string): void {
  if (!SECRET_TYPES.includes(type)) throw new Error(`secret type ${JSON.stringify(type)} is not allowed; allowed: ${SECRET_TYPES.join(', ')}`);
}

function assertDnsLabel(what: string, value: string): void {
  if (!isDnsLabel(value)) {
    throw new Error(`${what} ${JSON.stringify(value)} is not a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)`);
  }
}
