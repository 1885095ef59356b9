import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { replaceTree, toYamlDocument } from '@ck8s/core';
import { evaluateManifests, type ManifestDocument, type ManifestResult } from '@ck8s/policy';
import { parseAllDocuments, stringify } from 'yaml';
import type { AdmissionTarget, FixPatch } from './admission-precheck.js';

/** First line of the fix folder's kustomization, so a rerun knows it may replace the folder. */
export const FIX_MARKER = '# Written by `ck8s migrate scan --fix`';

/**
 * The files of the fix folder: a kustomize Component with one patch per denied object (strategic
 * merge for pod specs, JSON 6902 for a Service's type and the fields only load balancers have).
 * A Component, so it adds to the user's own kustomization without copying their manifests.
 */
export function fixFiles(patches: readonly FixPatch[], cluster: string): Map<string, string> {
  const files = new Map<string, string>();
  const entries: Record<string, unknown>[] = [];
  for (const patch of [...patches].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))) {
    const file = `patches/${patch.file}`;
    if (patch.jsonPatch) {
      files.set(file, stringify(patch.jsonPatch));
      entries.push({ path: file, target: { kind: patch.kind, name: patch.name, ...(patch.namespace ? { namespace: patch.namespace } : {}) } });
    } else if (patch.strategicMerge) {
      files.set(file, toYamlDocument(patch.strategicMerge));
      entries.push({ path: file });
    }
  }
  const header = [
    FIX_MARKER,
    `# the admission fixes for cluster ${cluster}. Add this folder to the kustomization that builds the`,
    '# manifests (`components: [<path to this folder>]`); the manifests themselves stay as they are.',
  ].join('\n');
  files.set('kustomization.yaml', `${header}\n${stringify({ apiVersion: 'kustomize.config.k8s.io/v1alpha1', kind: 'Component', patches: entries })}`);
  return files;
}

/**
 * Writes the fix folder as a whole (staged, then swapped in). Refuses a folder that holds or is
 * held by an input, and a non-empty folder this command did not write.
 */
export function writeFixFolder(dir: string, files: ReadonlyMap<string, string>, inputs: readonly string[]): void {
  const resolved = path.resolve(dir);
  for (const input of inputs.map((i) => path.resolve(i))) {
    const inside = (a: string, b: string) => a === b || a.startsWith(`${b}${path.sep}`);
    if (inside(resolved, input) || inside(input, resolved))
      throw new Error(`--fix ${dir}: the fix folder must be outside the inputs (it overlaps ${input}); the inputs are never changed`);
  }
  if (existsSync(resolved) && readdirSync(resolved).length > 0) {
    const kustomization = path.join(resolved, 'kustomization.yaml');
    if (!existsSync(kustomization) || !readFileSync(kustomization, 'utf8').startsWith(FIX_MARKER)) {
      throw new Error(`--fix ${dir}: the folder is not empty and was not written by ck8s migrate scan; choose an empty or new folder`);
    }
  }
  replaceTree(resolved, files, { keep: [] });
}

/**
 * Builds the input files with the fix folder as a component through the real kustomize, in a
 * scratch folder, and returns the patched objects (nothing is written next to the inputs).
 * @param kustomize path of the kustomize binary
 */
export function buildWithFixes(kustomize: string, inputFiles: readonly string[], fixDir: string): ManifestDocument[] {
  const scratch = mkdtempSync(path.join(tmpdir(), 'ck8s-migrate-fix-'));
  try {
    writeFileSync(
      path.join(scratch, 'kustomization.yaml'),
      stringify({
        apiVersion: 'kustomize.config.k8s.io/v1beta1',
        kind: 'Kustomization',
        resources: inputFiles.map((f) => path.relative(scratch, path.resolve(f))),
        components: [path.relative(scratch, path.resolve(fixDir))],
      }),
    );
    let output: string;
    try {
      output = execFileSync(kustomize, ['build', '--load-restrictor', 'LoadRestrictionsNone', scratch], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 256 * 1024 * 1024,
      });
    } catch (e) {
      const output = (e as { stderr?: unknown }).stderr;
      const stderr = (typeof output === 'string' && output ? output : (e as Error).message).trim();
      throw new Error(
        `kustomize build with the fixes failed: ${stderr.replace(new RegExp(scratch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g'), '<scratch>')}`,
      );
    }
    return parseAllDocuments(output)
      .map((document) => document.toJS() as unknown)
      .filter((object) => object !== null && object !== undefined)
      .map((object) => ({ file: 'kustomize build', object }));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The proof of the fixes: the inputs built with the fix folder by kustomize, evaluated again with
 * the target's rules by the policy evaluator. Returns the patched objects and their verdicts.
 */
export function verifyFixes(
  kustomize: string,
  inputFiles: readonly string[],
  fixDir: string,
  admission: AdmissionTarget,
): { objects: ManifestDocument[]; results: ManifestResult[] } {
  const objects = buildWithFixes(kustomize, inputFiles, fixDir);
  const results = evaluateManifests(admission.rules, objects, {
    exceptions: admission.exceptions,
    ...(admission.namespace ? { namespace: admission.namespace } : {}),
    ...(admission.namespaces ? { namespaces: admission.namespaces } : {}),
  });
  return { objects, results };
}
