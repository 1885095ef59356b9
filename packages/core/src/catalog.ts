import { readFileSync } from 'node:fs';
import { z } from './config/zod.js';
import { ConfigError } from './config/config-error.js';
import { issuesToProblems } from './config/load-cluster-config.js';
import { parseYamlFile } from './config/yaml-file.js';
import { urlCredentialProblems } from './config/url-credentials.js';

const entry = z.strictObject({
  repository: z
    .string()
    .regex(/^(https|oci):\/\/[^\s]+$/, { error: 'is not a chart repository URL (https://... for a Helm repository, oci://... for an OCI registry)' }),
  chart: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'is not a chart name' }),
  version: z.string().regex(/^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/, {
    error: 'is not an exact chart version (ranges are not allowed: every bump is reviewed here)',
  }),
  description: z.string().optional(),
  registries: z
    .array(
      z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]+)?$/, { error: 'is not a registry host (e.g. quay.io, registry.k8s.io, docker.io)' }),
    )
    .optional(),
});

const fluxEntry = z.strictObject({
  repository: z.string().regex(/^oci:\/\/[^\s]+$/, { error: 'is not an OCI repository URL (oci://...)' }),
  version: z.string().regex(/^v[0-9]+\.[0-9]+\.[0-9]+$/, { error: 'is not an exact Flux release (vX.Y.Z; every bump is reviewed here)' }),
  description: z.string().optional(),
});

const manifestsEntry = z.strictObject({
  repository: z.string().regex(/^https:\/\/[^\s]+$/, { error: 'is not a Git repository URL (https://...)' }),
  tag: z.string().regex(/^v?[0-9]+\.[0-9]+\.[0-9]+$/, { error: 'is not an exact release tag (every bump is reviewed here)' }),
  commit: z.string().regex(/^[0-9a-f]{40}$/, { error: "is not the tag's full commit hash (40 hex digits)" }),
  path: z.string().regex(/^[a-z0-9][-a-z0-9_./]*$/, { error: 'is not a folder of the repository' }),
  description: z.string().optional(),
  registries: z
    .array(
      z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]+)?$/, { error: 'is not a registry host (e.g. quay.io, registry.k8s.io, docker.io)' }),
    )
    .optional(),
});

const catalogSchema = z.strictObject({
  flux: fluxEntry,
  charts: z.record(z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'is not a DNS-1123 label' }), entry),
  manifests: z.record(z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'is not a DNS-1123 label' }), manifestsEntry).optional(),
});

/**
 * Upstream install manifests of a project that ships no Helm chart: a kustomize folder of its Git
 * repository at a release tag, pinned to the tag's commit (Flux checks out exactly that commit).
 */
export interface ManifestsEntry {
  readonly name: string;
  /** https URL of the Git repository. */
  readonly repository: string;
  readonly tag: string;
  readonly commit: string;
  /** The kustomize folder applied. */
  readonly path: string;
  readonly description?: string;
  /** Registries its images may come from. @default none declared */
  readonly registries?: readonly string[];
}

/** One pinned upstream chart. */
export interface CatalogEntry {
  /** Catalog key, also the default release and source name. */
  readonly name: string;
  readonly repository: string;
  readonly chart: string;
  readonly version: string;
  readonly description?: string;
  /** Registries the chart's images may come from (the render verification checks every image). @default none declared */
  readonly registries?: readonly string[];
}

/**
 * Flux itself: the OCI artifact of install manifests Flux publishes for each release (what
 * `flux install` writes), at a pinned release.
 */
export interface FluxRelease {
  /** e.g. `oci://ghcr.io/fluxcd/flux-manifests`; the artifact's tag is the version. */
  readonly repository: string;
  /** The Flux release, e.g. `v2.7.3`. */
  readonly version: string;
  readonly description?: string;
}

/** The charts the platform may deploy, and the Flux release: the one place a version bump is reviewed. */
export class ChartCatalog {
  /** Reads and validates `charts/catalog.yaml`. @throws ConfigError naming every bad field */
  static load(file: string, displayPath: string = file): ChartCatalog {
    const parsed = parseYamlFile(readFileSync(file, 'utf8'), displayPath);
    if (parsed.problems.length > 0) throw new ConfigError(parsed.problems);
    const result = catalogSchema.safeParse(parsed.data);
    const credentials = urlCredentialProblems(
      parsed.data,
      displayPath,
      () => 'The catalog reaches every cluster through git; use a chart repository or mirror that needs no credentials.',
    );
    const problems = [...credentials, ...(result.success ? [] : issuesToProblems(result.error.issues, parsed.data, displayPath))];
    if (problems.length > 0 || !result.success) throw new ConfigError(problems);
    return new ChartCatalog(
      Object.entries(result.data.charts).map(([name, e]) => ({ name, ...e })),
      displayPath,
      result.data.flux,
      Object.entries(result.data.manifests ?? {}).map(([name, e]) => ({ name, ...e })),
    );
  }

  private readonly entries: ReadonlyMap<string, CatalogEntry>;
  private readonly manifestEntries: ReadonlyMap<string, ManifestsEntry>;

  /**
   * @param fluxRelease the pinned Flux release. @default none (`flux` then throws)
   * @param manifests pinned install manifests of projects without a chart. @default none
   */
  constructor(
    entries: readonly CatalogEntry[],
    public readonly source: string = 'charts/catalog.yaml',
    private readonly fluxRelease?: FluxRelease,
    manifests: readonly ManifestsEntry[] = [],
  ) {
    this.entries = new Map(entries.map((e) => [e.name, e]));
    this.manifestEntries = new Map(manifests.map((e) => [e.name, e]));
  }

  /** @throws Error when the manifests are not in the catalog, so nothing unpinned reaches a cluster */
  manifests(name: string): ManifestsEntry {
    const found = this.manifestEntries.get(name);
    if (!found)
      throw new Error(
        `manifests "${name}" are not in ${this.source}; add them under manifests: with repository, tag, commit and path (known: ${[...this.manifestEntries.keys()].sort().join(', ') || 'none'})`,
      );
    return found;
  }

  /** The pinned Flux release. @throws Error when the catalog pins none */
  get flux(): FluxRelease {
    if (!this.fluxRelease) throw new Error(`flux is not in ${this.source}; add it there with repository (oci://...) and an exact version`);
    return this.fluxRelease;
  }

  /** @throws Error when the chart is not in the catalog, so nothing unpinned reaches a cluster */
  get(name: string): CatalogEntry {
    const found = this.entries.get(name);
    if (!found) {
      throw new Error(
        `chart "${name}" is not in ${this.source}; add it there with repository, chart and an exact version (known: ${[...this.entries.keys()].sort().join(', ') || 'none'})`,
      );
    }
    return found;
  }

  get names(): string[] {
    return [...this.entries.keys()].sort();
  }
}
