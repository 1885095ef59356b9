import { type ClusterFiles, parseManifests } from '@ck8s/core';
import {
  applyPostRenderPatches,
  type ChartRef,
  chartCrds,
  crdApiVersions,
  helmTemplate,
  type KustomizePatch,
  chartObtainer,
  type RenderedObject,
  setValuePath,
} from '@ck8s/validate';
import { stringify } from 'yaml';
import { diffClusterFiles, type ObjectChange } from './object-changes.js';

/** One cluster's generated output at the base and in the working tree, and how to render it. */
export interface ClusterToRenderDiff {
  readonly cluster: string;
  /** @default absent: the cluster is not at the base */
  readonly before?: ClusterFiles;
  /** @default absent: the cluster was removed */
  readonly after?: ClusterFiles;
  /** Full version the charts are rendered for, e.g. `1.33.0` (the working tree's cluster.yaml). */
  readonly kubernetesVersion: string;
}

export interface RenderedDiffOptions {
  readonly clusters: readonly ClusterToRenderDiff[];
  readonly helm: string;
  /** Chart mirror folder or Helm repository URL. @default each chart's own repository */
  readonly mirror?: string;
  /** Folder of pulled charts (see obtainChart). */
  readonly cacheDir: string;
  /** APIs every cluster serves that no chart or generated CRD provides (Flux's). @default none */
  readonly extraApiVersions?: readonly string[];
}

/** How one HelmRelease's rendered objects differ between the base and the working tree. */
export interface ReleaseRenderDiff {
  readonly namespace: string;
  readonly release: string;
  /** The Argo CD Application that installs the release (`Application argocd/<name>`), on a cluster Argo CD syncs. @default absent: a HelmRelease `<namespace>/<release>` */
  readonly application?: string;
  /** `added`: only in the working tree; `unchanged`: same chart, version and values, so not rendered again. */
  readonly status: 'added' | 'removed' | 'changed' | 'unchanged';
  /** `<chart>-<version>` at the base. @default absent: added */
  readonly chartBefore?: string;
  /** `<chart>-<version>` in the working tree. @default absent: removed */
  readonly chartAfter?: string;
  /** Rendered objects that differ (Secrets: key names only). */
  readonly objects: readonly ObjectChange[];
  /** Why a side could not be rendered: the diff of this release is then incomplete. @default none */
  readonly error?: string;
}

export interface ClusterRenderDiff {
  readonly cluster: string;
  readonly releases: readonly ReleaseRenderDiff[];
}

export interface RenderedDiff {
  /** How many releases were rendered again (one or both sides), and how many were left alone as identical. */
  readonly rendered: number;
  readonly identical: number;
  /** valuesFrom entries rendered with a placeholder on both sides: sops values are never decrypted for a diff. */
  readonly placeholders: number;
  readonly clusters: readonly ClusterRenderDiff[];
}

/** A HelmRelease or Helm-source Application of the generated output, with its chart resolved from its source. */
interface OutputRelease {
  readonly namespace: string;
  readonly name: string;
  /** `argocd/<name>` of the Application that installs it. @default absent: a HelmRelease */
  readonly application?: string;
  readonly releaseName: string;
  readonly chart?: ChartRef;
  readonly values: Record<string, unknown>;
  readonly patches: readonly KustomizePatch[];
  /** Everything that decides the render: equal identities render equally. */
  readonly identity: string;
  readonly placeholders: number;
}

// kinds helm leaves unnamespaced that are cluster-scoped: the others get the release namespace, as helm installs them
const CLUSTER_SCOPED = new Set([
  'APIService',
  'ClusterRole',
  'ClusterRoleBinding',
  'CSIDriver',
  'CustomResourceDefinition',
  'IngressClass',
  'MutatingWebhookConfiguration',
  'Namespace',
  'PersistentVolume',
  'PriorityClass',
  'RuntimeClass',
  'StorageClass',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ValidatingWebhookConfiguration',
]);

/**
 * The rendered objects a change of the generated HelmReleases changes, as flux-local's diff shows
 * them for Flux repositories: every release whose chart, version, values or post-render patches
 * differ is rendered with the real helm at both sides (the base's and the working tree's
 * HelmRelease, each side's CRDs offered as APIs), and the objects are compared like the generated
 * output. Releases that are identical at both sides are not rendered. Values from sops Secrets are
 * given to helm as the same placeholder at both sides, so no secret is decrypted and none shows.
 */
export async function diffRenderedReleases(options: RenderedDiffOptions): Promise<RenderedDiff> {
  const obtain = chartObtainer({ helm: options.helm, cacheDir: options.cacheDir, ...(options.mirror ? { mirror: options.mirror } : {}) });
  const crds = new Map<string, Promise<RenderedObject[]>>();
  const crdsOf = (file: string): Promise<RenderedObject[]> => {
    let found = crds.get(file);
    if (!found) {
      found = chartCrds(options.helm, file);
      crds.set(file, found);
    }
    return found;
  };
  let rendered = 0;
  let identical = 0;
  let placeholders = 0;
  const clusters: ClusterRenderDiff[] = [];

  for (const cluster of options.clusters) {
    const before = outputReleases(cluster.before);
    const after = outputReleases(cluster.after);
    const keys = [...new Set([...before.releases.keys(), ...after.releases.keys()])].sort();
    const changed = keys.filter((k) => before.releases.get(k)?.identity !== after.releases.get(k)?.identity);
    identical += keys.length - changed.length;
    // the APIs each side's cluster serves: its generated CRDs, its charts' CRDs and the extra ones
    const apiVersions = async (side: typeof before): Promise<string[]> => {
      const objects: RenderedObject[] = [...side.generated];
      for (const r of side.releases.values()) {
        if (!r.chart) continue;
        const chart = await obtain(r.chart).catch(() => undefined);
        if (chart) objects.push(...(await crdsOf(chart.file).catch(() => [])));
      }
      return [...new Set([...crdApiVersions(objects), ...(options.extraApiVersions ?? [])])].sort();
    };
    const apis = changed.length > 0 ? { before: await apiVersions(before), after: await apiVersions(after) } : { before: [], after: [] };

    const releases: ReleaseRenderDiff[] = [];
    for (const key of keys) {
      const b = before.releases.get(key);
      const a = after.releases.get(key);
      const [namespace, release] = key.split('/') as [string, string];
      const chartName = (r: OutputRelease | undefined): string | undefined => (r?.chart ? `${r.chart.chart}-${r.chart.version}` : undefined);
      const application = a?.application ?? b?.application;
      const base = {
        namespace,
        release,
        ...(application ? { application } : {}),
        ...(chartName(b) ? { chartBefore: chartName(b)! } : {}),
        ...(chartName(a) ? { chartAfter: chartName(a)! } : {}),
      };
      if (!changed.includes(key)) {
        releases.push({ ...base, status: 'unchanged', objects: [] });
        continue;
      }
      rendered++;
      placeholders += (b?.placeholders ?? 0) + (a?.placeholders ?? 0);
      const errors: string[] = [];
      const render = async (r: OutputRelease | undefined, side: 'base' | 'working tree', api: string[]): Promise<ClusterFiles> => {
        if (!r) return new Map();
        try {
          if (!r.chart) throw new Error(`its chart source is not in the generated output`);
          const chart = await obtain(r.chart);
          const objects = applyPostRenderPatches(
            await helmTemplate({
              helm: options.helm,
              chart: chart.file,
              releaseName: r.releaseName,
              namespace: r.namespace,
              values: r.values,
              kubernetesVersion: cluster.kubernetesVersion,
              apiVersions: api,
            }),
            r.patches,
          );
          return new Map([[`${r.namespace}/${r.name}.yaml`, objects.map((o) => stringify(namespaced(o, r.namespace))).join('---\n')]]);
        } catch (e) {
          errors.push(`${side}: ${(e as Error).message}`);
          return new Map();
        }
      };
      const changes = diffClusterFiles(await render(b, 'base', apis.before), await render(a, 'working tree', apis.after));
      // one side missing would show every object of the other as added or removed: only the error is true
      const objects = errors.length > 0 ? [] : changes;
      releases.push({
        ...base,
        status: !b ? 'added' : !a ? 'removed' : 'changed',
        objects,
        ...(errors.length > 0 ? { error: `does not render at the ${errors.join('; ')}` } : {}),
      });
    }
    clusters.push({ cluster: cluster.cluster, releases });
  }
  return { rendered, identical, placeholders, clusters };
}

function namespaced(o: RenderedObject, namespace: string): RenderedObject {
  if (o.metadata?.namespace || CLUSTER_SCOPED.has(o.kind) || !o.metadata) return o;
  return { ...o, metadata: { ...o.metadata, namespace } };
}

/**
 * The releases of a cluster's generated output, by `namespace/name`: its HelmReleases and, on a
 * cluster Argo CD syncs, its Helm-source Applications (keyed by the release they install, so the
 * same release under either engine renders once); and its other objects (for CRDs).
 */
function outputReleases(files: ClusterFiles | undefined): { releases: Map<string, OutputRelease>; generated: RenderedObject[] } {
  const releases = new Map<string, OutputRelease>();
  const generated: RenderedObject[] = [];
  if (!files) return { releases, generated };
  const objects = parseManifests(files)
    .map((o) => o.body as RenderedObject | undefined)
    .filter((b): b is RenderedObject => !!b && typeof b === 'object' && !Array.isArray(b));
  generated.push(...objects);
  const source = (kind: string, name: string, namespace: string): RenderedObject | undefined =>
    objects.find((o) => o.kind === kind && o.metadata?.name === name && (o.metadata?.namespace ?? namespace) === namespace);
  for (const o of objects) {
    const app = applicationRelease(o);
    if (app) releases.set(`${app.namespace}/${app.releaseName}`, app);
    if (o.kind !== 'HelmRelease' || typeof o.metadata?.name !== 'string') continue;
    const namespace: string = o.metadata.namespace ?? 'default';
    let chart: ChartRef | undefined;
    const spec = o.spec ?? {};
    if (spec.chartRef?.kind === 'OCIRepository') {
      const repo = source('OCIRepository', spec.chartRef.name, spec.chartRef.namespace ?? namespace);
      const url: string | undefined = repo?.spec?.url;
      const tag: string | undefined = repo?.spec?.ref?.tag;
      if (url && tag) {
        const slash = url.lastIndexOf('/');
        chart = { repository: url.slice(0, slash), chart: url.slice(slash + 1), version: tag };
      }
    } else if (spec.chart?.spec) {
      const ref = spec.chart.spec;
      const repo = source(ref.sourceRef?.kind ?? 'HelmRepository', ref.sourceRef?.name, ref.sourceRef?.namespace ?? namespace);
      if (repo?.spec?.url && ref.chart && ref.version) chart = { repository: repo.spec.url, chart: ref.chart, version: String(ref.version) };
    }
    const values = structuredClone(spec.values ?? {}) as Record<string, unknown>;
    let placeholders = 0;
    for (const from of spec.valuesFrom ?? []) {
      // the same placeholder at both sides: a changed sops value is not a rendered difference anyone may see
      placeholders++;
      if (from.targetPath) setValuePath(values, from.targetPath, `placeholder-${from.name}-${from.valuesKey ?? 'values.yaml'}`);
    }
    const patches: KustomizePatch[] = (spec.postRenderers ?? []).flatMap((p: RenderedObject) => p.kustomize?.patches ?? []);
    const releaseName: string = spec.releaseName ?? o.metadata.name;
    releases.set(`${namespace}/${o.metadata.name}`, {
      namespace,
      name: o.metadata.name,
      releaseName,
      ...(chart ? { chart } : {}),
      values,
      patches,
      placeholders,
      identity: JSON.stringify([chart ?? null, releaseName, values, spec.valuesFrom ?? [], patches]),
    });
  }
  return { releases, generated };
}

/** The release an Argo CD Application with a Helm source installs; undefined for any other object. */
function applicationRelease(o: RenderedObject): OutputRelease | undefined {
  const source = o.spec?.source;
  if (o.kind !== 'Application' || !String(o.apiVersion ?? '').startsWith('argoproj.io/') || typeof source?.chart !== 'string') return undefined;
  if (typeof o.metadata?.name !== 'string') return undefined;
  const namespace: string = o.spec?.destination?.namespace ?? 'default';
  const repoURL = String(source.repoURL ?? '');
  // Argo CD writes an OCI registry without its scheme
  const repository = /^[a-z][a-z0-9+.-]*:\/\//.test(repoURL) ? repoURL : `oci://${repoURL}`;
  const chart: ChartRef | undefined =
    repoURL && source.targetRevision ? { repository, chart: source.chart, version: String(source.targetRevision) } : undefined;
  const values = structuredClone(source.helm?.valuesObject ?? {}) as Record<string, unknown>;
  const releaseName: string = source.helm?.releaseName ?? o.metadata.name;
  return {
    namespace,
    name: o.metadata.name,
    application: `${o.metadata.namespace ?? 'argocd'}/${o.metadata.name}`,
    releaseName,
    ...(chart ? { chart } : {}),
    values,
    patches: [],
    placeholders: 0,
    // as a HelmRelease's: the same release under either engine is the same render
    identity: JSON.stringify([chart ?? null, releaseName, values, [], []]),
  };
}
