import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTestRepos, TestRepo } from '../../../test-support/git-history.js';
import { ck8s, copyRepo } from './repo-fixture.js';

/** Raises the patch version of cert-manager in the copy's chart catalog; returns [from, to]. */
function bumpCertManager(repo: string): [string, string] {
  const file = path.join(repo, 'charts/catalog.yaml');
  const text = readFileSync(file, 'utf8');
  const match = /(\n {2}cert-manager:\n(?: {4}.*\n)*? {4}version: )v(\d+)\.(\d+)\.(\d+)\n/.exec(text)!;
  const from = `v${match[2]}.${match[3]}.${match[4]}`;
  const to = `v${match[2]}.${match[3]}.${Number(match[4]) + 1}`;
  writeFileSync(file, text.replace(match[0], `${match[1]}${to}\n`));
  return [from, to];
}

describe('ck8s validate --window and ck8s audit on a fleet repository', () => {
  afterAll(removeTestRepos);

  it('refuses a production chart bump merged outside the window, accepts it with an Emergency-Change trailer, and the audit flags it', async () => {
    const dir = copyRepo();
    // the demo fleet's environment is held to the window here
    const settings = path.join(dir, 'ck8s.config.yaml');
    writeFileSync(settings, readFileSync(settings, 'utf8').replace('environments: [production]', 'environments: [demo]'));
    const repo = new TestRepo(dir);
    const base = repo.commit('the fleet', 'admin', '2026-04-01T06:00:00Z');
    const [from, to] = bumpCertManager(dir);
    expect((await ck8s(dir, ['synth'])).code).toBe(0);
    // Friday 16:00 CEST
    repo.commit(`cert-manager ${to}\n\nReviewed-by: Alice Approver <alice@example.com>`, 'bob', '2026-04-10T14:00:00Z');

    const refused = await ck8s(dir, ['validate', '--window', base]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(
      `window: demo-sc at ${repo.head().slice(0, 12)} "cert-manager ${to}", landed 2026-04-10 16:00 GMT+2: cert-manager/cert-manager ${from} → ${to} (minor): outside the maintenance window (wednesday 07:00–12:00 Europe/Stockholm)`,
    );
    expect(refused.stdout).toMatch(
      /validate --window: 2 version change\(s\) of production clusters from \w+ to \w+, 0 emergency change\(s\), 2 outside the window\n$/,
    );

    repo.git('reset', '--quiet', '--soft', base);
    repo.commit(
      `cert-manager ${to}\n\nEmergency-Change: CVE-2026-0001 in the webhook\nReviewed-by: Alice Approver <alice@example.com>`,
      'bob',
      '2026-04-10T14:00:00Z',
    );
    const accepted = await ck8s(dir, ['validate', '--window', base, '--output', 'json']);
    expect(accepted.code).toBe(0);
    const report = JSON.parse(accepted.stdout);
    expect(report.ok).toBe(true);
    expect(report.window.violations).toEqual([]);
    expect(report.window.findings.map((f: { cluster: string; verdict: string }) => [f.cluster, f.verdict])).toEqual([
      ['demo-sc', 'emergency'],
      ['demo-wc', 'emergency'],
    ]);

    const audit = JSON.parse((await ck8s(dir, ['audit', '--output', 'json', '--cluster', 'demo-wc'])).stdout);
    expect(audit.clusters[0].changes[0]).toMatchObject({ flags: ['emergency-change'], emergency: ['CVE-2026-0001 in the webhook'] });
    // the other flagged change is the fleet's first commit, pushed without review
    expect(audit.summary).toMatchObject({ changes: 2, flagged: 2, directPushes: 1, emergencyChanges: 1 });
    expect((await ck8s(dir, ['audit', '--fail-on-flags'])).code).toBe(1);
  }, 120_000);
});
