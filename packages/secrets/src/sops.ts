import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findTool, type RepositoryLayout, yamlPackage } from '@ck8s/core/base';
import { hasAgeIdentity } from './age-key-pair.js';
import { ageRecipientsOf } from './sops-metadata.js';
import { SopsError } from './sops-error.js';

export interface SopsOptions {
  /** The repository: sops runs in its root and takes the recipients from its `.sops.yaml`. */
  readonly workspace: RepositoryLayout;
  /** The sops executable. @default findTool('sops', workspace.root) */
  readonly binary?: string;
  /** Milliseconds before a sops run is stopped. @default 30000 */
  readonly timeout?: number;
}

export interface SopsEncryptOptions {
  /** Path the ciphertext will be committed at, relative to the root (or absolute inside it); selects the creation rule. */
  readonly filename: string;
}

export interface SopsDecryptOptions {
  /** Private age key(s): an `AGE-SECRET-KEY-1...` line or the text of an age key file. */
  readonly ageKey: string;
  /** Where the ciphertext comes from, for error messages. @default 'the input' */
  readonly filename?: string;
}

/**
 * The sops binary, used only through stdin and stdout so plaintext never touches the disk:
 * not as an input file, not as a temporary file.
 */
export class Sops {
  public readonly binary: string;
  private readonly workspace: RepositoryLayout;
  private readonly timeout: number;

  constructor(options: SopsOptions) {
    this.workspace = options.workspace;
    this.binary = options.binary ?? findTool('sops', options.workspace.root);
    this.timeout = options.timeout ?? 30_000;
  }

  /**
   * Encrypts one YAML document for the recipients of the `.sops.yaml` creation rule matching `filename`.
   * @returns the encrypted YAML text
   * @throws SopsError saying why sops refused (e.g. no creation rule matches, so the cluster has no recipients)
   */
  async encrypt(plaintextYaml: string, options: SopsEncryptOptions): Promise<string> {
    const file = this.repoRelative(options.filename);
    const config = this.workspace.sopsConfigFile;
    if (!existsSync(config)) {
      throw new SopsError(`cannot encrypt ${file}: ${this.workspace.relative(config)} does not exist; run \`ck8s secrets init <cluster>\` to create it`, undefined, '');
    }
    // --filename-override selects the creation rule (and with it the recipients) as if the file were
    // read from that path; sops matches it relative to the folder of --config, i.e. the root.
    const args = ['--config', config, 'encrypt', '--filename-override', file, '--input-type', 'yaml', '--output-type', 'yaml'];
    return this.run(args, plaintextYaml, {}, (code, stderr) => encryptFailure(file, code, stderr));
  }

  /**
   * Decrypts a sops-encrypted YAML document with the given private key.
   * The key reaches sops only through the SOPS_AGE_KEY variable of the child process.
   * @returns the plaintext YAML text
   * @throws SopsError when the key does not match, the file is not encrypted or it was tampered with
   */
  async decrypt(ciphertext: string, options: SopsDecryptOptions): Promise<string> {
    const file = options.filename ?? 'the input';
    if (!hasAgeIdentity(options.ageKey)) {
      throw new SopsError(`cannot decrypt ${file}: the age key holds no AGE-SECRET-KEY-1... line (expected a key file as written by age-keygen or \`ck8s secrets init\`)`, undefined, '');
    }
    const config = this.workspace.sopsConfigFile;
    // decryption needs no creation rule, but sops would otherwise search parent folders for a config
    const args = ['--config', existsSync(config) ? config : os.devNull, 'decrypt', '--input-type', 'yaml', '--output-type', 'yaml'];
    return this.run(args, ciphertext, { SOPS_AGE_KEY: options.ageKey }, (code, stderr) => decryptFailure(file, ciphertext, code, stderr));
  }

  private repoRelative(filename: string): string {
    const absolute = path.resolve(this.workspace.root, filename);
    const relative = this.workspace.relative(absolute);
    if (relative === '' || relative.startsWith('../') || relative === '..' || path.isAbsolute(relative)) {
      throw new SopsError(`filename ${JSON.stringify(filename)} is outside the repository ${this.workspace.root}; pass a path inside it, e.g. secrets/<cluster>/<namespace>.<name>.sops.yaml`, undefined, '');
    }
    return relative;
  }

  private async run(args: string[], input: string, extraEnv: Record<string, string>, failure: (code: number | undefined, stderr: string) => string): Promise<string> {
    // loaded here: checking Secrets runs no sops
    const { execa } = await import('execa');
    const result = await execa(this.binary, args, {
      input,
      cwd: this.workspace.root,
      env: { ...sopsFreeEnv(), ...extraEnv },
      extendEnv: false,
      reject: false,
      timeout: this.timeout,
      stripFinalNewline: false,
    });
    if (result.failed) {
      const stderr = typeof result.stderr === 'string' ? result.stderr : '';
      if (result.exitCode === undefined) {
        const why = result.timedOut ? `did not finish within ${this.timeout} ms` : `could not be started (${result.code ?? 'unknown error'})`;
        throw new SopsError(`sops at ${this.binary} ${why}`, undefined, stderr);
      }
      throw new SopsError(failure(result.exitCode, stderr), result.exitCode, stderr);
    }
    return result.stdout;
  }
}

/**
 * The environment without SOPS_* variables: a SOPS_AGE_RECIPIENTS or SOPS_PGP_FP of the user's shell
 * would replace the recipients of .sops.yaml, and extra key variables would hide which key decrypted.
 */
function sopsFreeEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !name.startsWith('SOPS_')) env[name] = value;
  }
  return env;
}

/** sops' stderr as one line: its wrapped `| ` continuation lines joined, blank lines dropped. */
function summarize(stderr: string): string {
  return stderr
    .split('\n')
    .map((line) => line.replace(/^\s*(-\s*)?\|\s?/, '').trim())
    .filter((line) => line.length > 0)
    .join(' ')
    .slice(0, 500);
}

function encryptFailure(file: string, code: number | undefined, stderr: string): string {
  if (stderr.includes('no matching creation rules found')) {
    return `no creation rule of .sops.yaml matches ${file}: its cluster lists no age recipients yet (run \`ck8s secrets init <cluster>\`) or .sops.yaml is out of date (run \`ck8s synth\`)`;
  }
  if (stderr.includes("top-level entry called 'sops'")) {
    return `cannot encrypt ${file}: the plaintext already has a top-level "sops" entry, so it looks encrypted already`;
  }
  if (stderr.includes('Error unmarshalling')) {
    return `cannot encrypt ${file}: the plaintext is not valid YAML (${summarize(stderr)})`;
  }
  return `sops could not encrypt ${file} (exit ${code}): ${summarize(stderr)}`;
}

function decryptFailure(file: string, ciphertext: string, code: number | undefined, stderr: string): string {
  if (stderr.includes('sops metadata not found')) {
    return `cannot decrypt ${file}: it is not sops-encrypted (no sops metadata)`;
  }
  if (stderr.includes('failed to parse') && stderr.includes('SOPS_AGE_KEY')) {
    return `cannot decrypt ${file}: the age key is not a valid age identity`;
  }
  if (stderr.includes('Failed to get the data key')) {
    return `cannot decrypt ${file}: the age key is not one of its recipients (${recipientsOf(ciphertext)})`;
  }
  if (stderr.includes('MAC mismatch')) {
    return `cannot decrypt ${file}: it fails its integrity check (MAC mismatch), so it was changed after encryption`;
  }
  if (stderr.includes('Error decrypting tree') || stderr.includes('message authentication failed')) {
    return `cannot decrypt ${file}: a value is corrupted or was edited by hand after encryption`;
  }
  return `sops could not decrypt ${file} (exit ${code}): ${summarize(stderr)}`;
}

function recipientsOf(ciphertext: string): string {
  try {
    const recipients = ageRecipientsOf(yamlPackage().parse(ciphertext));
    return recipients.length > 0 ? `encrypted to ${recipients.join(', ')}` : 'it lists no age recipient';
  } catch {
    return 'its recipients cannot be read';
  }
}
