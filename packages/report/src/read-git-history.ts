import { gitText, GitUnavailableError } from '@ck8s/core';
import type { ChangeCommit, RecentChanges, ReportRevision } from './report-model.js';

export interface ReadGitHistoryOptions {
  /** The repository root; paths are relative to it. */
  readonly cwd: string;
  /** Folders whose history is read. @default ['clusters/'] */
  readonly paths?: readonly string[];
  /** Most commits to list. @default 20 */
  readonly limit?: number;
}

/** The commit the report is made from and the latest commits touching the reported folders. */
export interface GitHistory {
  /** @default none: not a git repository, or no commit yet */
  readonly revision?: ReportRevision;
  readonly changes: RecentChanges;
}

/** Default number of commits in the recent-changes section. */
export const DEFAULT_CHANGE_LIMIT = 20;

const FIELD = '\x1f';
const RECORD = '\x1e';

/**
 * Reads the latest commits that touched `paths` (sha, author, author date, subject; merges included)
 * and the HEAD * commit. Outside a git repository (or without git) it says why in `changes.unavailable`
 * instead of failing, so a report can still be made from an exported tree.
 */
export async function readGitHistory(options: ReadGitHistoryOptions): Promise<GitHistory> {
  const paths = options.paths ?? ['clusters/'];
  const limit = options.limit ?? DEFAULT_CHANGE_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`change limit ${limit} is not a positive whole number`);
  if (paths.length === 0) throw new Error('no paths to read the history of');
  try {
    const [sha, date] = (await gitText(options.cwd, ['log', '-1', `--format=%H${FIELD}%cI`, 'HEAD'])).trim().split(FIELD) as [string, string];
    // full history: the merge commits that brought a change to the branch are part of the record too
    const log = await gitText(options.cwd, [
      'log',
      '--full-history',
      `--max-count=${limit}`,
      `--format=%H${FIELD}%an${FIELD}%aI${FIELD}%s${RECORD}`,
      '--',
      ...paths,
    ]);
    const commits = log
      .split(RECORD)
      .map((r) => r.replace(/^\n+/, ''))
      .filter((r) => r.length > 0)
      .map((r): ChangeCommit => {
        const [commitSha, author, authorDate, subject] = r.split(FIELD) as [string, string, string, string?];
        return { sha: commitSha, author, date: authorDate, subject: subject ?? '' };
      });
    const status = await gitText(options.cwd, ['status', '--porcelain', '--untracked-files=all', '--', ...paths]);
    return {
      revision: { sha, date, ...(status.trim() ? { uncommittedChanges: true } : {}) },
      changes: { paths, limit, commits },
    };
  } catch (e) {
    if (e instanceof GitUnavailableError) return { changes: { paths, limit, commits: [], unavailable: e.message } };
    throw e;
  }
}
