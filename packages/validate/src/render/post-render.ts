import { parse } from 'yaml';
import type { RenderedObject } from './helm-template.js';

/** A Flux `postRenderers[].kustomize.patches[]` entry. */
export interface KustomizePatch {
  readonly target?: { readonly kind?: string; readonly name?: string; readonly namespace?: string };
  readonly patch: string;
}

// List fields whose items strategic merge matches by `name` (the ones of pod templates).
const MERGE_BY_NAME = new Set(['containers', 'initContainers', 'ephemeralContainers', 'volumes', 'volumeMounts', 'env', 'ports']);

function isPlainObject(v: unknown): v is Record<string, any> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function merge(base: unknown, patch: unknown, key?: string): unknown {
  if (patch === null) return undefined;
  if (isPlainObject(base) && isPlainObject(patch)) {
    const out: Record<string, any> = { ...base };
    for (const [k, v] of Object.entries(patch)) {
      const merged = merge(base[k], v, k);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    }
    return out;
  }
  if (key && MERGE_BY_NAME.has(key) && Array.isArray(base) && Array.isArray(patch)) {
    const out = [...base];
    for (const item of patch) {
      const at = isPlainObject(item) ? out.findIndex((b) => isPlainObject(b) && b.name === item.name) : -1;
      if (at >= 0) out[at] = merge(out[at], item);
      else out.push(item);
    }
    return out;
  }
  return patch;
}

/**
 * Applies the strategic-merge patches of a HelmRelease's kustomize post-renderer to the rendered
 * objects, as helm-controller does before installing: maps merge, `null` deletes, and the lists of
 * a pod template (containers, volumes, env, ...) merge item by `name`. Other lists are replaced.
 * @throws Error when a patch selects no rendered object (the chart changed under it)
 */
export function applyPostRenderPatches(objects: readonly RenderedObject[], patches: readonly KustomizePatch[]): RenderedObject[] {
  let out = [...objects];
  for (const p of patches) {
    const body = parse(p.patch) as RenderedObject;
    const kind = p.target?.kind ?? body?.kind;
    const name = p.target?.name ?? body?.metadata?.name;
    let hit = false;
    out = out.map((o) => {
      if (o.kind !== kind || o.metadata?.name !== name || (p.target?.namespace && o.metadata?.namespace !== p.target.namespace)) return o;
      hit = true;
      const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = body ?? {};
      return merge(o, rest) as RenderedObject;
    });
    if (!hit) throw new Error(`post-render patch for ${kind}/${name} matches no rendered object`);
  }
  return out;
}
