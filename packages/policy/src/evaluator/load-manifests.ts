import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { ManifestDocument } from './evaluate-manifests.js';

/** Kustomize's own file, which is not a Kubernetes object. */
const KUSTOMIZATION_FILES = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);

/**
 * Reads Kubernetes manifests from files and folders: a folder is searched recursively for
 * `*.yaml` and `*.yml` files, in sorted order. Every non-empty document of a (multi-document) file
 * becomes one entry, named by the path as given or joined onto the folder given; a `v1` List is
 * expanded into its items. Kustomization files are skipped.
 */
export function loadManifests(paths: readonly string[]): ManifestDocument[] {
  const documents: ManifestDocument[] = [];
  for (const given of paths) {
    for (const file of manifestFiles(given)) documents.push(...readManifestFile(file));
  }
  return documents;
}

function manifestFiles(given: string): string[] {
  let stats;
  try {
    stats = statSync(given);
  } catch {
    throw new Error(`manifest path "${given}" does not exist`);
  }
  if (!stats.isDirectory()) return KUSTOMIZATION_FILES.has(path.basename(given)) ? [] : [given];
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(entry.name) && !KUSTOMIZATION_FILES.has(entry.name)) files.push(full);
    }
  };
  walk(given);
  return files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function readManifestFile(file: string): ManifestDocument[] {
  const text = readFileSync(file, 'utf8');
  const documents: ManifestDocument[] = [];
  parseAllDocuments(text).forEach((document, index) => {
    const error = document.errors[0];
    if (error) throw new Error(`invalid yaml in ${file} (document ${index + 1}): ${error.message}`);
    let object: unknown;
    try {
      object = document.toJS({ maxAliasCount: 100 });
    } catch (e) {
      // e.g. aliases that expand without bound ("billion laughs")
      throw new Error(`cannot read ${file} (document ${index + 1}): ${(e as Error).message.charAt(0).toLowerCase()}${(e as Error).message.slice(1)}`);
    }
    if (object === null || object === undefined) return;
    if (typeof object !== 'object' || Array.isArray(object)) {
      throw new Error(
        `invalid manifest in ${file} (document ${index + 1}): expected a kubernetes object, got ${Array.isArray(object) ? 'a list' : typeof object}`,
      );
    }
    const record = object as Record<string, unknown>;
    if (record['apiVersion'] === 'v1' && record['kind'] === 'List' && Array.isArray(record['items'])) {
      for (const item of record['items']) documents.push({ file, object: item });
    } else {
      documents.push({ file, object });
    }
  });
  return documents;
}
