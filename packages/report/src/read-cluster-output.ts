import { type CatalogEntry, compareFiles, parseManifests, POD_SECURITY_EXCEPTION_ANNOTATION } from '@ck8s/core';
import { parse } from 'yaml';
import type { AccessReport, ChartReport, ComponentReport, KindCount, PolicyExceptionReport, SecretReport } from './report-model.js';

export interface ReadClusterOutputOptions {
  /** The cluster folder relative to the repository root (e.g. `clusters/demo-wc`), put in front of every file. */
  readonly displayDir: string;
  /** Pinned charts, to describe each chart and flag a generated version that differs from its pin. @default none */
  readonly catalog?: readonly CatalogEntry[];
}

/** What the report shows of a cluster's committed output. */
export interface ClusterOutput {
  readonly components: readonly ComponentReport[];
  readonly secrets: readonly SecretReport[];
  /** Who can read what, from the RBAC bindings of identity-provider groups and the log store's roles. */
  readonly access: readonly AccessReport[];
  /** Namespaces whose Pod Security level is lowered, with the reason written on them. */
  readonly podSecurityExceptions: readonly PolicyExceptionReport[];
}

type Doc = any;

interface ParsedFile {
  readonly file: string;
  readonly docs: readonly Doc[];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function kindCounts(docs: readonly Doc[]): KindCount[] {
  const counts = new Map<string, number>();
  for (const doc of docs) {
    const kind = typeof doc.kind === 'string' ? doc.kind : 'document';
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return [...counts].sort(([a], [b]) => compare(a, b)).map(([kind, count]) => ({ kind, count }));
}

/** Finds the chart source a HelmRelease points at, anywhere in the cluster's output. */
function findSource(all: readonly Doc[], kind: string, name: string, namespace: string | undefined): Doc | undefined {
  return all.find((d) => d.kind === kind && d.metadata?.name === name && (d.metadata?.namespace ?? undefined) === namespace);
}

/** An Argo CD Application with a Helm source: what a HelmRelease is on a cluster Argo CD syncs. */
function isChartApplication(d: Doc): boolean {
  return d.kind === 'Application' && String(d.apiVersion ?? '').startsWith('argoproj.io/') && typeof d.spec?.source?.chart === 'string';
}

/** Whether a document deploys a chart: a Flux HelmRelease or an Argo CD Helm-source Application. */
function deploysChart(d: Doc): boolean {
  return d.kind === 'HelmRelease' || isChartApplication(d);
}

/** The chart values of a HelmRelease (`spec.values`) or of a Helm-source Application (`spec.source.helm.valuesObject`). */
function chartValues(d: Doc): Doc {
  return d.kind === 'HelmRelease' ? d.spec?.values : isChartApplication(d) ? d.spec?.source?.helm?.valuesObject : undefined;
}

function chartOf(release: Doc, all: readonly Doc[], catalog: readonly CatalogEntry[]): ChartReport {
  if (isChartApplication(release)) return applicationChartOf(release, catalog);
  const namespace: string | undefined = release.metadata?.namespace;
  const releaseName = `${namespace ? `${namespace}/` : ''}${release.metadata?.name ?? ''}`;
  let chart = 'unknown';
  let version = 'unknown';
  let repository = 'unknown';
  const spec = release.spec?.chart?.spec;
  const ref = release.spec?.chartRef;
  if (spec) {
    // a HelmRepository (or GitRepository/Bucket) source with the chart and version on the release
    chart = String(spec.chart ?? chart);
    version = String(spec.version ?? '*');
    const source = spec.sourceRef ? findSource(all, spec.sourceRef.kind, spec.sourceRef.name, spec.sourceRef.namespace ?? namespace) : undefined;
    if (source?.spec?.url) repository = String(source.spec.url);
  } else if (ref) {
    // an OCIRepository names the chart in its URL and pins the version in its ref
    const source = findSource(all, ref.kind, ref.name, ref.namespace ?? namespace);
    const url: string | undefined = source?.spec?.url;
    if (url) {
      const slash = url.lastIndexOf('/');
      repository = url.slice(0, slash);
      chart = url.slice(slash + 1);
    }
    const pin = source?.spec?.ref;
    version = String(pin?.tag ?? pin?.semver ?? pin?.digest ?? version);
  }
  return withCatalog({ release: releaseName, chart, version, repository }, catalog);
}

/**
 * The chart of a Helm-source Application, named by the release it installs (`namespace/release`,
 * as a HelmRelease's); Argo CD writes an OCI registry without its scheme.
 */
function applicationChartOf(app: Doc, catalog: readonly CatalogEntry[]): ChartReport {
  const source = app.spec.source;
  const repoURL = String(source.repoURL ?? 'unknown');
  const repository = /^[a-z][a-z0-9+.-]*:\/\//.test(repoURL) || repoURL === 'unknown' ? repoURL : `oci://${repoURL}`;
  const namespace: string = app.spec?.destination?.namespace ?? '';
  const release = source.helm?.releaseName ?? app.metadata?.name ?? '';
  return withCatalog(
    {
      release: `${namespace ? `${namespace}/` : ''}${release}`,
      chart: String(source.chart),
      version: String(source.targetRevision ?? '*'),
      repository,
    },
    catalog,
  );
}

/** A chart with its catalog description, and the pinned version when the generated one differs. */
function withCatalog(found: Pick<ChartReport, 'release' | 'chart' | 'version' | 'repository'>, catalog: readonly CatalogEntry[]): ChartReport {
  const { release: releaseName, chart, version, repository } = found;
  const entry = catalog.find((e) => e.chart === chart && e.repository === repository);
  return {
    release: releaseName,
    chart,
    version,
    repository,
    ...(entry?.description ? { description: entry.description } : {}),
    ...(entry && entry.version !== version ? { catalogVersion: entry.version } : {}),
  };
}

/**
 * Reads a cluster's committed output (relative path to content, as readTree gives it) into the
 * report's components, Secrets and Pod Security exceptions. Only metadata of Secrets is read:
 * their values are never looked at, so they cannot reach the report.
 */
export function readClusterOutput(files: ReadonlyMap<string, string>, options: ReadClusterOutputOptions): ClusterOutput {
  const catalog = options.catalog ?? [];
  const display = (file: string): string => `${options.displayDir}/${file}`;
  const parsed = parseManifests(files);
  const objects = parsed.filter((o) => o.body !== undefined && o.body !== null && typeof o.body === 'object');
  const secrets: SecretReport[] = objects
    .filter((o) => o.file.split('/').length === 3 && o.file.split('/')[1] === 'secrets' && o.kind === 'Secret')
    .map((o) => ({
      namespace: o.namespace ?? '',
      name: o.name ?? '',
      file: display(o.file),
      encrypted: (o.body as Doc).sops !== undefined && (o.body as Doc).sops !== null,
    }));
  // one file per component in each layer folder; kustomize's own lists and the node folder are not components
  const byFile = new Map<string, Doc[]>();
  for (const o of parsed) {
    const parts = o.file.split('/');
    if (parts.length !== 2 || parts[1] === 'kustomization.yaml') continue;
    // a file that does not parse is still a component, with no objects (validate reports the file)
    byFile.set(o.file, [...(byFile.get(o.file) ?? []), ...(objects.includes(o) ? [o.body] : [])]);
  }
  const componentFiles: ParsedFile[] = [...byFile].map(([file, docs]) => ({ file, docs }));

  const all = componentFiles.flatMap((f) => f.docs);
  const components = componentFiles
    .map((f): ComponentReport => {
      const [layer, name] = f.file.split('/') as [string, string];
      return {
        layer,
        name: name.replace(/\.yaml$/, ''),
        file: display(f.file),
        kinds: kindCounts(f.docs),
        charts: f.docs.filter(deploysChart).map((d) => chartOf(d, all, catalog)),
      };
    })
    .sort((a, b) => compareFiles(`${a.layer}/${a.name}`, `${b.layer}/${b.name}`));

  const podSecurityExceptions = componentFiles
    .flatMap((f) =>
      f.docs.filter((d) => d.kind === 'Namespace' && d.metadata?.annotations?.[POD_SECURITY_EXCEPTION_ANNOTATION]).map((d) => ({ f, d })),
    )
    .map(({ f, d }): PolicyExceptionReport => ({
      namespace: String(d.metadata.name),
      rule: `pod-security: ${d.metadata.labels?.['pod-security.kubernetes.io/enforce'] ?? 'lowered'}`,
      reason: String(d.metadata.annotations[POD_SECURITY_EXCEPTION_ANNOTATION]),
      source: display(f.file),
    }))
    .sort((a, b) => compare(a.namespace, b.namespace));

  return {
    components,
    access: accessOf(componentFiles, display),
    secrets: secrets.sort((a, b) => compare(a.namespace, b.namespace) || compare(a.name, b.name) || compare(a.file, b.file)),
    podSecurityExceptions,
  };
}

/** The prefix the API server gives identity-provider groups (core's OIDC_GROUP_PREFIX). */
const OIDC_PREFIX = 'oidc:';

/**
 * Grants of identity-provider groups: RoleBindings and ClusterRoleBindings of `oidc:` groups, and
 * the log store's role mappings (the OpenSearch security configuration in its HelmRelease's values)
 * with the indices each role reads and its document-level security.
 */
function accessOf(files: readonly ParsedFile[], display: (file: string) => string): AccessReport[] {
  const access: AccessReport[] = [];
  for (const f of files) {
    for (const d of f.docs) {
      if ((d.kind === 'RoleBinding' || d.kind === 'ClusterRoleBinding') && Array.isArray(d.subjects)) {
        for (const s of d.subjects as { kind?: string; name?: string }[]) {
          if (s.kind !== 'Group' || !String(s.name).startsWith(OIDC_PREFIX)) continue;
          access.push({
            group: String(s.name).slice(OIDC_PREFIX.length),
            grant: `${d.roleRef?.kind ?? 'Role'} ${d.roleRef?.name ?? ''}`,
            scope: d.kind === 'RoleBinding' ? String(d.metadata?.namespace ?? '') : 'cluster-wide',
            source: display(f.file),
          });
        }
      }
      if (deploysChart(d)) access.push(...grafanaAccess(d, f, display));
      const data = deploysChart(d) ? chartValues(d)?.securityConfig?.config?.data : undefined;
      if (data && typeof data['roles.yml'] === 'string' && typeof data['roles_mapping.yml'] === 'string') {
        const roles = (parse(data['roles.yml']) ?? {}) as Record<string, { index_permissions?: { index_patterns?: string[]; dls?: string }[] }>;
        const mappings = (parse(data['roles_mapping.yml']) ?? {}) as Record<string, { backend_roles?: string[] }>;
        for (const [role, mapping] of Object.entries(mappings)) {
          if (role === '_meta') continue;
          const permissions = roles[role]?.index_permissions ?? [];
          const indices = permissions.flatMap((p) => p.index_patterns ?? []);
          const dls = permissions.map((p) => p.dls).filter((q): q is string => typeof q === 'string');
          for (const group of mapping.backend_roles ?? []) {
            access.push({
              group,
              grant: `log store role ${role}${role === 'all_access' ? ' (every index)' : indices.length > 0 ? ` (indices ${indices.join(', ')})` : ''}`,
              scope: 'log store',
              ...(dls.length > 0 ? { limit: `documents matching ${dls.join(' or ')}` } : {}),
              source: display(f.file),
            });
          }
        }
      }
    }
  }
  return access.sort((a, b) => compare(a.group, b.group) || compare(a.scope, b.scope) || compare(a.grant, b.grant));
}

/**
 * Grafana's grants from the kube-prometheus-stack release: each `group:org:role` of the SSO org
 * mapping, and for a tenant's organisation the label its only data source's prom-label-proxy
 * enforces (data source URL → the proxy's Deployment → its `-label` and `-label-value` flags).
 */
function grafanaAccess(release: Doc, file: ParsedFile, display: (file: string) => string): AccessReport[] {
  const grafana = chartValues(release)?.grafana;
  const mapping = grafana?.['grafana.ini']?.['auth.generic_oauth']?.org_mapping;
  if (typeof mapping !== 'string') return [];
  // the tenant organisations' data sources are written by Grafana's start-up script (see grafana-tenant-orgs)
  const script = JSON.stringify(grafana?.lifecycleHooks ?? {});
  const proxyOfOrg = new Map<string, string>();
  for (const m of script.matchAll(/orgId: (\d+)\\n\s*url: http:\/\/([a-z0-9-]+)\.[a-z0-9-]+\.svc:\d+/g)) proxyOfOrg.set(m[1]!, m[2]!);
  const enforced = (org: string): string | undefined => {
    const proxy = proxyOfOrg.get(org);
    const deployment = file.docs.find((x) => x.kind === 'Deployment' && x.metadata?.name === proxy);
    const args: string[] = deployment?.spec?.template?.spec?.containers?.[0]?.args ?? [];
    const label = args.find((a) => a.startsWith('-label='))?.slice('-label='.length);
    const value = args.find((a) => a.startsWith('-label-value='))?.slice('-label-value='.length);
    return label && value ? `series with ${label}="${value}" (prom-label-proxy ${proxy})` : undefined;
  };
  return mapping
    .split(/\s+/)
    .filter(Boolean)
    .map((entry) => {
      // group names may carry escaped colons; org and role are the last two fields
      const parts = entry.split(/(?<!\\):/);
      const [role, org] = [parts.pop() ?? '', parts.pop() ?? ''];
      const group = parts.join(':').replace(/\\:/g, ':');
      const limit = org === '1' ? 'every series of every cluster' : (enforced(org) ?? 'no label-enforcing data source found');
      return { group, grant: `Grafana ${role} of organisation ${org}`, scope: 'metrics', limit, source: display(file.file) };
    });
}
