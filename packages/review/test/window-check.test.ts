import { DEFAULT_MAINTENANCE } from '@ck8s/core';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTestRepos, TestRepo } from '../../../test-support/git-history.js';
import { changeLevel, checkMaintenanceWindow, collectAudit, renderAuditMarkdown, type WindowFinding } from '../src/index.js';

function clusterYaml(name: string, environment: string, kubernetesVersion: string, postponeMajorUntil?: string): string {
  const postpone = postponeMajorUntil ? `maintenance:\n  postponeMajorUntil: "${postponeMajorUntil}"\n` : '';
  return `name: ${name}\nprofile: workload\nenvironment: ${environment}\nkubernetesVersion: "${kubernetesVersion}"\n${postpone}`;
}

function certManager(version: string): string {
  return `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: cert-manager
  namespace: cert-manager
  labels:
    platform.ck8s.io/component: cert-manager
spec:
  chart:
    spec:
      chart: cert-manager
      version: ${version}
  interval: 1h
`;
}

interface State {
  readonly kubernetes: string;
  readonly chart: string;
  readonly postpone?: string;
}

/** The production cluster prod (and, moving the same versions, the non-production cluster dev). */
function write(repo: TestRepo, prod: State, dev?: State): void {
  repo.write({
    'clusters/prod/cluster.yaml': clusterYaml('prod', 'production', prod.kubernetes, prod.postpone),
    'clusters/prod/controllers/cert-manager.yaml': certManager(prod.chart),
    ...(dev
      ? {
          'clusters/dev/cluster.yaml': clusterYaml('dev', 'staging', dev.kubernetes),
          'clusters/dev/controllers/cert-manager.yaml': certManager(dev.chart),
        }
      : {}),
  });
}

/**
 * A year of a production cluster in a real repository, with committer dates set per commit
 * (GIT_COMMITTER_DATE). Europe/Stockholm: CET until 2026-03-29, CEST until 2026-10-25, CET again.
 */
function buildWindowHistory() {
  const repo = new TestRepo();
  repo.write({ 'ck8s.config.yaml': 'validation: {}\n' });
  write(repo, { kubernetes: '1.35', chart: 'v1.17.2' }, { kubernetes: '1.35', chart: 'v1.17.2' });
  const start = repo.commit('fleet as it runs', 'admin', '2026-03-02T09:00:00Z');
  // Thursday 11:00 CET: a minor bump outside the window, in production and in staging
  write(repo, { kubernetes: '1.35', chart: 'v1.17.4' }, { kubernetes: '1.35', chart: 'v1.17.4' });
  const thursday = repo.commit('cert-manager v1.17.4', 'mallory', '2026-03-26T10:00:00Z');
  // second Wednesday of April, 08:00 CEST: a minor bump in the window
  write(repo, { kubernetes: '1.35', chart: 'v1.18.0' });
  const inWindow = repo.commit('cert-manager v1.18.0', 'bob', '2026-04-08T06:00:00Z');
  // the same window, but a Kubernetes minor: major updates wait for the first Wednesday
  write(repo, { kubernetes: '1.36', chart: 'v1.18.0' });
  const majorSecondWednesday = repo.commit('kubernetes 1.36', 'bob', '2026-04-08T07:00:00Z');
  // a critical fix on a Thursday afternoon, merged with the emergency trailer on the merge
  repo.git('checkout', '--quiet', '-b', 'cve');
  write(repo, { kubernetes: '1.36', chart: 'v1.18.1' });
  const fix = repo.commit('cert-manager v1.18.1: fixes CVE-2026-0001', 'bob', '2026-04-09T09:00:00Z');
  repo.git('checkout', '--quiet', 'main');
  const emergencyMerge = repo.merge(
    'cve',
    'Merge pull request #12 from example/cve\n\nEmergency-Change: CVE-2026-0001 in the cert-manager webhook, exploited in the wild\nApproved-by: Carol Merger <carol@example.com>',
    'carol',
    '2026-04-09T14:00:00Z',
  );
  // the customer postpones May's major update (first Wednesday, 2026-05-06) to 2026-05-20
  write(repo, { kubernetes: '1.36', chart: 'v1.18.1', postpone: '2026-05-20' });
  repo.commit('prod: postpone the May major update to 2026-05-20', 'alice', '2026-04-20T09:00:00Z');
  write(repo, { kubernetes: '1.36', chart: 'v2.0.0', postpone: '2026-05-20' });
  const majorOnPostponedDay = repo.commit('cert-manager v2.0.0', 'bob', '2026-05-06T08:00:00Z');
  write(repo, { kubernetes: '1.37', chart: 'v2.0.0', postpone: '2026-05-20' });
  const majorOnNewDay = repo.commit('kubernetes 1.37', 'bob', '2026-05-20T08:00:00Z');
  // 05:30 UTC on a Wednesday: 07:30 CEST (inside) in October before the switch, 06:30 CET (outside) after it
  write(repo, { kubernetes: '1.37', chart: 'v2.0.1', postpone: '2026-05-20' });
  const beforeSwitch = repo.commit('cert-manager v2.0.1', 'bob', '2026-10-21T05:30:00Z');
  write(repo, { kubernetes: '1.37', chart: 'v2.0.2', postpone: '2026-05-20' });
  // the words are in the body, not in the trailer block (the last paragraph): no emergency
  const afterSwitch = repo.commit(
    'cert-manager v2.0.2\n\nEmergency-Change: this line is not a trailer\n\nbecause this paragraph comes after it.',
    'bob',
    '2026-10-28T05:30:00Z',
  );
  return {
    repo,
    start,
    thursday,
    inWindow,
    majorSecondWednesday,
    fix,
    emergencyMerge,
    majorOnPostponedDay,
    majorOnNewDay,
    beforeSwitch,
    afterSwitch,
  };
}

describe('maintenance window check', () => {
  afterAll(removeTestRepos);
  const h = buildWindowHistory();
  const root = h.repo.dir;
  const check = (base: string, head?: string) => checkMaintenanceWindow({ root, base, maintenance: DEFAULT_MAINTENANCE, ...(head ? { head } : {}) });
  const byCommit = (findings: readonly WindowFinding[], commit: string) => findings.filter((f) => f.commit === commit);

  it('refuses a production bump outside the window and leaves the non-production cluster alone', async () => {
    const report = await check(h.start, h.thursday);
    expect(report.findings).toEqual([
      {
        commit: h.thursday,
        subject: 'cert-manager v1.17.4',
        cluster: 'prod',
        landed: '2026-03-26T10:00:00+00:00',
        localTime: '2026-03-26 11:00 GMT+1',
        changes: [{ subject: 'cert-manager/cert-manager', from: 'v1.17.2', to: 'v1.17.4', level: 'minor' }],
        verdict: 'outside-window',
        reason: 'outside the maintenance window (wednesday 07:00–12:00 Europe/Stockholm)',
      },
    ]);
    expect(report.violations.map((f) => f.commit)).toEqual([h.thursday]);
  });

  it('accepts a minor bump in the window', async () => {
    const report = await check(h.thursday, h.inWindow);
    expect(report.findings).toMatchObject([{ commit: h.inWindow, verdict: 'in-window', localTime: '2026-04-08 08:00 GMT+2' }]);
    expect(report.violations).toEqual([]);
  });

  it('refuses a Kubernetes minor outside the first Wednesday, also inside the window', async () => {
    const [finding] = (await check(h.inWindow, h.majorSecondWednesday)).violations;
    expect(finding).toMatchObject({
      changes: [{ subject: 'kubernetes', from: '1.35', to: '1.36', level: 'major' }],
      reason: 'a major update on a day without major updates: major updates land only on the first wednesday of the month',
    });
  });

  it('accepts a change outside the window when the merge carries an Emergency-Change trailer', async () => {
    const report = await check(h.majorSecondWednesday, h.emergencyMerge);
    expect(report.violations).toEqual([]);
    expect(report.findings).toMatchObject([
      {
        commit: h.emergencyMerge,
        verdict: 'emergency',
        emergency: ['CVE-2026-0001 in the cert-manager webhook, exploited in the wild'],
        reason: 'outside the maintenance window (wednesday 07:00–12:00 Europe/Stockholm)',
      },
    ]);
  });

  it("moves the major update to the cluster's postponed day", async () => {
    const report = await check(h.emergencyMerge, h.majorOnNewDay);
    expect(byCommit(report.findings, h.majorOnPostponedDay)).toMatchObject([
      {
        verdict: 'outside-window',
        reason: 'a major update on a day without major updates: the cluster postpones this major-update day to 2026-05-20',
      },
    ]);
    expect(byCommit(report.findings, h.majorOnNewDay)).toMatchObject([
      { verdict: 'in-window', changes: [{ subject: 'kubernetes', level: 'major' }] },
    ]);
  });

  it('reads the window on the local clock on both sides of a daylight saving time switch', async () => {
    const report = await check(h.majorOnNewDay, h.afterSwitch);
    expect(report.findings.map((f) => [f.commit, f.localTime, f.verdict])).toEqual([
      [h.beforeSwitch, '2026-10-21 07:30 GMT+2', 'in-window'],
      [h.afterSwitch, '2026-10-28 06:30 GMT+1', 'outside-window'],
    ]);
  });

  it('checks every first-parent commit of a longer range', async () => {
    const report = await check(h.start);
    expect(report.violations.map((f) => f.commit)).toEqual([h.thursday, h.majorSecondWednesday, h.majorOnPostponedDay, h.afterSwitch]);
    expect(report.findings.filter((f) => f.verdict === 'emergency').map((f) => f.commit)).toEqual([h.emergencyMerge]);
    // staging moved too, and is never checked
    expect(report.findings.every((f) => f.cluster === 'prod')).toBe(true);
  });

  it('names a base that is not a commit', async () => {
    await expect(check('no-such-revision')).rejects.toThrow('--window: "no-such-revision" names no commit of this repository');
  });

  it('flags the emergency change in the audit, with its reason', async () => {
    const report = await collectAudit({ root });
    const changes = report.clusters.find((c) => c.cluster === 'prod')!.changes;
    const fix = changes.find((c) => c.commit === h.fix)!;
    expect(fix.flags).toEqual(['emergency-change']);
    expect(fix.emergency).toEqual(['CVE-2026-0001 in the cert-manager webhook, exploited in the wild']);
    expect(changes.filter((c) => c.flags.includes('emergency-change')).map((c) => c.commit)).toEqual([h.fix]);
    expect(report.summary.emergencyChanges).toBe(1);
    const markdown = renderAuditMarkdown(report);
    expect(markdown).toContain(
      '- **flag**: emergency change: carries an Emergency-Change trailer, so it may land outside the maintenance window (CVE-2026-0001 in the cert-manager webhook, exploited in the wild)',
    );
    expect(markdown).toContain('1 emergency change(s)');
  });
});

describe('change level', () => {
  it('calls a chart major or a Kubernetes minor major, everything else minor', () => {
    expect(changeLevel('cert-manager/cert-manager', 'v1.17.2', 'v2.0.0')).toBe('major');
    expect(changeLevel('cert-manager/cert-manager', 'v1.17.2', 'v1.18.0')).toBe('minor');
    expect(changeLevel('monitoring/kube-prometheus-stack', '72.6.2', '79.0.0')).toBe('major');
    expect(changeLevel('kubernetes', '1.35', '1.36')).toBe('major');
    expect(changeLevel('kubernetes', '1.36.1', '1.36.3')).toBe('minor');
  });
});
