import { GitRepository } from './git-repository.js';
import { CLUSTER_CONFIG_FILE, isOutputFile } from '@ck8s/core';
import { diffClusterFiles, type ObjectChange } from './object-changes.js';
import { EMERGENCY_TRAILER } from './window-check.js';

export interface AuditOptions {
  /** The repository root (the folder of ck8s.config.yaml), inside a git working tree. */
  readonly root: string;
  /** Clusters to report. @default every cluster on the main branch or in its history */
  readonly clusters?: readonly string[];
  /** Only changes that reached the main branch at or after this time. @default the whole history */
  readonly since?: Date;
  /** The protected branch: `refs/heads/<name>`, else `refs/remotes/origin/<name>`. @default 'main' */
  readonly mainBranch?: string;
  /** Flag commits and merges whose signature is not good (`%G?` other than G). @default false */
  readonly requireSignedCommits?: boolean;
}

/**
 * Why a change needs an auditor's attention:
 * - `direct-push`: it is on the main branch's first-parent line without a merge and without an approval trailer;
 * - `unsigned`: signing is required and the commit's signature is not good;
 * - `unsigned-merge`: signing is required and the merge that brought it in is not signed well;
 * - `emergency-change`: the commit or the merge that brought it in carries an `Emergency-Change:` trailer,
 *   which lets it land outside the maintenance window (`ck8s validate --window`).
 */
export type AuditFlag = 'direct-push' | 'unsigned' | 'unsigned-merge' | 'emergency-change';

export interface AuditPerson {
  readonly name: string;
  readonly email: string;
}

/** The commit on the main branch's first-parent line that brought a change in. */
export interface LandingCommit {
  readonly commit: string;
  readonly subject: string;
  readonly committer: AuditPerson;
  /** When the change reached the main branch: this commit's committer date (ISO 8601). */
  readonly date: string;
  /**
   * `merge`: a merge commit; `squash`: the change itself, carrying an approval trailer (a squash or
   * rebase merge by a tool that records approvals); `direct`: the change itself, without one.
   */
  readonly via: 'merge' | 'squash' | 'direct';
  /** The pull request number from GitHub's merge or squash subject. @default none */
  readonly pullRequest?: number;
  /** `git log --format=%G?` when signatures are checked (G good, N none, B bad, U/E/X/Y/R see git-log(1)). @default none */
  readonly signature?: string;
}

/** An object a change touched, without values. */
export interface AuditObject {
  readonly change: ObjectChange['change'];
  /** @default none */
  readonly kind?: string;
  /** @default none */
  readonly namespace?: string;
  /** @default none */
  readonly name?: string;
  readonly file: string;
  /** Paths of the fields that changed. */
  readonly fields: readonly string[];
}

export interface ComponentChanges {
  /** `<folder>/<component>`, e.g. `tenants/team-a` (see ManifestObject.component). */
  readonly component: string;
  readonly objects: readonly AuditObject[];
}

/** One commit's change to one cluster. */
export interface AuditChange {
  readonly commit: string;
  readonly author: AuditPerson;
  /** ISO 8601 with the author's offset. */
  readonly authorDate: string;
  readonly subject: string;
  readonly landedBy: LandingCommit;
  /** Values of `Reviewed-by` and `Approved-by` trailers on the merge and on the commit, sorted. */
  readonly approvers: readonly string[];
  /** `%G?` of the commit when signatures are checked. @default none */
  readonly signature?: string;
  readonly flags: readonly AuditFlag[];
  /** The reasons of the `Emergency-Change:` trailers of the commit and of the merge that brought it in. @default none */
  readonly emergency?: readonly string[];
  /** Files it changed, relative to the cluster folder (including cluster.yaml). */
  readonly files: readonly string[];
  /** The generated objects it changed, by component. */
  readonly components: readonly ComponentChanges[];
}

export interface ClusterAudit {
  readonly cluster: string;
  /** Newest first: by when they reached the main branch, then by commit order. */
  readonly changes: readonly AuditChange[];
}

export interface AuditReport {
  readonly mainBranch: string;
  /** The main branch's commit that was audited. */
  readonly head: string;
  readonly requireSignedCommits: boolean;
  /** @default none: the whole history */
  readonly since?: string;
  /** The clone is shallow, so older history is missing. */
  readonly shallow: boolean;
  readonly clusters: readonly ClusterAudit[];
  readonly summary: {
    readonly changes: number;
    readonly flagged: number;
    readonly directPushes: number;
    readonly unsigned: number;
    /** Changes flagged `emergency-change`. */
    readonly emergencyChanges: number;
  };
}

const APPROVAL_TRAILERS = new Set(['reviewed-by', 'approved-by']);
const FIELD = '\x1f';
const RECORD = '\x1e';

interface CommitInfo {
  readonly commit: string;
  readonly parents: readonly string[];
  readonly author: AuditPerson;
  readonly authorDate: string;
  readonly committer: AuditPerson;
  readonly committerDate: string;
  readonly subject: string;
  readonly trailers: readonly { readonly key: string; readonly value: string }[];
  /** Values of `Emergency-Change:` trailers, as git's trailer parser reads them. */
  readonly emergency: readonly string[];
  readonly signature?: string;
}

const FORMAT = [
  '%H',
  '%P',
  '%an',
  '%ae',
  '%aI',
  '%cn',
  '%ce',
  '%cI',
  '%s',
  '%(trailers:only,unfold)',
  // git parses the trailer block itself; values separated by a byte no trailer holds
  `%(trailers:key=${EMERGENCY_TRAILER},valueonly,unfold,separator=%x1d)`,
];

/**
 * The audit trail of `clusters/` from the main branch's history: every non-merge commit that changed a
 * cluster folder, who wrote it and when, the first-parent commit that brought it to the main branch,
 * the approvers recorded in trailers, the objects it changed by component, and what needs attention.
 * Merge commits are not changes of their own: their changes are those of the commits they bring in.
 */
export async function collectAudit(options: AuditOptions): Promise<AuditReport> {
  const git = new GitRepository(options.root);
  const mainBranch = options.mainBranch ?? 'main';
  const signed = options.requireSignedCommits ?? false;
  const head = await resolveBranch(git, mainBranch);
  const shallow = await git.isShallow();
  const format = signed ? [...FORMAT, '%G?'] : FORMAT;

  // which first-parent commit brought each commit in: walk the first-parent line from the oldest end,
  // giving every commit not yet reached the first-parent commit whose history first contains it
  const parents = new Map<string, string[]>();
  for (const entry of (await git.run(['rev-list', '--parents', head])).split('\n')) {
    const [commit, ...rest] = entry.trim().split(' ');
    if (commit) parents.set(commit, rest);
  }
  const firstParents: string[] = [];
  for (let c: string | undefined = head; c !== undefined && parents.has(c); c = parents.get(c)![0]) firstParents.push(c);
  const landing = new Map<string, string>();
  for (const tip of [...firstParents].reverse()) {
    const stack = [tip];
    while (stack.length > 0) {
      const c = stack.pop()!;
      if (landing.has(c)) continue;
      landing.set(c, tip);
      for (const p of parents.get(c) ?? []) if (!landing.has(p)) stack.push(p);
    }
  }
  const lineIndex = new Map(firstParents.map((c, i) => [c, i]));

  const prefix = await git.prefix();
  const log = await git.run([
    '-c',
    'log.showRoot=true',
    'log',
    head,
    '--no-merges',
    '--no-renames',
    `--format=${RECORD}${format.join(FIELD)}`,
    '--name-only',
    '-z',
    '--',
    'clusters/',
  ]);
  const changed: { info: CommitInfo; files: string[] }[] = [];
  for (const record of log.split(RECORD).slice(1)) {
    const end = record.includes('\0') ? record.indexOf('\0') : record.length;
    const info = parseCommit(record.slice(0, end), signed);
    const files = record
      .slice(end + 1)
      .split('\0')
      .map((f) => f.replace(/^\n/, ''))
      .filter((f) => f.length > 0 && f.startsWith(prefix))
      .map((f) => f.slice(prefix.length));
    changed.push({ info, files });
  }

  const atHead = new Set(
    (await git.listFiles(head, 'clusters/'))
      .filter((f) => f.split('/').length === 3 && f.endsWith(`/${CLUSTER_CONFIG_FILE}`))
      .map((f) => f.split('/')[1]!),
  );
  const known = new Set([
    ...atHead,
    ...changed.flatMap((c) =>
      c.files
        .map((f) => f.split('/'))
        .filter((p) => p.length >= 3)
        .map((p) => p[1]!),
    ),
  ]);
  const selected = options.clusters && options.clusters.length > 0 ? [...new Set(options.clusters)].sort() : [...known].sort();
  const unknown = selected.filter((c) => !known.has(c));
  if (unknown.length > 0)
    throw new Error(
      `unknown cluster ${unknown.map((c) => `"${c}"`).join(', ')}; clusters on ${mainBranch} or in its history: ${[...known].sort().join(', ') || 'none'}`,
    );

  const landingCommits = await readCommits(git, [...new Set(changed.map((c) => landing.get(c.info.commit)!))], signed);
  const entries: { cluster: string; info: CommitInfo; landed: CommitInfo; order: number; files: string[] }[] = [];
  changed.forEach(({ info, files }, order) => {
    const landed = landingCommits.get(landing.get(info.commit)!)!;
    if (options.since && Date.parse(landed.committerDate) < options.since.getTime()) return;
    for (const cluster of selected) {
      const own = files.filter((f) => f.startsWith(`clusters/${cluster}/`));
      if (own.length > 0) entries.push({ cluster, info, landed, order, files: own });
    }
  });

  // both sides of every changed output file, read in one batch
  const requests = entries.flatMap((e) =>
    e.files
      .filter((f) => isOutputFile(f.slice(`clusters/${e.cluster}/`.length)))
      .flatMap((file) => [...(e.info.parents[0] ? [{ commit: e.info.parents[0], file }] : []), { commit: e.info.commit, file }]),
  );
  const texts = await git.readFiles(requests);

  const clusters: ClusterAudit[] = selected.map((cluster) => {
    const changes = entries
      .filter((e) => e.cluster === cluster)
      .sort((a, b) => lineIndex.get(a.landed.commit)! - lineIndex.get(b.landed.commit)! || a.order - b.order)
      .map((e) => auditChange(e.cluster, e.info, e.landed, e.files, texts, signed));
    return { cluster, changes };
  });
  const all = clusters.flatMap((c) => c.changes);
  return {
    mainBranch,
    head,
    requireSignedCommits: signed,
    ...(options.since ? { since: options.since.toISOString() } : {}),
    shallow,
    clusters,
    summary: {
      changes: all.length,
      flagged: all.filter((c) => c.flags.length > 0).length,
      directPushes: all.filter((c) => c.flags.includes('direct-push')).length,
      unsigned: all.filter((c) => c.flags.includes('unsigned') || c.flags.includes('unsigned-merge')).length,
      emergencyChanges: all.filter((c) => c.flags.includes('emergency-change')).length,
    },
  };
}

function auditChange(
  cluster: string,
  info: CommitInfo,
  landed: CommitInfo,
  files: string[],
  texts: Map<string, string | undefined>,
  signed: boolean,
): AuditChange {
  const folder = `clusters/${cluster}/`;
  const before = new Map<string, string>();
  const after = new Map<string, string>();
  for (const file of files) {
    const rel = file.slice(folder.length);
    if (!isOutputFile(rel)) continue;
    const old = info.parents[0] ? texts.get(`${info.parents[0]}:${file}`) : undefined;
    const current = texts.get(`${info.commit}:${file}`);
    if (old !== undefined) before.set(rel, old);
    if (current !== undefined) after.set(rel, current);
  }
  const byComponent = new Map<string, AuditObject[]>();
  for (const o of diffClusterFiles(before, after)) {
    const list = byComponent.get(o.component) ?? [];
    list.push({
      change: o.change,
      ...(o.kind !== undefined ? { kind: o.kind } : {}),
      ...(o.namespace !== undefined ? { namespace: o.namespace } : {}),
      ...(o.name !== undefined ? { name: o.name } : {}),
      file: o.file,
      fields: o.fields.map((f) => f.path),
    });
    byComponent.set(o.component, list);
  }
  const own = approvals(info);
  const direct = landed.commit === info.commit;
  const via: LandingCommit['via'] = !direct ? 'merge' : own.length > 0 ? 'squash' : 'direct';
  const approvers = [...new Set([...(direct ? [] : approvals(landed)), ...own])].sort();
  const flags: AuditFlag[] = [];
  if (via === 'direct') flags.push('direct-push');
  if (signed && info.signature !== 'G') flags.push('unsigned');
  if (signed && !direct && landed.signature !== 'G') flags.push('unsigned-merge');
  const emergency = [...new Set([...info.emergency, ...(direct ? [] : landed.emergency)])];
  if (emergency.length > 0) flags.push('emergency-change');
  const pullRequest = /^Merge pull request #(\d+)\b/.exec(landed.subject)?.[1] ?? /\(#(\d+)\)\s*$/.exec(landed.subject)?.[1];
  return {
    commit: info.commit,
    author: info.author,
    authorDate: info.authorDate,
    subject: info.subject,
    landedBy: {
      commit: landed.commit,
      subject: landed.subject,
      committer: landed.committer,
      date: landed.committerDate,
      via,
      ...(pullRequest ? { pullRequest: Number(pullRequest) } : {}),
      ...(signed && landed.signature !== undefined ? { signature: landed.signature } : {}),
    },
    approvers,
    ...(signed && info.signature !== undefined ? { signature: info.signature } : {}),
    flags,
    ...(emergency.length > 0 ? { emergency } : {}),
    files: files.map((f) => f.slice(folder.length)).sort(),
    components: [...byComponent].map(([component, objects]) => ({ component, objects })),
  };
}

function approvals(info: CommitInfo): string[] {
  return info.trailers.filter((t) => APPROVAL_TRAILERS.has(t.key.toLowerCase())).map((t) => t.value);
}

async function resolveBranch(git: GitRepository, branch: string): Promise<string> {
  const candidates = [`refs/heads/${branch}`, `refs/remotes/origin/${branch}`];
  for (const ref of candidates) {
    const commit = await git.resolveCommit(ref);
    if (commit) return commit;
  }
  throw new Error(
    `main branch "${branch}" not found (looked for ${candidates.join(' and ')}); set audit.mainBranch in ck8s.config.yaml or fetch the branch`,
  );
}

async function readCommits(git: GitRepository, commits: readonly string[], signed: boolean): Promise<Map<string, CommitInfo>> {
  const result = new Map<string, CommitInfo>();
  if (commits.length === 0) return result;
  const format = signed ? [...FORMAT, '%G?'] : FORMAT;
  const out = await git.run(['log', '--no-walk=unsorted', '--stdin', `--format=${RECORD}${format.join(FIELD)}`], `${commits.join('\n')}\n`);
  for (const record of out.split(RECORD).slice(1)) {
    const info = parseCommit(record.replace(/\n$/, ''), signed);
    result.set(info.commit, info);
  }
  return result;
}

function parseCommit(record: string, signed: boolean): CommitInfo {
  const [commit, parentList, an, ae, aI, cn, ce, cI, subject, trailers, emergency, signature] = record.split(FIELD);
  return {
    commit: commit!,
    parents: parentList ? parentList.split(' ').filter(Boolean) : [],
    author: { name: an!, email: ae! },
    authorDate: aI!,
    committer: { name: cn!, email: ce! },
    committerDate: cI!,
    subject: subject!,
    trailers: (trailers ?? '')
      .split('\n')
      .map((l) => /^([A-Za-z0-9-]+):\s*(.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ key: m[1]!, value: m[2]!.trim() })),
    emergency: (emergency ?? '')
      .split('\x1d')
      .map((v) => v.trim())
      .filter(Boolean),
    ...(signed ? { signature: (signature ?? '').trim() } : {}),
  };
}
