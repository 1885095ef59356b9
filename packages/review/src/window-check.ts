import { CLUSTER_CONFIG_FILE, isOutputFile, type MaintenanceSettings, parseManifests, windowPosition } from '@ck8s/core';
import { parse as parseYaml } from 'yaml';
import { GitRepository } from './git-repository.js';

/** The trailer that lets a change land outside the maintenance window (critical security patches). */
export const EMERGENCY_TRAILER = 'Emergency-Change';

export interface WindowCheckOptions {
  /** The repository root (the folder of ck8s.config.yaml), inside a git working tree. */
  readonly root: string;
  /** The revision the change starts from (in CI on the main branch: the commit before the push). */
  readonly base: string;
  /** The revision it ends at. @default 'HEAD' */
  readonly head?: string;
  readonly maintenance: MaintenanceSettings;
}

/** A version a change moved in one cluster. */
export interface VersionChange {
  /** `kubernetes`, or the object that pins a chart as `<namespace>/<name>` (Flux HelmRelease or OCIRepository, Argo CD Application). */
  readonly subject: string;
  readonly from: string;
  readonly to: string;
  /**
   * `major`: a chart's semver major changed, or Kubernetes' minor (1.35 → 1.36); `minor`: any other
   * version change (chart minor or patch, Kubernetes patch).
   */
  readonly level: 'major' | 'minor';
}

/** One commit on the first-parent line that moved versions of one production cluster. */
export interface WindowFinding {
  /** The commit that brought the change to the branch (a merge, a squash or a direct commit). */
  readonly commit: string;
  readonly subject: string;
  readonly cluster: string;
  /** Its committer date: when the change landed (ISO 8601). */
  readonly landed: string;
  /** The same moment on the window's clock, e.g. `2026-03-25 07:30 GMT+1`. */
  readonly localTime: string;
  readonly changes: readonly VersionChange[];
  /** `in-window`: allowed; `emergency`: outside the window with an Emergency-Change trailer; `outside-window`: refused. */
  readonly verdict: 'in-window' | 'emergency' | 'outside-window';
  /** Why it is outside the window. @default none */
  readonly reason?: string;
  /** The Emergency-Change trailer's values (on the commit or merge, or the commits it brought in). @default none */
  readonly emergency?: readonly string[];
}

export interface WindowCheckReport {
  readonly base: string;
  readonly head: string;
  readonly findings: readonly WindowFinding[];
  /** The findings whose verdict is outside-window. */
  readonly violations: readonly WindowFinding[];
}

const FIELD = '\x1f';

/**
 * Checks the commits between base and head against the maintenance window. Each commit on head's
 * first-parent line after base is compared with its first parent: for every cluster whose environment
 * (in its cluster.yaml at that commit) is held to the window, the Kubernetes version of cluster.yaml and
 * the chart versions of the committed output are read on both sides. A version that changed must land
 * (committer date) inside the window, a major one on a major-update day; otherwise the commit, or for a
 * merge one of the commits it brings in, must carry an `Emergency-Change: <reason>` trailer (read by git's
 * own trailer parser). Clusters and charts that are added or removed move no version and are not checked.
 */
export async function checkMaintenanceWindow(options: WindowCheckOptions): Promise<WindowCheckReport> {
  const git = new GitRepository(options.root);
  const base = await git.resolveCommit(options.base);
  if (!base) throw new Error(`--window: "${options.base}" names no commit of this repository (is the clone shallow?)`);
  const headRev = options.head ?? 'HEAD';
  const head = await git.resolveCommit(headRev);
  if (!head) throw new Error(`--window: "${headRev}" names no commit of this repository`);
  const line = (await git.run(['rev-list', '--first-parent', '--reverse', '--parents', `${base}..${head}`]))
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' '));
  const findings: WindowFinding[] = [];
  for (const [commit, parent] of line) {
    if (!commit || !parent) continue; // a root commit moves no version
    const clusters = await changedClusters(git, parent, commit);
    if (clusters.length === 0) continue;
    const meta = (await git.run(['show', '-s', `--format=%cI${FIELD}%s`, commit])).trim().split(FIELD);
    const landed = meta[0]!;
    const subject = meta[1] ?? '';
    let emergency: string[] | undefined;
    for (const cluster of clusters) {
      const after = await clusterVersions(git, commit, cluster);
      const before = await clusterVersions(git, parent, cluster);
      if (!after || !before || !options.maintenance.environments.includes(after.environment)) continue;
      const changes = versionChanges(before.versions, after.versions);
      if (changes.length === 0) continue;
      const position = windowPosition(options.maintenance, new Date(landed), after.postponeMajorUntil);
      const major = changes.some((c) => c.level === 'major');
      const reason = !position.inWindow
        ? `outside the maintenance window (${options.maintenance.day} ${options.maintenance.start}–${options.maintenance.end} ${options.maintenance.timeZone})`
        : major && !position.majorAllowed
          ? `a major update on a day without major updates: ${position.majorReason}`
          : undefined;
      emergency ??= await emergencyTrailers(git, parent, commit);
      findings.push({
        commit,
        subject,
        cluster,
        landed,
        localTime: position.local.text,
        changes,
        verdict: reason === undefined ? 'in-window' : emergency.length > 0 ? 'emergency' : 'outside-window',
        ...(reason !== undefined ? { reason } : {}),
        ...(emergency.length > 0 ? { emergency } : {}),
      });
    }
  }
  return { base, head, findings, violations: findings.filter((f) => f.verdict === 'outside-window') };
}

/**
 * The Emergency-Change trailers of a commit and, for a merge, of the commits it brings in: git's
 * `%(trailers:key=...,valueonly)` parses them, so only a real trailer block counts.
 */
export async function emergencyTrailers(git: GitRepository, parent: string, commit: string): Promise<string[]> {
  const out = await git.run(['log', `--format=%(trailers:key=${EMERGENCY_TRAILER},valueonly,unfold,separator=%x1f)`, `${parent}..${commit}`]);
  return [
    ...new Set(
      out
        .split('\n')
        .flatMap((line) => line.split(FIELD))
        .map((v) => v.trim())
        .filter(Boolean),
    ),
  ];
}

async function changedClusters(git: GitRepository, parent: string, commit: string): Promise<string[]> {
  const prefix = await git.prefix();
  const out = await git.run(['diff', '--name-only', '--no-renames', '-z', parent, commit, '--', 'clusters/']);
  const names = out
    .split('\0')
    .filter((f) => f.startsWith(prefix))
    .map((f) => f.slice(prefix.length).split('/'))
    .filter((p) => p.length >= 3)
    .map((p) => p[1]!);
  return [...new Set(names)].sort();
}

interface ClusterVersions {
  readonly environment: string;
  readonly postponeMajorUntil?: string;
  /** subject → version */
  readonly versions: ReadonlyMap<string, string>;
}

/** The versions of one cluster at a commit, or undefined when it has no readable cluster.yaml there. */
async function clusterVersions(git: GitRepository, commit: string, cluster: string): Promise<ClusterVersions | undefined> {
  const folder = `clusters/${cluster}/`;
  const files = (await git.listFiles(commit, folder)).filter((f) => f === `${folder}${CLUSTER_CONFIG_FILE}` || isOutputFile(f.slice(folder.length)));
  const texts = await git.readFiles(files.map((file) => ({ commit, file })));
  const configText = texts.get(`${commit}:${folder}${CLUSTER_CONFIG_FILE}`);
  if (configText === undefined) return undefined;
  let config: unknown;
  try {
    config = parseYaml(configText);
  } catch {
    return undefined; // an unreadable cluster.yaml fails ck8s validate itself
  }
  const c = (config ?? {}) as { environment?: unknown; kubernetesVersion?: unknown; maintenance?: { postponeMajorUntil?: unknown } };
  const versions = new Map<string, string>();
  const kubernetes = scalar(c.kubernetesVersion);
  if (kubernetes !== undefined) versions.set('kubernetes', kubernetes);
  const output = new Map<string, string>();
  for (const file of files)
    if (file !== `${folder}${CLUSTER_CONFIG_FILE}`) output.set(file.slice(folder.length), texts.get(`${commit}:${file}`) ?? '');
  for (const object of parseManifests(output)) {
    const release = pinnedVersion(object.kind, object.apiVersion, object.body);
    if (release) versions.set(`${object.namespace ?? ''}/${object.name ?? ''}`, release);
  }
  return {
    environment: scalar(c.environment) ?? '',
    ...(typeof c.maintenance?.postponeMajorUntil === 'string' ? { postponeMajorUntil: c.maintenance.postponeMajorUntil } : {}),
    versions,
  };
}

/**
 * The version an object pins: a Flux HelmRelease's chart version, an OCIRepository's tag or semver range
 * (the chart of a HelmRelease's chartRef, and Flux's own install manifests), an Argo CD Helm-source
 * Application's targetRevision.
 */
function pinnedVersion(kind: string | undefined, apiVersion: string | undefined, body: unknown): string | undefined {
  const spec = (body as { spec?: Record<string, unknown> } | undefined)?.spec;
  if (!spec) return undefined;
  if (kind === 'HelmRelease' && apiVersion?.startsWith('helm.toolkit.fluxcd.io/')) {
    const chart = (spec.chart as { spec?: { version?: unknown } } | undefined)?.spec;
    return scalar(chart?.version);
  }
  if (kind === 'OCIRepository' && apiVersion?.startsWith('source.toolkit.fluxcd.io/')) {
    const ref = spec.ref as { tag?: unknown; semver?: unknown; digest?: unknown } | undefined;
    return scalar(ref?.tag ?? ref?.semver ?? ref?.digest);
  }
  if (kind === 'Application' && apiVersion?.startsWith('argoproj.io/')) {
    const source = spec.source as { chart?: unknown; targetRevision?: unknown } | undefined;
    return source?.chart !== undefined ? scalar(source.targetRevision) : undefined;
  }
  return undefined;
}

/** A YAML scalar as text (a version may be written as a number, 1.36); anything else is no version. */
function scalar(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

function versionChanges(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): VersionChange[] {
  const changes: VersionChange[] = [];
  for (const [subject, to] of [...after].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const from = before.get(subject);
    if (from === undefined || from === to) continue;
    changes.push({ subject, from, to, level: changeLevel(subject, from, to) });
  }
  return changes;
}

/** Kubernetes: a new minor is major; a chart: a new semver major is major (as Renovate's `major` update type). */
export function changeLevel(subject: string, from: string, to: string): 'major' | 'minor' {
  const parts = (v: string): number[] => v.replace(/^v/, '').split(/[.+-]/).slice(0, 3).map(Number);
  const [a, b] = [parts(from), parts(to)];
  if (subject === 'kubernetes') return a[0] !== b[0] || a[1] !== b[1] ? 'major' : 'minor';
  return a[0] !== b[0] ? 'major' : 'minor';
}
