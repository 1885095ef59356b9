import * as path from 'node:path';
import { LAYERS, NODE_FOLDER } from '../component.js';
import { LABELS } from '../naming.js';
import { RepeatedYamlReader, type YamlDocumentsReader } from '../config/yaml-documents.js';
import { yamlPackage } from '../config/yaml-package.js';
import { CLUSTER_INPUTS } from '../repository-layout.js';

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** One document of a cluster's generated output. */
export interface ManifestObject {
  /** Identity across revisions: API group, kind, namespace and name; documents without a name are known by their file. */
  readonly id: string;
  /** @default none: the document has no apiVersion */
  readonly apiVersion?: string;
  /** @default none: the document has no kind (e.g. a Talos patch) */
  readonly kind?: string;
  /** @default none: cluster-scoped or not a Kubernetes object */
  readonly namespace?: string;
  /** @default none: not a named Kubernetes object */
  readonly name?: string;
  /** Its file relative to the cluster folder, e.g. `tenants/team-a.yaml`. */
  readonly file: string;
  /**
   * The part of the platform that generated it: `<folder>/<component>`, e.g. `tenants/team-a`, from the
   * `platform.ck8s.io/component` label, else the file name; sops Secrets are `<layer>/secrets`.
   */
  readonly component: string;
  /** A Kubernetes Secret: its values are never reported. */
  readonly secret: boolean;
  /** The parsed document; undefined when the file is not valid YAML. */
  readonly body: unknown;
  /** The file's text when it is not valid YAML, compared as a whole and never shown. @default none */
  readonly unparsable?: string;
}

/** The output files of a cluster: path relative to the cluster folder → text. */
export type ClusterFiles = ReadonlyMap<string, string>;

/** Whether a file of a cluster folder is generated output (a YAML file that is not an input). */
export function isOutputFile(file: string): boolean {
  return /\.ya?ml$/.test(file) && !CLUSTER_INPUTS.includes(file);
}

/**
 * Parses every file of a cluster's output into its documents, each with an identity unique in the set.
 * @param reader reads the documents of a text; pass one reader for many clusters, whose files are
 * mostly copies of each other (their bodies are then shared: do not change them) @default a new one
 */
export function parseManifests(files: ClusterFiles, reader: YamlDocumentsReader = new RepeatedYamlReader()): ManifestObject[] {
  const objects: ManifestObject[] = [];
  for (const [file, text] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) objects.push(...parseFile(file, text, reader));
  // the same object written twice (which validate would reject) must not hide one of them
  const seen = new Map<string, number>();
  return objects.map((o) => {
    const count = seen.get(o.id) ?? 0;
    seen.set(o.id, count + 1);
    return count === 0 ? o : { ...o, id: `${o.id} @${o.file}#${count}` };
  });
}

/** The documents of a file as data: read fast, or by the yaml package when js-yaml refuses it; undefined when it is not valid YAML. */
function readBodies(text: string, reader: YamlDocumentsReader): unknown[] | undefined {
  const fast = reader.read(text);
  if (fast !== undefined) return fast;
  const documents = yamlPackage().parseAllDocuments(text, { prettyErrors: false });
  if (!Array.isArray(documents) || documents.some((d) => d.errors.length > 0)) return undefined;
  try {
    return documents.map((d) => d.toJS() as unknown);
  } catch {
    // aliases that expand without bound ("billion laughs"): kept as text, like a file that does not parse
    return undefined;
  }
}

function parseFile(file: string, text: string, reader: YamlDocumentsReader): ManifestObject[] {
  const bodies = readBodies(text, reader);
  if (bodies === undefined)
    return [{ id: `file:${file}`, file, component: componentOf(file, undefined), secret: false, body: undefined, unparsable: text }];
  const out: ManifestObject[] = [];
  let unnamed = 0;
  for (const body of bodies) {
    if (body === null || body === undefined) continue;
    const apiVersion = stringField(body, ['apiVersion']);
    const kind = stringField(body, ['kind']);
    const name = stringField(body, ['metadata', 'name']);
    const namespace = stringField(body, ['metadata', 'namespace']);
    let id: string;
    if (kind !== undefined && name !== undefined) {
      // the API group, not the version: a new apiVersion of the same object is a change, not a replacement
      const group = apiVersion?.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
      id = `${group}/${kind}/${namespace ?? ''}/${name}`;
    } else {
      id = unnamed === 0 ? `file:${file}` : `file:${file}#${unnamed}`;
      unnamed++;
    }
    out.push({
      id,
      ...(apiVersion !== undefined ? { apiVersion } : {}),
      ...(kind !== undefined ? { kind } : {}),
      ...(namespace !== undefined ? { namespace } : {}),
      ...(name !== undefined ? { name } : {}),
      file,
      component: componentOf(file, stringField(body, ['metadata', 'labels', LABELS.component])),
      secret: kind === 'Secret',
      body,
    });
  }
  return out;
}

function componentOf(file: string, label: string | undefined): string {
  const parts = file.split('/');
  const folder = parts.length > 1 ? parts[0]! : '';
  const inSecrets = parts.length > 2 && parts[parts.length - 2] === 'secrets';
  const name = inSecrets ? 'secrets' : (label ?? path.posix.basename(file).replace(/\.ya?ml$/, ''));
  return folder ? `${folder}/${name}` : name;
}

function stringField(body: unknown, fieldPath: readonly string[]): string | undefined {
  let current = body;
  for (const part of fieldPath) {
    if (!isMapping(current)) return undefined;
    current = current[part];
  }
  return typeof current === 'string' ? current : undefined;
}

const FOLDER_ORDER: readonly string[] = [...LAYERS, NODE_FOLDER];

/** Orders files as Flux applies them: bootstrap, controllers, policies, platform, tenants, then node files and the rest. */
export function compareFiles(a: string, b: string): number {
  const rank = (file: string): number => {
    const i = FOLDER_ORDER.indexOf(file.split('/')[0]!);
    return i === -1 ? FOLDER_ORDER.length : i;
  };
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}
