import { randomInt } from 'node:crypto';

/** Letters and digits only: safe in URLs, htpasswd lines, YAML and shell without quoting. */
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A random password from the operating system's CSPRNG, drawn without modulo bias.
 * 32 alphanumeric characters carry about 190 bits.
 * @param length number of characters @default 32
 * @throws Error when length is below 16 (too weak for a platform account)
 */
export function randomPassword(length = 32): string {
  if (!Number.isInteger(length) || length < 16) throw new Error(`password length ${length} is too short; use at least 16 characters`);
  let password = '';
  for (let i = 0; i < length; i++) password += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return password;
}
