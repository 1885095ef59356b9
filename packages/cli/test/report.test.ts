import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ck8s, copyRepo } from './repo-fixture.js';

const PLAINTEXT = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: leak\n  namespace: team-a\nstringData:\n  password: hunter2-never-shown\n';

/** git with a fixed identity and clock, so commits (and the report) are the same on every run. */
async function git(repo: string, args: readonly string[], date = '2026-03-01T12:00:00+00:00', author = 'Ada Lovelace'): Promise<string> {
  const env = {
    GIT_AUTHOR_NAME: author,
    GIT_AUTHOR_EMAIL: 'ada@example.com',
    GIT_COMMITTER_NAME: author,
    GIT_COMMITTER_EMAIL: 'ada@example.com',
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
  };
  return (await execa('git', ['-c', 'commit.gpgsign=false', ...args], { cwd: repo, env })).stdout.trim();
}

describe('ck8s report', () => {
  let repo: string;
  let head: string;
  const scratch: string[] = [];

  afterAll(() => {
    // removes the links to the shared tools and caches, never what they point at
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  });

  beforeAll(async () => {
    // a fleet repository with history: the fleet, a pull request adding a tenant merged with a merge commit, a docs change
    repo = copyRepo();
    scratch.push(repo);
    writeFileSync(path.join(repo, '.gitignore'), '.tools\n.ck8s\n*.html\n');
    await git(repo, ['init', '-q', '-b', 'main']);
    await git(repo, ['add', '.']);
    await git(repo, ['commit', '-q', '-m', 'fleet: demo-wc and demo-sc'], '2026-03-01T09:00:00+01:00');
    await git(repo, ['checkout', '-q', '-b', 'team-c']);
    const config = path.join(repo, 'clusters/demo-wc/cluster.yaml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('\nrbac:\n', '\n  - name: team-c\n    adminGroups: [team-c-admins]\nrbac:\n'));
    // the service cluster follows its workload clusters' tenants (registry projects): synth both
    expect((await ck8s(repo, ['synth'])).code).toBe(0);
    await git(repo, ['add', 'clusters']);
    await git(repo, ['commit', '-q', '-m', 'demo-wc: tenant team-c <for the payments team>'], '2026-03-02T10:00:00+00:00', 'Grace Hopper');
    await git(repo, ['checkout', '-q', 'main']);
    await git(
      repo,
      ['merge', '-q', '--no-ff', 'team-c', '-m', 'Merge pull request #7 from team-c\n\nApproved-by: Ada Lovelace <ada@example.com>'],
      '2026-03-03T11:00:00+00:00',
    );
    writeFileSync(path.join(repo, 'NOTES.md'), 'not about clusters\n');
    await git(repo, ['add', 'NOTES.md']);
    await git(repo, ['commit', '-q', '-m', 'notes'], '2026-03-04T11:00:00+00:00');
    head = await git(repo, ['rev-parse', 'HEAD']);
  });

  it('writes one page with every cluster, component versions, controls, exceptions and recent changes', async () => {
    const result = await ck8s(repo, ['report', '--out', 'out/fleet.html']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^report: 2 cluster\(s\), 22\/22 controls passed, 0 problem\(s\); written to out\/fleet\.html\n$/);
    expect(result.code).toBe(0);
    const page = readFileSync(path.join(repo, 'out/fleet.html'), 'utf8');
    for (const heading of ['Clusters', 'Validation', 'Cluster demo-sc', 'Cluster demo-wc', 'Recent changes'])
      expect(page).toMatch(new RegExp(`<h2 id="[a-z0-9-]+">${heading}</h2>`));
    expect(page).toContain(
      '<dt>Profile</dt><dd>workload</dd><dt>Environment</dt><dd>demo</dd><dt>Kubernetes version</dt><dd>1.36</dd><dt>Domain</dt><dd><code>demo-wc.example.com</code></dd>',
    );
    // chart versions as pinned in charts/catalog.yaml, plain components too
    const catalog = readFileSync(path.join(repo, 'charts/catalog.yaml'), 'utf8');
    const falco = /falco:\n\s+repository: \S+\n\s+chart: falco\n\s+version: (\S+)/.exec(catalog)![1]!;
    expect(page).toContain(`<strong>falco</strong> <code>${falco}</code>`);
    expect(page).toContain('<strong>team-c</strong><br><code class="muted">clusters/demo-wc/tenants/team-c.yaml</code>');
    // controls with status and evidence
    expect(page).toMatch(
      /<tr id="demo-wc-ck8s-net-001" class="pass"><td><code class="nowrap">CK8S-NET-001<\/code><\/td><td><span class="status status-pass">pass<\/span>/,
    );
    expect(page).toContain('<li>clusters/demo-wc/tenants/team-c.yaml: NetworkPolicy team-c/default-deny</li>');
    // exceptions: cluster.yaml rules, tenant settings and namespaces below restricted, each with its reason
    expect(page).toContain(
      '<td><code>team-b</code></td><td><code>image-tag</code></td><td>vendor chart pins a :latest sidecar until its 2.x upgrade (ticket PLAT-123)</td><td><code class="muted">clusters/demo-wc/cluster.yaml</code></td>',
    );
    expect(page).toContain('<td><code>team-b</code></td><td><code>service-load-balancer</code></td><td>tenant setting allowLoadBalancer: true</td>');
    expect(page).toMatch(/<td><code>falco<\/code><\/td><td><code>pod-security: privileged<\/code><\/td><td>Falco modern eBPF/);
    // recent changes: commits touching clusters/, the merge included, newest first, escaped; the docs commit left out
    const subjects = [
      ...page.matchAll(
        /<tr><td><code title="[0-9a-f]{40}">[0-9a-f]{12}<\/code><\/td><td><time datetime="[^"]+">[^<]+<\/time><\/td><td>([^<]+)<\/td><td>([^<]+)<\/td><\/tr>/g,
      ),
    ].map((m) => `${m[1]}: ${m[2]}`);
    expect(subjects).toEqual([
      'Ada Lovelace: Merge pull request #7 from team-c',
      'Grace Hopper: demo-wc: tenant team-c &lt;for the payments team&gt;',
      'Ada Lovelace: fleet: demo-wc and demo-sc',
    ]);
    expect(page).toContain(`From commit <code>${head}</code> of 2026-03-04T11:00:00+00:00.`);

    // deterministic: a second run gives the same bytes
    expect((await ck8s(repo, ['report', '--out', 'again.html'])).code).toBe(0);
    expect(readFileSync(path.join(repo, 'again.html'), 'utf8')).toBe(page);
  });

  it('still writes the report when validation fails, shows the problem, never a secret value, and exits 1', async () => {
    const exported = copyRepo(); // not a git repository
    scratch.push(exported);
    writeFileSync(path.join(exported, 'secrets/demo-wc/team-a.leak.sops.yaml'), PLAINTEXT);
    const result = await ck8s(exported, ['report', 'demo-wc']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('secrets: secrets/demo-wc/team-a.leak.sops.yaml: stringData.password: is not encrypted');
    expect(result.stdout).toMatch(/report: 1 cluster\(s\), \d+\/\d+ controls passed, [1-9]\d* problem\(s\); written to report\.html\n$/);
    const page = readFileSync(path.join(exported, 'report.html'), 'utf8');
    expect(page).toContain('<td>secrets</td><td><code>secrets/demo-wc/team-a.leak.sops.yaml</code></td>');
    expect(page).toContain('<span class="status status-fail">fail</span>');
    expect(page).toContain('No history: the repository folder is not a git repository.');
    expect(page).not.toContain('Cluster demo-sc');
    expect(page).not.toContain('hunter2');
    // nothing from inside an encrypted value either
    expect(page).not.toContain('ENC[AES256_GCM,data:');
  });

  it('marks a control whose rule only audits as weakened, with the reason, not as passed', async () => {
    const exported = copyRepo();
    scratch.push(exported);
    const reason = 'vendor chart pins :latest until its 2.x upgrade (PLAT-123)';
    const config = path.join(exported, 'clusters/demo-wc/cluster.yaml');
    writeFileSync(
      config,
      readFileSync(config, 'utf8').replace('policy:\n', `policy:\n  enforcement:\n    image-tag: { action: audit, reason: "${reason}" }\n`),
    );
    expect((await ck8s(exported, ['synth', 'demo-wc'])).code).toBe(0);
    const result = await ck8s(exported, ['report', 'demo-wc']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`weakened: clusters/demo-wc: CK8S-ADM-002: ck8s-image-tag only audits (policy.enforcement): ${reason}\n`);
    expect(result.stdout).toMatch(/report: 1 cluster\(s\), 10\/11 controls passed, 1 weakened, 0 problem\(s\)/);
    const page = readFileSync(path.join(exported, 'report.html'), 'utf8');
    expect(page).toMatch(
      /<tr id="demo-wc-ck8s-adm-002" class="weakened"><td><code class="nowrap">CK8S-ADM-002<\/code><\/td><td><span class="status status-weakened">weakened<\/span>/,
    );
    expect(page).toContain(`<strong>Not denied</strong><ul><li>ck8s-image-tag: only audits, because ${reason}</li></ul>`);
    expect(page).toContain(`<td><code>*</code></td><td><code>image-tag</code></td><td>audit, not deny (policy.enforcement): ${reason}</td>`);
  });

  it('refuses a bad --changes and an --out inside clusters/, before doing any work', async () => {
    const changes = await ck8s(repo, ['report', '--changes', '0']);
    expect(changes.code).toBe(1);
    expect(changes.stderr).toBe('ck8s: --changes "0" is not supported; allowed: a whole number of 1 or more\n');
    const inside = await ck8s(repo, ['report', '--out', 'clusters/demo-wc/report.html']);
    expect(inside.code).toBe(1);
    expect(inside.stderr).toContain('ck8s: --out "clusters/demo-wc/report.html" is inside clusters/, where every file is generated');
    expect(existsSync(path.join(repo, 'clusters/demo-wc/report.html'))).toBe(false);
    mkdirSync(path.join(repo, 'pages'), { recursive: true });
    const folder = await ck8s(repo, ['report', '--out', 'pages']);
    expect(folder.code).toBe(1);
    expect(folder.stderr).toBe(`ck8s: --out "pages" is a folder; allowed: a file path, e.g. --out ${path.join('pages', 'report.html')}\n`);
    expect(readdirSync(path.join(repo, 'pages'))).toEqual([]);
  });

  it('says in its help that the page is written even when validation fails', async () => {
    const help = await ck8s(repo, ['report', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: ck8s report [options] [clusters...]');
    expect(help.stdout).toContain('It is written even when\nvalidation finds problems; the exit status is then 1');
  });
});
