import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ConfigError, DEFAULT_MAINTENANCE, loadFleet, postponementProblem, renovateSchedule, windowPosition, Workspace } from '../src/index.js';

const at = (iso: string) => new Date(iso);

describe('maintenance window', () => {
  it('defaults to Wednesday 07:00–12:00 Europe/Stockholm, major updates on the first Wednesday, production only', () => {
    expect(DEFAULT_MAINTENANCE).toEqual({
      day: 'wednesday',
      start: '07:00',
      end: '12:00',
      timeZone: 'Europe/Stockholm',
      majorUpdateWeek: 1,
      environments: ['production'],
    });
  });

  // Europe/Stockholm leaves CET (UTC+1) for CEST (UTC+2) on Sunday 2026-03-29
  it('follows daylight saving time: 05:30 UTC is 06:30 CET before the switch (outside) and 07:30 CEST after it (inside)', () => {
    const before = windowPosition(DEFAULT_MAINTENANCE, at('2026-03-25T05:30:00Z'));
    expect(before).toMatchObject({ inWindow: false, local: { date: '2026-03-25', weekday: 'wednesday', text: '2026-03-25 06:30 GMT+1' } });
    const after = windowPosition(DEFAULT_MAINTENANCE, at('2026-04-01T05:30:00Z'));
    expect(after).toMatchObject({ inWindow: true, local: { date: '2026-04-01', text: '2026-04-01 07:30 GMT+2' } });
    // the end moves too: 10:30 UTC is 11:30 CET (inside) and 12:30 CEST (outside)
    expect(windowPosition(DEFAULT_MAINTENANCE, at('2026-03-25T10:30:00Z')).inWindow).toBe(true);
    expect(windowPosition(DEFAULT_MAINTENANCE, at('2026-04-01T10:30:00Z')).inWindow).toBe(false);
    // and back to CET on 2026-10-25
    expect(windowPosition(DEFAULT_MAINTENANCE, at('2026-10-28T06:00:00Z')).inWindow).toBe(true);
    expect(windowPosition(DEFAULT_MAINTENANCE, at('2026-10-21T05:30:00Z')).inWindow).toBe(true);
    expect(windowPosition(DEFAULT_MAINTENANCE, at('2026-10-28T05:30:00Z')).inWindow).toBe(false);
  });

  it('takes major updates only on the first Wednesday of the month', () => {
    expect(windowPosition(DEFAULT_MAINTENANCE, at('2026-04-01T08:00:00Z'))).toMatchObject({ inWindow: true, majorAllowed: true });
    expect(windowPosition(DEFAULT_MAINTENANCE, at('2026-04-08T08:00:00Z'))).toMatchObject({
      inWindow: true,
      majorAllowed: false,
      majorReason: 'major updates land only on the first wednesday of the month',
    });
    // a Thursday that is the month's first day of the week named nothing: outside
    expect(windowPosition(DEFAULT_MAINTENANCE, at('2026-04-02T08:00:00Z'))).toMatchObject({ inWindow: false, majorAllowed: false });
  });

  it('moves the major-update day a postponement replaces to the postponed date', () => {
    expect(windowPosition(DEFAULT_MAINTENANCE, at('2026-04-01T08:00:00Z'), '2026-04-15')).toMatchObject({
      inWindow: true,
      majorAllowed: false,
      majorReason: 'the cluster postpones this major-update day to 2026-04-15',
    });
    expect(windowPosition(DEFAULT_MAINTENANCE, at('2026-04-15T08:00:00Z'), '2026-04-15')).toMatchObject({ majorAllowed: true });
    expect(windowPosition(DEFAULT_MAINTENANCE, at('2026-04-15T08:00:00Z'))).toMatchObject({ majorAllowed: false });
    // the next month's regular day is untouched
    expect(windowPosition(DEFAULT_MAINTENANCE, at('2026-05-06T08:00:00Z'), '2026-04-15')).toMatchObject({ majorAllowed: true });
  });

  it('allows a postponement to a window day at most one month after the day it postpones', () => {
    expect(postponementProblem(DEFAULT_MAINTENANCE, '2026-04-29')).toBeUndefined();
    expect(postponementProblem(DEFAULT_MAINTENANCE, '2026-04-16')).toBe(
      '2026-04-16 is a thursday; a postponed major update lands in the maintenance window, on a wednesday',
    );
    expect(postponementProblem(DEFAULT_MAINTENANCE, '2026-05-06')).toBe(
      '2026-05-06 postpones the major-update window of 2026-04-01 by more than a month; allowed: a wednesday up to 2026-05-01',
    );
    expect(postponementProblem(DEFAULT_MAINTENANCE, '2026-02-31')).toBe('"2026-02-31" is not a date (YYYY-MM-DD)');
  });

  it('gives Renovate the same window as cron schedules in its time zone', () => {
    expect(renovateSchedule(DEFAULT_MAINTENANCE)).toEqual({
      timezone: 'Europe/Stockholm',
      schedule: ['* 7-11 * * 3'],
      majorSchedule: ['* 7-11 1-7 * 3'],
    });
    expect(renovateSchedule({ ...DEFAULT_MAINTENANCE, day: 'tuesday', start: '22:00', end: '23:00', majorUpdateWeek: 2 })).toMatchObject({
      schedule: ['* 22-22 * * 2'],
      majorSchedule: ['* 22-22 8-14 * 2'],
    });
  });
});

function fleetRoot(settings: string, postpone?: string): string {
  const root = mkdtempSync(path.join(tmpdir(), 'ck8s-window-'));
  writeFileSync(path.join(root, 'ck8s.config.yaml'), settings);
  mkdirSync(path.join(root, 'clusters', 'prod'), { recursive: true });
  writeFileSync(
    path.join(root, 'clusters', 'prod', 'cluster.yaml'),
    `name: prod
profile: service
environment: production
kubernetesVersion: "1.35"
domain: prod.example.com
gitops: { repository: https://git.example.com/f.git }
certificates: { issuer: private-ca }
backup: { enabled: false }
registry: { enabled: false }
identity: { enabled: false }
observability: { receivers: [{ name: ops, type: webhook, secret: ops-hook }] }
${postpone !== undefined ? `maintenance:\n  postponeMajorUntil: "${postpone}"\n` : ''}`,
  );
  return root;
}

function problems(fn: () => unknown): string[] {
  try {
    fn();
    return [];
  } catch (e) {
    if (!(e as ConfigError).problems) throw e;
    return (e as ConfigError).problems.map((p) => `${p.file}: ${p.path}: ${p.message}`);
  }
}

describe('maintenance settings', () => {
  it('reads the window from ck8s.config.yaml', () => {
    const w = new Workspace(fleetRoot('maintenance:\n  day: tuesday\n  timeZone: UTC\n  environments: [production, prod-eu]\n'), {});
    expect(w.settings.maintenance).toEqual({ ...DEFAULT_MAINTENANCE, day: 'tuesday', timeZone: 'UTC', environments: ['production', 'prod-eu'] });
  });

  it('names the bad field of the window and what is allowed', () => {
    const root = fleetRoot('maintenance:\n  day: wensday\n  start: "07:30"\n  timeZone: Europe/Stokholm\n  majorUpdateWeek: 5\n');
    expect(problems(() => new Workspace(root, {}))).toEqual([
      'ck8s.config.yaml: maintenance.day: "wensday" is not a day of the week; allowed: "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"',
      'ck8s.config.yaml: maintenance.start: "07:30" is not a whole hour such as "07:00" (Renovate schedules by the hour)',
      'ck8s.config.yaml: maintenance.timeZone: "Europe/Stokholm" is not an IANA time zone known to this Node.js (e.g. Europe/Stockholm, UTC)',
      'ck8s.config.yaml: maintenance.majorUpdateWeek: 5 must be 1 to 4',
    ]);
    expect(problems(() => new Workspace(fleetRoot('maintenance:\n  start: "12:00"\n  end: "07:00"\n'), {}))).toEqual([
      'ck8s.config.yaml: maintenance.end: "07:00" must be later than start, on the same day',
    ]);
  });

  it("checks a cluster's postponement against the fleet's window", () => {
    const ok = fleetRoot('validation: {}\n', '2026-04-29');
    expect(loadFleet(new Workspace(ok, {})).clusters.get('prod')!.maintenance.postponeMajorUntil).toBe('2026-04-29');
    const late = fleetRoot('validation: {}\n', '2026-05-06');
    expect(problems(() => loadFleet(new Workspace(late, {})))).toEqual([
      'clusters/prod/cluster.yaml: maintenance.postponeMajorUntil: 2026-05-06 postpones the major-update window of 2026-04-01 by more than a month; allowed: a wednesday up to 2026-05-01',
    ]);
    // a Tuesday window makes the same date a wrong day
    const tuesday = fleetRoot('maintenance:\n  day: tuesday\n', '2026-04-29');
    expect(problems(() => loadFleet(new Workspace(tuesday, {})))).toEqual([
      'clusters/prod/cluster.yaml: maintenance.postponeMajorUntil: 2026-04-29 is a wednesday; a postponed major update lands in the maintenance window, on a tuesday',
    ]);
  });
});
