import { createRequire } from 'node:module';
import type Bcrypt from 'bcryptjs';

let bcryptjs: typeof Bcrypt | undefined;

/** bcryptjs, required on first use (these functions are synchronous): only `ck8s init` hashes passwords. */
function bcrypt(): typeof Bcrypt {
  bcryptjs ??= createRequire(import.meta.url)('bcryptjs') as typeof Bcrypt;
  return bcryptjs;
}

/** bcrypt cost of generated hashes: the `htpasswd -B` default is 5; 12 is today's usual floor for stored credentials. */
export const BCRYPT_COST = 12;

/**
 * A bcrypt hash (`$2b$...`) of a password, as OpenSearch's internal users and htpasswd files take it.
 * @param cost bcrypt cost factor @default BCRYPT_COST
 */
export function bcryptHash(password: string, cost: number = BCRYPT_COST): string {
  return bcrypt().hashSync(password, bcrypt().genSaltSync(cost));
}

/** Whether `password` matches a bcrypt hash. */
export function bcryptMatches(password: string, hash: string): boolean {
  return bcrypt().compareSync(password, hash);
}

/**
 * One htpasswd line with a bcrypt hash (`htpasswd -nbB user password`), as ingress-nginx basic auth
 * and the registry's htpasswd realm read it.
 * @throws Error when the user name contains ':' or whitespace, which would corrupt the file
 */
export function htpasswdLine(user: string, password: string, cost: number = BCRYPT_COST): string {
  if (!/^[^\s:]+$/.test(user)) throw new Error(`htpasswd user "${user}" must not contain ':' or whitespace`);
  return `${user}:${bcryptHash(password, cost)}`;
}

/** The users of an htpasswd file's text, in order. */
export function htpasswdUsers(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.slice(0, line.indexOf(':')));
}

/**
 * An htpasswd text with `line` added, replacing any earlier line of the same user, lines sorted by user
 * so regenerating one account gives a minimal diff of the plaintext.
 */
export function upsertHtpasswd(text: string, line: string): string {
  const user = line.slice(0, line.indexOf(':'));
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#') && l.slice(0, l.indexOf(':')) !== user);
  return `${[...lines, line].sort().join('\n')}\n`;
}
