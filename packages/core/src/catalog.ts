import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './config/config-error.js';
import { issuesToProblems, parseYamlFile } from './config/load-cluster-config.js';

const entry = z.strictObject({
  repository: z
    .string()
    .regex(/^(https|oci):\/\/[^\s]+$/, { error: 'is not a chart repository URL (https://... for a Helm repository, oci://... for an OCI registry)' }),
  chart: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'is not a chart name' }),
  version: z
    .string()
    .regex(/^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/, { error: 'is not an exact chart version (ranges are not allowed: every bump is reviewed here)' }),
  description: z.string().optional(),
  registries: z.array(z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]+)?$/, { error: 'is not a registry host (e.g. quay.io, registry.k8s.io, docker.io)' })).optional(),
});

const catalogSchema = z.strictObject({ charts: z.record(z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'is not a DNS-1123 label' }), entry) });

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

/** The charts the platform may deploy: the one place a version bump is reviewed. */
export class ChartCatalog {
  /** Reads and validates `charts/catalog.yaml`. @throws ConfigError naming every bad field */
  static load(file: string, displayPath: string = file): ChartCatalog {
    const parsed = parseYamlFile(readFileSync(file, 'utf8'), displayPath);
    if (parsed.problems.length > 0) throw new ConfigError(parsed.problems);
    const result = catalogSchema.safeParse(parsed.data);
    if (!result.success) throw new ConfigError(issuesToProblems(result.error.issues, parsed.data, displayPath));
    return new ChartCatalog(
      Object.entries(result.data.charts).map(([name, e]) => ({ name, ...e })),
      displayPath,
    );
  }

  private readonly entries: ReadonlyMap<string, CatalogEntry>;

  constructor(entries: readonly CatalogEntry[], public readonly source: string = 'charts/catalog.yaml') {
    this.entries = new Map(entries.map((e) => [e.name, e]));
  }

  /** @throws Error when the chart is not in the catalog, so nothing unpinned reaches a cluster */
  get(name: string): CatalogEntry {
    const found = this.entries.get(name);
    if (!found) {
      throw new Error(`chart "${name}" is not in ${this.source}; add it there with repository, chart and an exact version (known: ${[...this.entries.keys()].sort().join(', ') || 'none'})`);
    }
    return found;
  }

  get names(): string[] {
    return [...this.entries.keys()].sort();
  }
}
