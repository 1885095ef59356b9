import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTestRepos, TestRepo } from '../../../test-support/git-history.js';
import { collectAudit, diffFleet } from '../src/index.js';

describe('a repository root below the top of the git working tree', () => {
  afterAll(removeTestRepos);
  it('reads files and history relative to the root', async () => {
    const repo = new TestRepo();
    const cm = (value: string): string =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: apps\ndata:\n  mode: ${value}\n`;
    repo.write({
      'platform/ck8s.config.yaml': 'validation: {}\n',
      'platform/clusters/edge/cluster.yaml': 'name: edge\n',
      'platform/clusters/edge/platform/settings.yaml': cm('a'),
    });
    const first = repo.commit('add edge', 'bob', '2024-01-01T00:00:00Z');
    repo.write({ 'platform/clusters/edge/platform/settings.yaml': cm('b') });

    const diff = await diffFleet({ root: path.join(repo.dir, 'platform'), base: 'HEAD' });
    expect(diff.clusters).toEqual([
      {
        cluster: 'edge',
        status: 'changed',
        objects: [
          expect.objectContaining({
            kind: 'ConfigMap',
            file: 'platform/settings.yaml',
            component: 'platform/settings',
            fields: [{ path: 'data.mode', change: 'changed', before: 'a', after: 'b' }],
          }),
        ],
      },
    ]);

    const audit = await collectAudit({ root: path.join(repo.dir, 'platform') });
    expect(audit.clusters[0]!.changes).toMatchObject([{ commit: first, files: ['cluster.yaml', 'platform/settings.yaml'], flags: ['direct-push'] }]);
  });

  it('says so outside a git repository', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ck8s-no-git-'));
    await expect(diffFleet({ root: dir, base: 'HEAD' })).rejects.toThrow(
      `${dir} is not in a git repository; the diff and the audit read the history of clusters/`,
    );
    await expect(collectAudit({ root: dir })).rejects.toThrow('is not in a git repository');
    rmSync(dir, { recursive: true });
  });
});
