import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildHistory, removeTestRepos, SECRET_STRINGS, TestRepo } from '../../../test-support/git-history.js';
import { DIFF_COMMENT_MARKER } from '@ck8s/review';
import { parse } from 'yaml';
import { ck8s, copyRepo, REPO_ROOT } from './repo-fixture.js';

describe('ck8s diff', () => {
  const copies: string[] = [];
  afterAll(() => {
    removeTestRepos();
    // the links to the shared tools and caches go, not what they point to
    for (const dir of copies) rmSync(dir, { recursive: true, force: true });
  });
  const history = buildHistory();
  const root = history.repo.dir;

  it('prints the object-level difference against a revision, naming Secret keys without values', async () => {
    const result = await ck8s(root, ['diff', '--base', history.mergeAdd]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('  ~ ResourceQuota team-a/tenant-quota (tenants/team-a.yaml)\n      spec.hard["requests.cpu"]: "4" → "16"\n');
    expect(result.stdout).toContain('  + Namespace team-b (tenants/team-b.yaml)\n');
    expect(result.stdout).toContain(
      '  ~ Secret team-a/app-database (tenants/secrets/team-a.app-database.sops.yaml)\n      data.host: added (value not shown)\n      data.password: changed (value not shown)\n',
    );
    expect(result.stdout).toMatch(/\ndiff: 6 object\(s\) differ in 1 of 1 cluster\(s\) \(2 added, 4 changed, 0 removed\)\n$/);
    for (const value of Object.values(SECRET_STRINGS)) expect(result.stdout).not.toContain(value);
  });

  it('writes a Markdown comment with its marker, and JSON', async () => {
    const markdown = await ck8s(root, ['diff', '--base', history.mergeAdd, '--output', 'markdown', 'demo']);
    expect(markdown.code).toBe(0);
    expect(markdown.stdout.startsWith('<!-- ck8s-diff -->\n')).toBe(true);
    expect(markdown.stdout).toContain('  - `data.password`: changed (value not shown)');
    for (const value of Object.values(SECRET_STRINGS)) expect(markdown.stdout).not.toContain(value);
    const json = JSON.parse((await ck8s(root, ['diff', '--base', history.initial, '--output', 'json'])).stdout);
    expect(json.clusters).toMatchObject([{ cluster: 'demo', status: 'added' }]);
  });

  it('refuses bad flags and unknown revisions or clusters', async () => {
    const missing = await ck8s(root, ['diff']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("required option '--base <ref>' not specified");
    const output = await ck8s(root, ['diff', '--base', 'HEAD', '--output', 'yaml']);
    expect(output).toMatchObject({ code: 1, stdout: '' });
    expect(output.stderr).toContain('--output "yaml" is not supported; allowed: text, markdown, json');
    const base = await ck8s(root, ['diff', '--base', 'no-such-branch']);
    expect(base.code).toBe(1);
    expect(base.stderr).toContain('--base "no-such-branch" is not a commit in this repository');
    const mirror = await ck8s(root, ['diff', '--base', 'HEAD', '--chart-mirror', 'charts']);
    expect(mirror).toMatchObject({ code: 1, stdout: '', stderr: 'ck8s: --chart-mirror needs --render\n' });
    const cluster = await ck8s(root, ['diff', '--base', 'HEAD', 'prod']);
    expect(cluster.code).toBe(1);
    expect(cluster.stderr).toContain('unknown cluster "prod"');
  });

  it('names the ResourceQuota field a tenant quota change touches in the demo fleet', async () => {
    const repo = copyRepo();
    copies.push(repo);
    const git = new TestRepo(repo);
    writeFileSync(path.join(repo, '.gitignore'), '.tools\n.ck8s\n');
    // the base is a fresh synth, so only the quota change differs even while the generator is being changed
    expect((await ck8s(repo, ['synth'])).code).toBe(0);
    git.commit('demo fleet', 'admin', '2024-01-01T00:00:00Z');
    const config = path.join(repo, 'clusters/demo-wc/cluster.yaml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('      cpu: "8"\n', '      cpu: "6"\n'));
    expect((await ck8s(repo, ['synth', 'demo-wc'])).code).toBe(0);
    const result = await ck8s(repo, ['diff', '--base', 'HEAD']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('demo-sc: no changes\n');
    expect(result.stdout).toContain('  ~ ResourceQuota team-a/tenant-quota (tenants/team-a.yaml)\n      spec.hard["requests.cpu"]: "8" → "6"\n');
    expect(result.stdout).toMatch(/\ndiff: 1 object\(s\) differ in 1 of 2 cluster\(s\)/);
  });

  it('is what the pull-request workflow runs, and the workflow finds its comment by the same marker', () => {
    const workflow = parse(readFileSync(path.join(REPO_ROOT, '.github/workflows/diff.yaml'), 'utf8'));
    const steps: { run?: string; with?: { script?: string; 'fetch-depth'?: number } }[] = workflow.jobs.diff.steps;
    expect(workflow.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    expect(steps[0]!.with!['fetch-depth']).toBe(0);
    expect(steps.some((s) => s.run === 'npx ck8s diff --base "origin/$BASE_REF" --output markdown > diff.md')).toBe(true);
    expect(steps.find((s) => s.with?.script)!.with!.script).toContain(`const marker = '${DIFF_COMMENT_MARKER}';`);
  });
});
