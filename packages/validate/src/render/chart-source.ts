import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runTool } from './run-tool.js';

/** A chart at an exact version, as charts/catalog.yaml pins it. */
export interface ChartRef {
  /** `https://...` (Helm repository) or `oci://...` (OCI registry holding `<chart>` at tag `<version>`). */
  readonly repository: string;
  readonly chart: string;
  readonly version: string;
}

export interface ObtainChartOptions {
  /** Path of the helm binary (`findTool('helm', root)`). */
  readonly helm: string;
  /**
   * A chart mirror for air-gapped use: a folder of `<chart>-<version>.tgz` files (as `helm pull`
   * names them), or the URL of a Helm repository that serves the same charts. @default none: the chart's own repository
   */
  readonly mirror?: string;
  /** Folder of pulled charts, `<chart>/<version>/`, reused while the archive's digest matches. */
  readonly cacheDir: string;
}

/** A chart archive on disk and where it came from. */
export interface ObtainedChart {
  readonly file: string;
  /** `mirror <folder>`, `cache`, or the repository it was pulled from. */
  readonly from: string;
  /** sha256 of the archive. */
  readonly digest: string;
}

const DIGEST_FILE = 'sha256';

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/**
 * The archive of a pinned chart: from the mirror folder when one is set, else from the cache,
 * else pulled with the real helm from the mirror URL or the chart's repository into the cache.
 * @throws Error naming the chart, the version and where it was looked for
 */
export async function obtainChart(ref: ChartRef, options: ObtainChartOptions): Promise<ObtainedChart> {
  const fileName = `${ref.chart}-${ref.version}.tgz`;
  const mirror = options.mirror;
  if (mirror && !/^(https?|oci):\/\//.test(mirror)) {
    const file = path.join(mirror, fileName);
    if (!existsSync(file)) {
      const near = existsSync(mirror) ? readdirSync(mirror).filter((f) => f.startsWith(`${ref.chart}-`)) : [];
      throw new Error(
        `chart ${ref.chart} ${ref.version} is not in the chart mirror ${mirror}: expected ${fileName}${near.length > 0 ? ` (found ${near.join(', ')})` : ''}`,
      );
    }
    return { file, from: `mirror ${mirror}`, digest: sha256(file) };
  }

  const dir = path.join(options.cacheDir, ref.chart, ref.version);
  const cached = path.join(dir, fileName);
  const digestFile = path.join(dir, DIGEST_FILE);
  if (existsSync(cached) && existsSync(digestFile)) {
    const digest = sha256(cached);
    if (readFileSync(digestFile, 'utf8').trim() === digest) return { file: cached, from: 'cache', digest };
  }

  const repository = mirror ?? ref.repository;
  const args = repository.startsWith('oci://')
    ? ['pull', `${repository.replace(/\/$/, '')}/${ref.chart}`, '--version', ref.version]
    : ['pull', ref.chart, '--repo', repository, '--version', ref.version];
  mkdirSync(options.cacheDir, { recursive: true });
  const scratch = mkdtempSync(path.join(options.cacheDir, '.pull-'));
  try {
    const result = await runTool(options.helm, [...args, '--destination', scratch], { timeout: 300_000 });
    if (result.exitCode !== 0)
      throw new Error(
        `helm pull of chart ${ref.chart} ${ref.version} from ${repository} failed: ${result.stderr.trim() || `exit ${result.exitCode}`}`,
      );
    const pulled = readdirSync(scratch).filter((f) => f.endsWith('.tgz'));
    if (pulled.length !== 1)
      throw new Error(`helm pull of chart ${ref.chart} ${ref.version} from ${repository} left ${pulled.length} archives, expected 1`);
    mkdirSync(dir, { recursive: true });
    renameSync(path.join(scratch, pulled[0]!), cached);
    const digest = sha256(cached);
    writeFileSync(digestFile, `${digest}\n`);
    return { file: cached, from: repository, digest };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** obtainChart with each chart obtained once per run, however many releases and clusters use it. */
export function chartObtainer(options: ObtainChartOptions): (ref: ChartRef) => Promise<ObtainedChart> {
  const charts = new Map<string, Promise<ObtainedChart>>();
  return (ref) => {
    const key = `${ref.repository} ${ref.chart} ${ref.version}`;
    let found = charts.get(key);
    if (!found) {
      found = obtainChart(ref, options);
      charts.set(key, found);
    }
    return found;
  };
}
