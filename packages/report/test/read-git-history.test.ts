import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGitHistory } from '../src/index.js';

const scratch: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ck8s-report-git-'));
  scratch.push(dir);
  return dir;
}

/** Commits with fixed identities and dates, so the expected history is exact. */
async function commit(repo: string, file: string, subject: string, author: string, date: string): Promise<string> {
  mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
  writeFileSync(path.join(repo, file), `${subject}\n`);
  const env = {
    GIT_AUTHOR_NAME: author,
    GIT_AUTHOR_EMAIL: 'a@example.com',
    GIT_COMMITTER_NAME: author,
    GIT_COMMITTER_EMAIL: 'a@example.com',
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
  };
  await execa('git', ['add', file], { cwd: repo });
  await execa('git', ['-c', 'commit.gpgsign=false', 'commit', '-q', '-m', subject], { cwd: repo, env });
  return (await execa('git', ['rev-parse', 'HEAD'], { cwd: repo })).stdout.trim();
}

afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe('readGitHistory', () => {
  let repo: string;
  const shas: string[] = [];

  beforeAll(async () => {
    repo = tempDir();
    await execa('git', ['init', '-q', '-b', 'main'], { cwd: repo });
    shas.push(await commit(repo, 'clusters/a/cluster.yaml', 'add cluster a', 'Ada Lovelace', '2026-01-01T10:00:00+01:00'));
    shas.push(await commit(repo, 'README.md', 'docs only', 'Grace Hopper', '2026-01-02T10:00:00+00:00'));
    shas.push(await commit(repo, 'clusters/a/tenants/t.yaml', 'tenant <t> & more', 'Grace Hopper', '2026-01-03T10:00:00+00:00'));
  });

  it('lists the commits touching clusters/, newest first, and the HEAD commit', async () => {
    const history = await readGitHistory({ cwd: repo });
    expect(history.revision).toEqual({ sha: shas[2], date: '2026-01-03T10:00:00+00:00' });
    expect(history.changes).toEqual({
      paths: ['clusters/'],
      limit: 20,
      commits: [
        { sha: shas[2], author: 'Grace Hopper', date: '2026-01-03T10:00:00+00:00', subject: 'tenant <t> & more' },
        { sha: shas[0], author: 'Ada Lovelace', date: '2026-01-01T10:00:00+01:00', subject: 'add cluster a' },
      ],
    });
  });

  it('keeps to the limit and gives the same answer every time', async () => {
    const first = await readGitHistory({ cwd: repo, limit: 1 });
    expect(first.changes.commits.map((c) => c.sha)).toEqual([shas[2]]);
    await expect(readGitHistory({ cwd: repo, limit: 1 })).resolves.toEqual(first);
  });

  it('flags uncommitted changes under the reported folders only', async () => {
    writeFileSync(path.join(repo, 'notes.txt'), 'not reported\n');
    expect((await readGitHistory({ cwd: repo })).revision?.uncommittedChanges).toBeUndefined();
    writeFileSync(path.join(repo, 'clusters/a/tenants/t.yaml'), 'edited\n');
    expect((await readGitHistory({ cwd: repo })).revision?.uncommittedChanges).toBe(true);
  });

  it('says why there is no history outside a git repository instead of failing', async () => {
    const history = await readGitHistory({ cwd: tempDir() });
    expect(history).toEqual({
      changes: { paths: ['clusters/'], limit: 20, commits: [], unavailable: 'the repository folder is not a git repository' },
    });
  });

  it('says so for a repository without commits', async () => {
    const empty = tempDir();
    await execa('git', ['init', '-q'], { cwd: empty });
    expect((await readGitHistory({ cwd: empty })).changes.unavailable).toBe('the git repository has no commits yet');
  });

  it('refuses a limit that is not a positive whole number', async () => {
    await expect(readGitHistory({ cwd: repo, limit: 0 })).rejects.toThrow('change limit 0 is not a positive whole number');
  });
});
