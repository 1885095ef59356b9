/**
 * The platform's daily backup time (`m h * * *` read in `timeZone`) as the six-field, UTC-only
 * schedule of operators that take no time zone (CloudNativePG's ScheduledBackup: robfig/cron v1,
 * seconds first). The local time is mapped with the zone's standard offset (winter time), so in
 * summer the backup runs an hour later by the clock: 01:30 in Europe/Stockholm is 00:30 UTC, which
 * is 01:30 CET and 02:30 CEST, both inside the platform's 00:00-03:00 backup window.
 * @throws Error when the line is not a daily `m h * * *`
 */
export function utcDailyCronWithSeconds(cron: string, timeZone: string): string {
  const match = /^([0-9]{1,2}) ([0-9]{1,2}) \* \* \*$/.exec(cron);
  if (!match) throw new Error(`backup schedule "${cron}" is not a daily "m h * * *" line`);
  const local = Number(match[2]) * 60 + Number(match[1]);
  const utc = (((local - standardOffsetMinutes(timeZone)) % 1440) + 1440) % 1440;
  return `0 ${utc % 60} ${Math.floor(utc / 60)} * * *`;
}

/** Minutes the zone is ahead of UTC in winter (the smaller of its January and July offsets). */
function standardOffsetMinutes(timeZone: string): number {
  const offset = (date: Date): number => {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(date);
    const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    const m = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name);
    if (!m) throw new Error(`time zone ${timeZone}: cannot read its offset from "${name}"`);
    return m[1] ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  };
  return Math.min(offset(new Date(Date.UTC(2026, 0, 15))), offset(new Date(Date.UTC(2026, 6, 15))));
}
