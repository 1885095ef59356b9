import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { type ConfigProblem, isScratchName, RepeatedYamlReader, showValue, type RepositoryLayout, yamlPackage } from '@ck8s/core/base';
import type { Document } from 'yaml';
import { AgeKeyScan } from './age-key-scan.js';
import { mayHoldSecret } from './may-hold-secret.js';
import { parseSecretFileName, type SecretRef } from './secret-path.js';
import { ageRecipientsOf, encryptionProblems } from './sops-metadata.js';

// JSON is YAML too, and kustomize applies both
const YAML_FILE = /\.(ya?ml|json)$/;
const LAYOUT = 'secrets/<cluster>/<namespace>.<name>.sops.yaml';

/**
 * Checks that no Secret is committed in plaintext and every encrypted file is readable by its cluster only:
 * - every `kind: Secret` document in a YAML file under secrets/ and clusters/ is completely sops-encrypted
 *   (a `sops` block with `mac` and an age recipient, every `data`/`stringData` value `ENC[...]`);
 * - every age recipient of a file under `secrets/<c>/` or `clusters/<c>/` is listed by cluster `<c>`;
 * - secrets/ holds only `<cluster>/<namespace>.<name>.sops.yaml` files, each one Secret named like its file;
 * - a Secret carries no plaintext outside its encrypted fields beyond the allowed labels and annotations;
 * - Secrets inside a `kind: List` (or `SecretList`, any `*List` with items) are checked like any other;
 * - no file of the repository holds an age private key (see AgeKeyScan).
 * Values are never shown in problems, only their keys.
 * @param recipientsByCluster every cluster of the repository with its `sops.ageRecipients`
 */
export async function checkSecrets(workspace: RepositoryLayout, recipientsByCluster: ReadonlyMap<string, readonly string[]>): Promise<ConfigProblem[]> {
  // the key scan reads the files of these two folders from here, and asks git about the rest meanwhile
  const keys = new AgeKeyScan(workspace);
  const problems: ConfigProblem[] = [];
  // synth copies every file of secrets/ into clusters/: each is read once; only Secrets and sops
  // files are parsed (mayHoldSecret), so keeping them all stays small
  const read = new RepeatedYamlReader(true);
  for (const file of listFiles(workspace.secretsDir)) {
    const content = readAndScan(workspace, file, keys);
    problems.push(...checkSecretsFile(workspace, file.absolute, content, recipientsByCluster, read));
  }
  for (const file of listFiles(workspace.clustersDir)) {
    const content = readAndScan(workspace, file, keys);
    problems.push(...checkClusterFile(workspace, file.absolute, content, recipientsByCluster, read));
  }
  problems.push(...(await keys.problems()));
  return problems;
}

interface ListedFile {
  readonly absolute: string;
  /** A symbolic link to a file: checked as a Secret, but not followed by the key scan. */
  readonly link: boolean;
}

/** Every file below a folder, sorted. Symlinked folders are not followed (they could loop or leave the repository). */
function listFiles(dir: string): ListedFile[] {
  if (!existsSync(dir)) return [];
  const files: ListedFile[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const absolute = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listFiles(absolute));
    else if (entry.isFile()) files.push({ absolute, link: false });
    else if (entry.isSymbolicLink() && isFile(absolute)) files.push({ absolute, link: true });
  }
  return files;
}

function readAndScan(workspace: RepositoryLayout, file: ListedFile, keys: AgeKeyScan): Buffer {
  const content = readFileSync(file.absolute);
  if (!file.link) keys.scan(workspace.relative(file.absolute), content);
  return content;
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function checkSecretsFile(workspace: RepositoryLayout, absolute: string, content: Buffer, recipientsByCluster: ReadonlyMap<string, readonly string[]>, read: RepeatedYamlReader): ConfigProblem[] {
  const file = workspace.relative(absolute);
  const parts = file.split('/');
  const clusters = [...recipientsByCluster.keys()].sort().join(', ') || 'none';
  const layout = (message: string): ConfigProblem[] => [{ file, path: '(file name)', message }];
  if (isScratchName(path.posix.basename(file))) return layout('is the temporary file of an interrupted ck8s command (gitignored); `ck8s synth` removes it once that command has ended');
  if (parts.length === 2) return layout(`must be in a cluster folder: ${LAYOUT} (clusters: ${clusters})`);
  const cluster = parts[1]!;
  if (!recipientsByCluster.has(cluster)) return layout(`folder "${cluster}" is not a cluster of this repository; files must be ${LAYOUT} (clusters: ${clusters})`);
  if (parts.length > 3) return layout(`must be directly in secrets/${cluster}/ as <namespace>.<name>.sops.yaml; subfolders are not allowed`);
  const ref = parseSecretFileName(parts[2]!);
  if (!ref) return layout(`${JSON.stringify(parts[2])} is not <namespace>.<name>.sops.yaml; only sops-encrypted Secrets belong in secrets/`);

  const parsed = parseYaml(content.toString('utf8'), file, read);
  if (parsed.problems.length > 0) return parsed.problems;
  const docs = parsed.docs.filter((d) => d.data !== null && d.data !== undefined);
  const problems: ConfigProblem[] = [];
  if (docs.length !== 1 || kindOf(docs[0]!.data) !== 'Secret') {
    const found = docs.length === 1 ? `kind ${showValue(kindOf(docs[0]!.data))}` : `${docs.length} documents`;
    problems.push({ file, path: '(document root)', message: `must hold exactly one Secret; found ${found}` });
  }
  for (const { data, label } of docs) {
    problems.push(...documentProblems(file, data, label, recipientsByCluster.get(cluster), cluster));
    if (kindOf(data) === 'Secret') problems.push(...nameProblems(file, data, label, ref));
  }
  for (const item of listItems(docs)) problems.push(...documentProblems(file, item.data, item.label, undefined, undefined));
  return problems;
}

function checkClusterFile(workspace: RepositoryLayout, absolute: string, content: Buffer, recipientsByCluster: ReadonlyMap<string, readonly string[]>, read: RepeatedYamlReader): ConfigProblem[] {
  if (!YAML_FILE.test(absolute)) return [];
  const text = content.toString('utf8');
  // generated output is large; most of it is provably neither a Secret nor sops-encrypted
  if (!mayHoldSecret(text)) return [];
  const file = workspace.relative(absolute);
  const parts = file.split('/');
  const cluster = parts.length >= 3 ? parts[1] : undefined;
  const parsed = parseYaml(text, file, read);
  if (parsed.problems.length > 0) return parsed.problems;
  const listed = cluster === undefined ? undefined : recipientsByCluster.get(cluster);
  return [
    ...parsed.docs.flatMap(({ data, label }) => documentProblems(file, data, label, listed, cluster)),
    // the recipients of a List's items are those of the List's own sops block, checked above
    ...listItems(parsed.docs).flatMap(({ data, label }) => documentProblems(file, data, label, undefined, undefined)),
  ];
}

/**
 * The items of `kind: List` documents (and `SecretList` or any other `*List` with `items`), nested
 * lists included, so a plaintext Secret cannot hide in one. A List encrypted by sops as a whole
 * keeps its sops block on the List: each item is checked against that block.
 */
function listItems(docs: readonly ParsedDoc[]): ParsedDoc[] {
  const items: ParsedDoc[] = [];
  const visit = (data: unknown, label: string, sops: unknown): void => {
    const kind = kindOf(data);
    const list = data !== null && typeof data === 'object' ? (data as Record<string, unknown>).items : undefined;
    if (typeof kind !== 'string' || !kind.endsWith('List') || !Array.isArray(list)) return;
    const outer = (data as Record<string, unknown>).sops ?? sops;
    list.forEach((item, i) => {
      const itemLabel = label ? `${label.slice(0, -1)}, items[${i}])` : ` (items[${i}])`;
      const withSops = item !== null && typeof item === 'object' && !Array.isArray(item) && outer !== undefined && !('sops' in item) ? { ...item, sops: outer } : item;
      items.push({ data: withSops, label: itemLabel });
      visit(item, itemLabel, outer);
    });
  };
  for (const { data, label } of docs) visit(data, label, undefined);
  return items;
}

/** Encryption problems of a Secret, and recipients its cluster does not list (for any sops-encrypted document). */
function documentProblems(file: string, data: unknown, label: string, listed: readonly string[] | undefined, cluster: string | undefined): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (kindOf(data) === 'Secret') {
    for (const p of encryptionProblems(data)) problems.push({ file, path: p.path + label, message: p.message });
  }
  if (listed === undefined || cluster === undefined) return problems;
  ageRecipientsOf(data).forEach((recipient, i) => {
    if (listed.includes(recipient)) return;
    const lists = listed.length > 0 ? `it lists ${listed.join(', ')}` : 'it lists none (run `ck8s secrets init ' + cluster + '`)';
    problems.push({
      file,
      path: `sops.age[${i}].recipient${label}`,
      message: `${recipient} is not an age recipient of cluster "${cluster}" (sops.ageRecipients in clusters/${cluster}/cluster.yaml; ${lists}); re-encrypt the file for the cluster's recipients`,
    });
  });
  return problems;
}

function nameProblems(file: string, data: unknown, label: string, ref: SecretRef): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const metadata = (data as { metadata?: unknown }).metadata;
  const actual = metadata !== null && typeof metadata === 'object' ? (metadata as Record<string, unknown>) : {};
  const fileName = path.posix.basename(file);
  for (const field of ['namespace', 'name'] as const) {
    if (actual[field] !== ref[field]) {
      problems.push({ file, path: `metadata.${field}${label}`, message: `${showValue(actual[field])} does not match the file name ${fileName}; expected "${ref[field]}"` });
    }
  }
  return problems;
}

function kindOf(data: unknown): unknown {
  return data !== null && typeof data === 'object' ? (data as Record<string, unknown>).kind : undefined;
}

interface ParsedDoc {
  readonly data: unknown;
  /** Appended to field paths of multi-document files, e.g. ` (document 2)`. */
  readonly label: string;
}

/** Parses a YAML stream (fast, see loadYamlDocuments); syntax errors are reported with line and column, like parseYamlFile does for single documents. */
function parseYaml(text: string, file: string, read: RepeatedYamlReader): { docs: ParsedDoc[]; problems: ConfigProblem[] } {
  const fast = read.read(text);
  if (fast !== undefined) return { docs: fast.map((data, i) => ({ data, label: fast.length > 1 ? ` (document ${i + 1})` : '' })), problems: [] };
  const { LineCounter, parseAllDocuments } = yamlPackage();
  const lineCounter = new LineCounter();
  // an empty file gives an empty stream: no documents, nothing to check
  const documents: Document[] = [...parseAllDocuments(text, { lineCounter, prettyErrors: false })];
  const problems: ConfigProblem[] = [];
  for (const doc of documents) {
    for (const error of doc.errors) {
      const pos = lineCounter.linePos(error.pos[0]);
      const message = error.message.split('\n')[0] ?? error.message;
      problems.push({ file, path: `line ${pos.line} column ${pos.col}`, message: `invalid YAML: ${message.charAt(0).toLowerCase()}${message.slice(1)}` });
    }
  }
  if (problems.length > 0) return { docs: [], problems };
  const many = documents.length > 1;
  const docs: ParsedDoc[] = [];
  documents.forEach((doc, i) => {
    const label = many ? ` (document ${i + 1})` : '';
    try {
      docs.push({ data: doc.toJS() as unknown, label });
    } catch (e) {
      // e.g. an alias bomb; the document cannot be checked, so it cannot pass
      problems.push({ file, path: `(document root)${label}`, message: `cannot be read: ${(e as Error).message}` });
    }
  });
  return { docs, problems };
}
