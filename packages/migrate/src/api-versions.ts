import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { schemaMirrorDefinitionsFile, schemaMirrorReleases } from '@ck8s/core';
import * as path from 'node:path';
import { compare, type InputObject } from './input-objects.js';
import type { ApiVersionFinding } from './scan-model.js';

/** The API group/versions and kinds one Kubernetes release serves, read from a schema mirror's core definitions. */
export interface ServedApis {
  readonly kubernetesVersion: string;
  /** `group/version/Kind` (`/v1/Pod` for the core group) of every kind served. */
  readonly kinds: ReadonlySet<string>;
  /** Every built-in group the release knows (also those of which only a few versions are left). */
  readonly groups: ReadonlySet<string>;
}

/** Pseudo-kinds every group version lists in the definitions; they are not resources. */
const NOT_RESOURCES = new Set([
  'DeleteOptions',
  'WatchEvent',
  'Status',
  'APIGroup',
  'APIGroupList',
  'APIResourceList',
  'APIVersions',
  'Eviction',
  'Scale',
  'TokenRequest',
]);

/** Reads `kubernetes/v<major.minor>.0/_definitions.json` of a schema mirror. */
export function readServedApis(mirror: string, kubernetesVersion: string): ServedApis {
  const minor = /^(\d+)\.(\d+)/.exec(kubernetesVersion);
  if (!minor) throw new Error(`kubernetes version "${kubernetesVersion}" is not major.minor[.patch]`);
  const file = schemaMirrorDefinitionsFile(mirror, Number(minor[1]), Number(minor[2]));
  if (!existsSync(file))
    throw new Error(`schema mirror ${mirror} has no definitions for kubernetes ${minor[1]}.${minor[2]} (missing ${path.relative(mirror, file)})`);
  const definitions = (JSON.parse(readFileSync(file, 'utf8')) as { definitions?: Record<string, Record<string, unknown>> }).definitions ?? {};
  const kinds = new Set<string>();
  const groups = new Set<string>();
  for (const [name, definition] of Object.entries(definitions)) {
    for (const gvk of (definition['x-kubernetes-group-version-kind'] as { group: string; version: string; kind: string }[] | undefined) ?? []) {
      groups.add(gvk.group);
      if (NOT_RESOURCES.has(gvk.kind) || gvk.kind.endsWith('List') || !name.endsWith(`.${gvk.kind}`)) continue;
      kinds.add(`${gvk.group}/${gvk.version}/${gvk.kind}`);
    }
  }
  return { kubernetesVersion: `${minor[1]}.${minor[2]}`, kinds, groups };
}

/** Stable before beta before alpha, higher numbers first: `v2` > `v1` > `v1beta2` > `v1beta1` > `v1alpha1`. */
function versionRank(version: string): number {
  const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(version);
  if (!m) return 0;
  const stage = m[2] === 'alpha' ? 0 : m[2] === 'beta' ? 1 : 2;
  return stage * 1_000_000 + Number(m[1]) * 1000 + Number(m[3] ?? 0);
}

function split(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The preferred served version of a kind: its own group first, then any built-in group (Ingress moved from extensions). */
function servedReplacement(served: ServedApis, group: string, kind: string): string | null {
  const candidates = [...served.kinds]
    .map((key) => key.split('/'))
    .filter((parts) => parts[2] === kind)
    .map(([g = '', v = '']) => ({ group: g, version: v }))
    .sort(
      (a, b) => Number(b.group === group) - Number(a.group === group) || versionRank(b.version) - versionRank(a.version) || compare(a.group, b.group),
    );
  const best = candidates[0];
  return best ? (best.group ? `${best.group}/${best.version}` : best.version) : null;
}

/**
 * API versions of the input the target's Kubernetes no longer serves (removed, with the served
 * replacement) or serves for the last time among the releases in the mirror (deprecated, removed
 * in the next one that lacks it), and custom resources whose CRD schema the mirror does not have.
 */
export function apiVersionFindings(objects: readonly InputObject[], mirror: string, kubernetesVersion: string): ApiVersionFinding[] {
  const served = readServedApis(mirror, kubernetesVersion);
  const later = schemaMirrorReleases(mirror)
    .filter((release) => {
      const [a, b] = release.split('.').map(Number);
      const [c, d] = served.kubernetesVersion.split('.').map(Number);
      return a! > c! || (a === c && b! > d!);
    })
    .map((release) => readServedApis(mirror, release));
  const findings: ApiVersionFinding[] = [];
  const seen = new Set<string>();
  for (const object of objects) {
    const { group, version } = split(object.apiVersion);
    const key = `${group}/${version}/${object.kind}`;
    const base = { object: object.label, file: object.file, apiVersion: object.apiVersion, kind: object.kind };
    if (object.kind === 'List' || seen.has(`${key} ${object.label}`)) continue;
    seen.add(`${key} ${object.label}`);
    if (served.groups.has(group)) {
      if (served.kinds.has(key)) {
        const removedIn = later.find((release) => !release.kinds.has(key));
        if (removedIn) {
          const replacement = servedReplacement(removedIn, group, object.kind);
          findings.push({
            ...base,
            status: 'deprecated',
            replacement,
            detail: `served by kubernetes ${served.kubernetesVersion} but no longer by ${removedIn.kubernetesVersion}`,
          });
        }
        continue;
      }
      const replacement = servedReplacement(served, group, object.kind);
      findings.push({
        ...base,
        status: 'removed',
        replacement,
        detail: `not served by kubernetes ${served.kubernetesVersion}${replacement ? `; use ${replacement}` : '; the kind is gone, remove the object'}`,
      });
      continue;
    }
    if (!group.includes('.')) continue;
    const crdDir = path.join(mirror, 'crds', group);
    const schema = path.join(crdDir, `${object.kind.toLowerCase()}_${version}.json`);
    if (!existsSync(schema)) {
      const versions = existsSync(crdDir)
        ? readdirSync(crdDir)
            .filter((f) => f.startsWith(`${object.kind.toLowerCase()}_`))
            .map((f) => f.slice(object.kind.length + 1, -'.json'.length))
            .sort((a, b) => versionRank(b) - versionRank(a))
        : [];
      findings.push({
        ...base,
        status: 'unknown-custom-resource',
        replacement: versions[0] ? `${group}/${versions[0]}` : null,
        detail: versions[0]
          ? `the mirror's CRD schemas have ${group}/${versions.join(', ')} but not ${version}`
          : `no CRD schema for ${group} ${object.kind} in the mirror: the target runs no such controller unless the team installs it`,
      });
    }
  }
  return findings.sort((a, b) => compare(a.status, b.status) || compare(a.file, b.file) || compare(a.object, b.object));
}
