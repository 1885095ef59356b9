import { readFileSync } from 'node:fs';

/**
 * The private age key(s) the user gave sops through the environment: the text of the file named by
 * SOPS_AGE_KEY_FILE and the value of SOPS_AGE_KEY, joined; undefined when neither is set.
 * @throws Error when SOPS_AGE_KEY_FILE names a file that cannot be read
 */
export function ageKeyFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const keys: string[] = [];
  const file = env.SOPS_AGE_KEY_FILE;
  if (file !== undefined && file !== '') {
    try {
      keys.push(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(`SOPS_AGE_KEY_FILE is set to ${file}, which cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); point it to the cluster's age key file`);
    }
  }
  const key = env.SOPS_AGE_KEY;
  if (key !== undefined && key !== '') keys.push(key);
  return keys.length > 0 ? keys.join('\n') : undefined;
}
