import { afterAll, describe, expect, it } from 'vitest';
import { buildHistory, removeTestRepos, SECRET_STRINGS } from '../../../test-support/git-history.js';
import { ck8s } from './repo-fixture.js';

describe('ck8s audit', () => {
  afterAll(removeTestRepos);
  const history = buildHistory();
  const root = history.repo.dir;
  const short = (commit: string): string => commit.slice(0, 12);

  it('prints every change as Markdown: commit, author, date, merge, approvers, objects by component; the direct push flagged', async () => {
    const result = await ck8s(root, ['audit']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const md = result.stdout;
    expect(md).toContain('**4 change(s), 1 flagged: 1 direct push(es)**');
    expect(md).toContain(
      `### \`${short(history.addCluster)}\` add cluster demo\n\n- **author**: Bob Builder &lt;bob@example.com&gt;, 2024-01-02T10:00:00+00:00\n`,
    );
    expect(md).toContain(
      `- **reached main**: merge on 2024-01-03T11:00:00+00:00: \`${short(history.mergeAdd)}\` Merge branch 'add-demo'\n- **approvers**: Alice Approver &lt;alice@example.com&gt;\n`,
    );
    expect(md).toContain(`### ⚠ \`${short(history.directPush)}\` raise team-a cpu quota\n`);
    expect(md).toContain(
      '- **flag**: direct push: reached the main branch without a merge or an approval trailer\n- **changed**:\n  - `tenants/team-a`\n    - `changed ResourceQuota team-a/tenant-quota: spec.hard["requests.cpu"]`\n',
    );
    expect(md).not.toContain('unsigned');
    for (const value of Object.values(SECRET_STRINGS)) expect(md).not.toContain(value);
  });

  it('writes stable JSON and a self-contained HTML page', async () => {
    const json = JSON.parse((await ck8s(root, ['audit', '--output', 'json', '--cluster', 'demo'])).stdout);
    expect(json).toMatchObject({
      version: 1,
      mainBranch: 'main',
      head: history.squash,
      requireSignedCommits: false,
      summary: { changes: 4, flagged: 1, directPushes: 1, unsigned: 0 },
    });
    expect(json.clusters[0].changes.map((c: { commit: string; flags: string[] }) => [c.commit, c.flags])).toEqual([
      [history.squash, []],
      [history.rotate, []],
      [history.directPush, ['direct-push']],
      [history.addCluster, []],
    ]);
    const html = (await ck8s(root, ['audit', '--output', 'html'])).stdout;
    expect(html).toMatch(/^<!DOCTYPE html>[\s\S]*<h2>demo<\/h2>[\s\S]*<\/html>\n$/);
    expect(html).toContain('Merge pull request #7 from example/rotate');
    expect(html).toContain('Mallory Pusher &lt;mallory@example.com&gt;');
  });

  it('filters by the date a change reached main', async () => {
    const json = JSON.parse((await ck8s(root, ['audit', '--output', 'json', '--since', '2024-02-11'])).stdout);
    expect(json.since).toBe('2024-02-11T00:00:00.000Z');
    expect(json.clusters[0].changes.map((c: { commit: string }) => c.commit)).toEqual([history.squash, history.rotate]);
  });

  it('flags unsigned commits only when ck8s.config.yaml requires signing, and --fail-on-flags fails', async () => {
    const strict = buildHistory('validation: {}\naudit:\n  requireSignedCommits: true\n');
    const json = JSON.parse((await ck8s(strict.repo.dir, ['audit', '--output', 'json'])).stdout);
    expect(json.requireSignedCommits).toBe(true);
    expect(json.summary).toEqual({ changes: 4, flagged: 4, directPushes: 1, unsigned: 4, emergencyChanges: 0 });
    expect(json.clusters[0].changes[1]).toMatchObject({ commit: strict.rotate, signature: 'N', flags: ['unsigned', 'unsigned-merge'] });

    const failing = await ck8s(root, ['audit', '--fail-on-flags']);
    expect(failing.code).toBe(1);
    expect(failing.stderr).toBe('audit: 1 flagged change(s)\n');
    expect(failing.stdout).toContain('⚠');
    expect((await ck8s(root, ['audit', '--fail-on-flags', '--since', '2024-02-02'])).code).toBe(0);
  });

  it('reads the main branch from settings', async () => {
    const other = buildHistory('validation: {}\naudit:\n  mainBranch: production\n');
    const result = await ck8s(other.repo.dir, ['audit']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('main branch "production" not found');
  });

  it('refuses bad flags with a usage error', async () => {
    for (const [args, message] of [
      [['audit', '--output', 'pdf'], '--output "pdf" is not supported; allowed: md, json, html'],
      [['audit', '--since', 'last-week'], '--since "last-week" is not a date; use YYYY-MM-DD'],
      [['audit', '--since', '2024-02-30'], '--since "2024-02-30" is not a date'],
      [['audit', '--cluster', 'prod'], 'unknown cluster "prod"; clusters on main or in its history: demo'],
      [['audit', '--bogus'], "unknown option '--bogus'"],
    ] as const) {
      const result = await ck8s(root, args);
      expect(result.code, args.join(' ')).not.toBe(0);
      expect(result.stderr).toContain(message);
      expect(result.stdout).toBe('');
    }
  });
});
