import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigError, schemaMirrorDefinitionsFile, schemaMirrorReleases, SETTINGS_FILE, type Workspace, writeFileAtomic } from '@ck8s/core';
import {
  ALL_SCHEMA_VARIANTS,
  importKubernetesSchemas,
  type ImportKubernetesSchemasResult,
  SCHEMA_IMPORT_FORMAT,
} from './import-kubernetes-schemas.js';
import { parseKubernetesVersion } from './kubernetes-version.js';

/** kubeconform's own default plus the public CRDs catalog: what online users get with no settings. */
export const REMOTE_SCHEMA_LOCATIONS: readonly string[] = [
  'default',
  'https://raw.githubusercontent.com/datreeio/CRDs-catalog/main/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json',
];

/** Where the core Kubernetes schemas imported from a mirror are kept, under the repository root. */
export const IMPORTED_SCHEMAS_DIR = path.join('.ck8s', 'schemas', 'kubernetes');

/** What to pass to kubeconform for one Kubernetes version. */
export interface SchemaLocations {
  /** Value of `-kubernetes-version`, `major.minor.patch`. */
  readonly kubernetesVersion: string;
  /** Values of `-schema-location`, tried in order. */
  readonly locations: readonly string[];
  /** Where the locations come from: `validation.schemaLocations`, `validation.schemaMirror`, or neither. */
  readonly source: 'settings' | 'mirror' | 'remote';
  /** Set when this call (re-)imported the core schemas from the mirror; undefined when the cache was current. */
  readonly imported?: ImportKubernetesSchemasResult;
}

interface ImportStamp {
  readonly format: number;
  readonly sha256: string;
  readonly variants: readonly string[];
}

const SETTING = 'validation.schemaMirror';

function mirrorProblem(message: string): ConfigError {
  return new ConfigError([{ file: SETTINGS_FILE, path: SETTING, message }]);
}

function readStamp(file: string): ImportStamp | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ImportStamp;
  } catch {
    return undefined;
  }
}

/**
 * Imports a mirror's core definitions unless the cache already holds them: the stamp records the
 * definitions' sha256 and the import format, so a changed mirror or importer triggers a re-import.
 */
function importCached(definitionsFile: string, outDir: string, version: string): ImportKubernetesSchemasResult | undefined {
  const sha256 = createHash('sha256').update(readFileSync(definitionsFile)).digest('hex');
  const variants = [...ALL_SCHEMA_VARIANTS];
  const stampFile = path.join(outDir, `v${version}.stamp.json`);
  const stamp = readStamp(stampFile);
  const current =
    stamp?.format === SCHEMA_IMPORT_FORMAT &&
    stamp.sha256 === sha256 &&
    variants.every((v) => stamp.variants?.includes(v) && existsSync(path.join(outDir, `v${version}-${v}`)));
  if (current) return undefined;

  const result = importKubernetesSchemas({ definitionsFile, outDir, kubernetesVersion: version, variants });
  const next: ImportStamp = { format: SCHEMA_IMPORT_FORMAT, sha256, variants };
  mkdirSync(outDir, { recursive: true });
  // Written after the folders, atomically, so a stamp never vouches for a partial import.
  writeFileAtomic(stampFile, `${JSON.stringify(next, null, 2)}\n`);
  return result;
}

/**
 * The kubeconform schema locations for a workspace and Kubernetes version (`1.33` or `1.33.2`):
 * `validation.schemaLocations` as they are; else, with `validation.schemaMirror`, the mirror's core
 * definitions imported (cached) into `.ck8s/schemas/kubernetes/` plus the mirror's CRD schemas;
 * else kubeconform's remote defaults.
 * @throws ConfigError naming `validation.schemaMirror` when the mirror or its version is missing
 */
export function resolveSchemaLocations(workspace: Workspace, kubernetesVersion: string): SchemaLocations {
  const version = parseKubernetesVersion(kubernetesVersion);
  const { schemaLocations, schemaMirror } = workspace.settings.validation;
  if (schemaLocations) return { kubernetesVersion: version.full, locations: [...schemaLocations], source: 'settings' };
  if (!schemaMirror) return { kubernetesVersion: version.full, locations: REMOTE_SCHEMA_LOCATIONS, source: 'remote' };

  const mirror = path.resolve(workspace.root, schemaMirror);
  if (!statSync(mirror, { throwIfNoEntry: false })?.isDirectory())
    throw mirrorProblem(`schema mirror ${schemaMirror} (${mirror}) does not exist or is not a folder`);
  // A mirror holds one set of core definitions per minor release; patch releases share the API.
  const mirrorVersion = `${version.major}.${version.minor}.0`;
  const definitionsFile = schemaMirrorDefinitionsFile(mirror, version.major, version.minor);
  if (!existsSync(definitionsFile)) {
    const available = schemaMirrorReleases(mirror);
    throw mirrorProblem(
      `schema mirror ${schemaMirror} has no schemas for kubernetes ${version.major}.${version.minor} (missing kubernetes/v${mirrorVersion}/_definitions.json); available: ${available.length > 0 ? available.join(', ') : 'none'}`,
    );
  }

  const outDir = path.join(workspace.root, IMPORTED_SCHEMAS_DIR);
  const imported = importCached(definitionsFile, outDir, mirrorVersion);
  return {
    kubernetesVersion: mirrorVersion,
    locations: [
      path.join(outDir, '{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}', '{{ .ResourceKind }}{{ .KindSuffix }}.json'),
      path.join(mirror, 'crds', '{{ .Group }}', '{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json'),
    ],
    source: 'mirror',
    ...(imported ? { imported } : {}),
  };
}
