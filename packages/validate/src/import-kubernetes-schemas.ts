import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { removeDeadScratch, scratchName, swapDirectory } from '@ck8s/core';
import { KubernetesSchemaConverter, type SchemaVariant } from './kubernetes-schema-converter.js';
import { parseKubernetesVersion } from './kubernetes-version.js';

/** Version of the output format; bump it whenever the generated files change, so caches re-import. */
export const SCHEMA_IMPORT_FORMAT = 2;

/** Both folders kubeconform can look in: `-strict` runs use the strict one. */
export const ALL_SCHEMA_VARIANTS: readonly SchemaVariant[] = ['standalone', 'standalone-strict'];

export interface ImportKubernetesSchemasProps {
  /** The OpenAPI definitions of the core API, e.g. `<mirror>/kubernetes/v1.33.0/_definitions.json`. */
  readonly definitionsFile: string;
  /** Folder that receives `v<version>-standalone[-strict]/`; other entries in it are left alone. */
  readonly outDir: string;
  /** The release the definitions describe, e.g. `1.33.0` (`1.33` means `1.33.0`); names the output folders. */
  readonly kubernetesVersion: string;
  /** Which folders to write. @default both `standalone` and `standalone-strict` */
  readonly variants?: readonly SchemaVariant[];
}

export interface ImportKubernetesSchemasResult {
  /** `major.minor.patch`, as passed to kubeconform's `-kubernetes-version`. */
  readonly kubernetesVersion: string;
  /** Kinds (group/version/kind) with a schema file, the same in every variant. */
  readonly kinds: number;
  /** Definitions in the input file. */
  readonly definitions: number;
  /** Schema files written over all variants. */
  readonly files: number;
  /** The folders written, absolute, in variant order. */
  readonly directories: readonly string[];
}

/**
 * Converts Kubernetes OpenAPI definitions into the standalone JSON schemas kubeconform reads
 * (`<outDir>/v1.33.0-standalone-strict/deployment-apps-v1.json`, ...), like openapi2jsonschema
 * does for kubeconform's public schema repository. Output is byte-stable for the same input and
 * each folder is replaced atomically, so readers never see a half-written folder.
 * @throws Error when the file is unreadable, not OpenAPI definitions, or refers outside itself
 */
export function importKubernetesSchemas(props: ImportKubernetesSchemasProps): ImportKubernetesSchemasResult {
  const version = parseKubernetesVersion(props.kubernetesVersion).full;
  const variants = props.variants ?? ALL_SCHEMA_VARIANTS;
  if (variants.length === 0) throw new Error('variants is empty; pass standalone, standalone-strict or both');
  for (const variant of variants)
    if (!ALL_SCHEMA_VARIANTS.includes(variant)) throw new Error(`unknown schema variant "${variant}"; expected standalone or standalone-strict`);

  let text: string;
  try {
    text = readFileSync(props.definitionsFile, 'utf8');
  } catch (e) {
    throw new Error(`cannot read kubernetes definitions ${props.definitionsFile}: ${(e as Error).message}`);
  }
  const converter = KubernetesSchemaConverter.parse(text, props.definitionsFile);

  const outDir = path.resolve(props.outDir);
  mkdirSync(outDir, { recursive: true });
  removeDeadScratch(outDir);
  // Staged next to the targets so each folder is swapped in by one exchange on one filesystem.
  const staging = path.join(outDir, scratchName('schemas'));
  mkdirSync(staging);
  try {
    let files = 0;
    let kinds = 0;
    const staged: { dir: string; target: string }[] = [];
    for (const variant of new Set(variants)) {
      const name = `v${version}-${variant}`;
      const dir = path.join(staging, name);
      mkdirSync(dir);
      const schemas = converter.convert(variant);
      for (const [file, content] of schemas) writeFileSync(path.join(dir, file), content);
      files += schemas.size;
      kinds = schemas.size;
      staged.push({ dir, target: path.join(outDir, name) });
    }
    for (const { dir, target } of staged) swapDirectory(dir, target);
    return { kubernetesVersion: version, kinds, definitions: converter.definitionCount, files, directories: staged.map((s) => s.target) };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
