import { afterAll, describe, expect, it } from 'vitest';
import { buildHistory, removeTestRepos, SECRET_STRINGS } from '../../../test-support/git-history.js';
import { collectAudit, renderAuditHtml, renderAuditJson, renderAuditMarkdown } from '../src/index.js';

describe('audit trail from git history', () => {
  afterAll(removeTestRepos);
  const history = buildHistory('validation: {}\n', { sign: true });
  const root = history.repo.dir;

  it('lists every change with its author, date, the commit that brought it to main and the approvers', async () => {
    const report = await collectAudit({ root });
    expect(report.head).toBe(history.signed);
    expect(report.clusters.map((c) => c.cluster)).toEqual(['demo']);
    const changes = report.clusters[0]!.changes;
    // newest first, by when they reached main
    expect(changes.map((c) => c.commit)).toEqual([history.signed, history.squash, history.rotate, history.directPush, history.addCluster]);

    const added = changes.find((c) => c.commit === history.addCluster)!;
    expect(added).toMatchObject({
      author: { name: 'Bob Builder', email: 'bob@example.com' },
      authorDate: '2024-01-02T10:00:00+00:00',
      subject: 'add cluster demo',
      landedBy: {
        commit: history.mergeAdd,
        subject: "Merge branch 'add-demo'",
        via: 'merge',
        date: '2024-01-03T11:00:00+00:00',
        committer: { name: 'Alice Approver' },
      },
      approvers: ['Alice Approver <alice@example.com>'],
      flags: [],
    });
    expect(added.files).toContain('cluster.yaml');

    const rotate = changes.find((c) => c.commit === history.rotate)!;
    expect(rotate.landedBy).toMatchObject({ commit: history.mergeRotate, via: 'merge', pullRequest: 7 });
    expect(rotate.approvers).toEqual(['Carol Merger <carol@example.com>']);
    expect(rotate.flags).toEqual([]);
    expect(rotate.components).toEqual([
      {
        component: 'tenants/kustomization',
        objects: [{ change: 'changed', kind: 'Kustomization', file: 'tenants/kustomization.yaml', fields: ['resources[2]'] }],
      },
      {
        component: 'tenants/secrets',
        objects: [
          {
            change: 'changed',
            kind: 'Secret',
            namespace: 'team-a',
            name: 'app-database',
            file: 'tenants/secrets/team-a.app-database.sops.yaml',
            fields: ['data.host', 'data.password', 'sops.lastmodified', 'sops.mac'],
          },
        ],
      },
      {
        component: 'tenants/team-b',
        objects: [
          { change: 'added', kind: 'Namespace', name: 'team-b', file: 'tenants/team-b.yaml', fields: [] },
          { change: 'added', kind: 'ResourceQuota', namespace: 'team-b', name: 'tenant-quota', file: 'tenants/team-b.yaml', fields: [] },
        ],
      },
    ]);
  });

  it('flags the direct push, and accepts a squash commit that carries an approval trailer', async () => {
    const report = await collectAudit({ root });
    const changes = report.clusters[0]!.changes;
    const direct = changes.find((c) => c.commit === history.directPush)!;
    expect(direct).toMatchObject({
      author: { name: 'Mallory Pusher' },
      landedBy: { commit: history.directPush, via: 'direct' },
      approvers: [],
      flags: ['direct-push'],
    });
    expect(direct.components).toEqual([
      {
        component: 'tenants/team-a',
        objects: [
          {
            change: 'changed',
            kind: 'ResourceQuota',
            namespace: 'team-a',
            name: 'tenant-quota',
            file: 'tenants/team-a.yaml',
            fields: ['spec.hard["requests.cpu"]'],
          },
        ],
      },
    ]);
    const squash = changes.find((c) => c.commit === history.squash)!;
    expect(squash).toMatchObject({ landedBy: { via: 'squash', pullRequest: 9 }, approvers: ['Alice Approver <alice@example.com>'], flags: [] });
    // the signed commit went straight to main too
    expect(changes.find((c) => c.commit === history.signed)!.flags).toEqual(['direct-push']);
    expect(report.summary).toEqual({ changes: 5, flagged: 2, directPushes: 2, unsigned: 0, emergencyChanges: 0 });
  });

  it('flags commits and merges without a good signature only when signing is required', async () => {
    const relaxed = await collectAudit({ root });
    expect(relaxed.clusters[0]!.changes.every((c) => c.signature === undefined && !c.flags.some((f) => f.startsWith('unsigned')))).toBe(true);

    const strict = await collectAudit({ root, requireSignedCommits: true });
    const flags = new Map(strict.clusters[0]!.changes.map((c) => [c.commit, c.flags]));
    expect(flags.get(history.signed!)).toEqual(['direct-push']);
    expect(flags.get(history.directPush)).toEqual(['direct-push', 'unsigned']);
    expect(flags.get(history.rotate)).toEqual(['unsigned', 'unsigned-merge']);
    expect(flags.get(history.squash)).toEqual(['unsigned']);
    expect(strict.clusters[0]!.changes.find((c) => c.commit === history.signed)!.signature).toBe('G');
    expect(strict.summary).toMatchObject({ changes: 5, flagged: 5, unsigned: 4 });
  });

  it('keeps changes that reached main since a date, also when authored before it', async () => {
    const report = await collectAudit({ root, since: new Date('2024-02-11T00:00:00Z') });
    expect(report.since).toBe('2024-02-11T00:00:00.000Z');
    // rotate was written on 2024-02-10 and merged on 2024-02-12
    expect(report.clusters[0]!.changes.map((c) => c.commit)).toEqual([history.signed, history.squash, history.rotate]);
    const none = await collectAudit({ root, since: new Date('2030-01-01T00:00:00Z') });
    expect(none.clusters[0]!.changes).toEqual([]);
    expect(renderAuditMarkdown(none)).toContain('## demo\n\nNo changes.');
  });

  it('renders Markdown, JSON and HTML without any secret value', async () => {
    const report = await collectAudit({ root, requireSignedCommits: true });
    const markdown = renderAuditMarkdown(report);
    expect(markdown).toContain(`### ⚠ \`${history.directPush.slice(0, 12)}\` raise team-a cpu quota`);
    expect(markdown).toContain('- **author**: Mallory Pusher &lt;mallory@example.com&gt;, 2024-02-01T08:00:00+00:00');
    expect(markdown).toContain('- **flag**: direct push: reached the main branch without a merge or an approval trailer');
    expect(markdown).toContain(`- **reached main**: merge (pull request #7) on 2024-02-12T15:00:00+00:00: \`${history.mergeRotate.slice(0, 12)}\``);
    expect(markdown).toContain('- **approvers**: Carol Merger &lt;carol@example.com&gt;');
    expect(markdown).toContain(
      '  - `tenants/secrets`\n    - `changed Secret team-a/app-database: data.host, data.password, sops.lastmodified, sops.mac`',
    );
    expect(markdown).toContain('  - files without generated objects: `cluster.yaml`');

    const json = JSON.parse(renderAuditJson(report));
    expect(json.version).toBe(1);
    expect(json.clusters[0].changes[3]).toMatchObject({ commit: history.directPush, flags: ['direct-push', 'unsigned'] });

    const html = renderAuditHtml(report);
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('Mallory Pusher &lt;mallory@example.com&gt;');
    expect(html).toContain('<tr class="flagged">');
    expect(html).not.toMatch(/<script|<link|src=/);

    for (const output of [markdown, renderAuditJson(report), html]) {
      for (const value of Object.values(SECRET_STRINGS)) expect(output).not.toContain(value);
    }
  });

  it('audits one cluster, and refuses an unknown cluster or main branch', async () => {
    expect((await collectAudit({ root, clusters: ['demo'] })).clusters).toHaveLength(1);
    await expect(collectAudit({ root, clusters: ['prod'] })).rejects.toThrow('unknown cluster "prod"; clusters on main or in its history: demo');
    await expect(collectAudit({ root, mainBranch: 'trunk' })).rejects.toThrow(
      'main branch "trunk" not found (looked for refs/heads/trunk and refs/remotes/origin/trunk)',
    );
  });
});
