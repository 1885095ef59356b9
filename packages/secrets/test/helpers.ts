import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findTool, Workspace } from '@ck8s/core';
import { execa } from 'execa';
import { type AgeKeyPair, formatAgeKeyFile, readAllAgeRecipients, Sops, writeSopsConfig } from '../src/index.js';

/** The platform repository, whose .tools/bin holds the pinned sops and age binaries. */
export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');

export const tools = {
  sops: findTool('sops', REPO_ROOT),
  age: findTool('age', REPO_ROOT),
  ageKeygen: findTool('age-keygen', REPO_ROOT),
};

export interface TempRepo {
  /** Temporary folder holding the repository and, next to it (outside it), key files. */
  readonly base: string;
  readonly workspace: Workspace;
  readonly sops: Sops;
  /** A path for a key file outside the repository. */
  keyPath(name: string): string;
  write(relative: string, content: string): string;
  read(relative: string): string;
  cleanup(): void;
}

/** A cluster.yaml with comments, listing the given recipients. */
export function clusterYaml(name: string, recipients: readonly string[]): string {
  const list = recipients.length > 0 ? `  ageRecipients:\n${recipients.map((r) => `    - ${r} # ops team\n`).join('')}` : '  ageRecipients: []\n';
  return [
    `# Cluster ${name}: hand-written, only this file is input.`,
    `name: ${name}`,
    'profile: service',
    'environment: test',
    "kubernetesVersion: '1.33'",
    `domain: ${name}.example.com`,
    'gitops:',
    '  repository: https://git.example.com/platform.git # where Flux pulls from',
    '# who can decrypt the secrets of this cluster',
    'sops:',
    list,
  ].join('\n');
}

/**
 * A temporary repository: ck8s.config.yaml, one clusters/<name>/cluster.yaml per entry, and
 * .sops.yaml rendered from them when any cluster lists recipients.
 */
export function createTempRepo(clusters: Record<string, readonly string[]>): TempRepo {
  const base = mkdtempSync(path.join(os.tmpdir(), 'ck8s-secrets-'));
  const root = path.join(base, 'repo');
  mkdirSync(root);
  writeFileSync(path.join(root, 'ck8s.config.yaml'), '# test repository\n');
  for (const [name, recipients] of Object.entries(clusters)) {
    mkdirSync(path.join(root, 'clusters', name), { recursive: true });
    writeFileSync(path.join(root, 'clusters', name, 'cluster.yaml'), clusterYaml(name, recipients));
  }
  const workspace = new Workspace(root);
  writeSopsConfig(workspace, readAllAgeRecipients(workspace));
  return {
    base,
    workspace,
    sops: new Sops({ workspace, binary: tools.sops }),
    keyPath: (name) => path.join(base, 'keys', name),
    write: (relative, content) => {
      const file = path.join(root, relative);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
      return file;
    },
    read: (relative) => readFileSync(path.join(root, relative), 'utf8'),
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}

/** Writes a key file for `pair` outside the repository, as a user would keep it (tests only; initClusterKey does this for real). */
export function writeKeyFile(repo: TempRepo, name: string, pair: AgeKeyPair): string {
  const file = repo.keyPath(name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, formatAgeKeyFile(pair), { mode: 0o600 });
  return file;
}

/** Runs the real sops CLI with only the given SOPS_* variables (none of the developer's). */
export async function sopsCli(args: string[], options: { cwd: string; input?: string; env?: Record<string, string> }) {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('SOPS_')) env[k] = v;
  return execa(tools.sops, args, { cwd: options.cwd, input: options.input ?? '', env: { ...env, ...options.env }, extendEnv: false, stripFinalNewline: false });
}

/** Every file of a folder tree with its content, to search for leaked plaintext. */
export function allFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true }) as string[]) {
    const file = path.join(dir, entry);
    if (statSync(file).isFile()) files.set(entry.split(path.sep).join('/'), readFileSync(file, 'utf8'));
  }
  return files;
}
