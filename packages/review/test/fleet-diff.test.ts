import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildHistory, removeTestRepos, SECRET_STRINGS } from '../../../test-support/git-history.js';
import { DIFF_COMMENT_MARKER, diffFleet, renderDiffMarkdown, renderDiffText } from '../src/index.js';

describe('fleet diff against a git revision', () => {
  afterAll(removeTestRepos);
  const history = buildHistory();
  const root = history.repo.dir;

  it('lists added and changed objects with field paths, and Secret keys without values', async () => {
    const diff = await diffFleet({ root, base: history.mergeAdd });
    expect(diff.baseCommit).toBe(history.mergeAdd);
    expect(diff.clusters.map((c) => [c.cluster, c.status])).toEqual([['demo', 'changed']]);
    const objects = diff.clusters[0]!.objects;
    const byName = (kind: string, name: string, namespace?: string) =>
      objects.find((o) => o.kind === kind && o.name === name && o.namespace === namespace);

    expect(byName('ResourceQuota', 'tenant-quota', 'team-a')!.fields).toEqual([
      { path: 'spec.hard["requests.cpu"]', change: 'changed', before: '4', after: '16' },
    ]);
    expect(byName('Namespace', 'team-b')).toMatchObject({ change: 'added', file: 'tenants/team-b.yaml', component: 'tenants/team-b', fields: [] });
    expect(byName('ResourceQuota', 'tenant-quota', 'team-b')).toMatchObject({ change: 'added' });

    const secret = byName('Secret', 'app-database', 'team-a')!;
    expect(secret.component).toBe('tenants/secrets');
    expect(secret.fields).toEqual([
      { path: 'data.host', change: 'added', redacted: true },
      { path: 'data.password', change: 'changed', redacted: true },
      { path: 'sops.lastmodified', change: 'changed', before: '2024-01-02T10:00:00Z', after: '2024-02-10T12:00:00Z' },
      { path: 'sops.mac', change: 'changed', redacted: true },
    ]);

    const kustomization = objects.find((o) => o.file === 'tenants/kustomization.yaml')!;
    expect(kustomization.fields).toEqual([{ path: 'resources[2]', change: 'added', after: 'team-b.yaml' }]);

    const headers = byName('ConfigMap', 'custom-headers', 'ingress-nginx')!;
    expect(headers.fields.map((f) => f.path)).toEqual(['data["headers.conf"]']);
  });

  it('renders terminal text and a marked Markdown comment without any secret value', async () => {
    const diff = await diffFleet({ root, base: history.mergeAdd });
    const text = renderDiffText(diff);
    const markdown = renderDiffMarkdown(diff);
    expect(text).toContain('  ~ ResourceQuota team-a/tenant-quota (tenants/team-a.yaml)\n      spec.hard["requests.cpu"]: "4" → "16"\n');
    expect(text).toContain('  + Namespace team-b (tenants/team-b.yaml)\n');
    expect(text).toContain('      data.password: changed (value not shown)\n');
    expect(text).toContain('      data.host: added (value not shown)\n');
    expect(text).toContain(
      '      data["headers.conf"]: changed\n         X-Frame-Options: DENY\n         X-Content-Type-Options: nosniff\n        +Strict-Transport-Security: max-age=31536000\n         Referrer-Policy: same-origin\n',
    );
    expect(text).toContain('  ~ Kustomization (tenants/kustomization.yaml)\n      resources[2]: added "team-b.yaml"\n');
    expect(text.endsWith('diff: 6 object(s) differ in 1 of 1 cluster(s) (2 added, 4 changed, 0 removed)\n')).toBe(true);

    expect(markdown.startsWith(`${DIFF_COMMENT_MARKER}\n`)).toBe(true);
    expect(markdown).toContain(
      '- ✏️ changed `ResourceQuota team-a/tenant-quota` in `tenants/team-a.yaml`\n  - `spec.hard["requests.cpu"]`: `"4"` → `"16"`',
    );
    expect(markdown).toContain('  - `data.password`: changed (value not shown)');
    expect(markdown).toContain('```diff\n');

    for (const output of [text, markdown, JSON.stringify(diff)]) {
      for (const value of Object.values(SECRET_STRINGS)) expect(output).not.toContain(value);
      expect(output).not.toContain('ENC[');
    }
  });

  it('counts every object of a cluster added since the base', async () => {
    const diff = await diffFleet({ root, base: history.initial });
    expect(diff.clusters[0]!.status).toBe('added');
    expect(diff.clusters[0]!.objects.every((o) => o.change === 'added' && o.fields.length === 0)).toBe(true);
    expect(renderDiffText(diff)).toContain('demo: cluster added (9 objects)');
  });

  it('reads the working tree, so uncommitted output and a removed cluster show', async () => {
    const h = buildHistory();
    rmSync(path.join(h.repo.dir, 'clusters/demo'), { recursive: true });
    const diff = await diffFleet({ root: h.repo.dir, base: 'HEAD' });
    expect(diff.clusters[0]).toMatchObject({ cluster: 'demo', status: 'removed' });
    expect(diff.clusters[0]!.objects.every((o) => o.change === 'removed')).toBe(true);
    expect(renderDiffMarkdown(diff)).toContain('#### demo: cluster removed (9 objects)');
  });

  it('is empty when nothing changed, and cuts the comment down when it is too long', async () => {
    const same = await diffFleet({ root, base: 'HEAD' });
    expect(same.clusters[0]).toMatchObject({ status: 'unchanged', objects: [] });
    expect(renderDiffText(same)).toContain('demo: no changes\n');
    const diff = await diffFleet({ root, base: history.mergeAdd });
    const short = renderDiffMarkdown(diff, { maxLength: 900 });
    expect(short).toContain('The full diff is too long for a comment');
    expect(short).not.toContain('value not shown');
  });

  it('refuses an unknown base or cluster', async () => {
    await expect(diffFleet({ root, base: 'no-such-ref' })).rejects.toThrow('base "no-such-ref" is not a commit in this repository');
    await expect(diffFleet({ root, base: 'HEAD', clusters: ['nope'] })).rejects.toThrow(
      'unknown cluster "nope"; clusters at the base or in the working tree: demo',
    );
  });
});
