import { z } from './config/zod.js';

/** Days of the week as the settings spell them, in the order of `Date.getUTCDay()`. */
export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const ORDINALS = ['first', 'second', 'third', 'fourth'] as const;

/**
 * When planned updates of production clusters may land (the service description's maintenance window):
 * weekly for minor updates, on one window day a month for major ones.
 */
export interface MaintenanceSettings {
  /** The window's day of the week. @default 'wednesday' */
  readonly day: Weekday;
  /** Start of the window, `HH:00` local time (whole hours: Renovate schedules by the hour). @default '07:00' */
  readonly start: string;
  /** End of the window (exclusive), `HH:00` local time, after start on the same day. @default '12:00' */
  readonly end: string;
  /** IANA time zone of start and end; its daylight saving time applies. @default 'Europe/Stockholm' */
  readonly timeZone: string;
  /** Major updates land only in the window on this window day of the month (1: the first Wednesday). @default 1 */
  readonly majorUpdateWeek: number;
  /** Clusters whose `environment` is one of these are held to the window. @default ['production'] */
  readonly environments: readonly string[];
}

const HOUR = /^([01][0-9]|2[0-3]):00$/;

function isTimeZone(value: string): boolean {
  // the canonical list is a cheap lookup; building a formatter loads ICU's time-zone data (tens of
  // milliseconds at every start), so only aliases such as Etc/UTC take that path
  if (Intl.supportedValuesOf('timeZone').includes(value)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** The `maintenance` block of ck8s.config.yaml. */
export const maintenanceSettingsSchema = z
  .strictObject({
    day: z.enum(WEEKDAYS, { error: 'is not a day of the week' }).default('wednesday'),
    start: z.string().regex(HOUR, { error: 'is not a whole hour such as "07:00" (Renovate schedules by the hour)' }).default('07:00'),
    end: z.string().regex(HOUR, { error: 'is not a whole hour such as "12:00" (Renovate schedules by the hour)' }).default('12:00'),
    timeZone: z
      .string()
      .refine(isTimeZone, { error: 'is not an IANA time zone known to this Node.js (e.g. Europe/Stockholm, UTC)' })
      .default('Europe/Stockholm'),
    majorUpdateWeek: z.number().int().min(1, { error: 'must be 1 to 4' }).max(4, { error: 'must be 1 to 4' }).default(1),
    environments: z.array(z.string().min(1)).min(1).default(['production']),
  })
  .refine((m) => m.start < m.end, { error: 'must be later than start, on the same day', path: ['end'] });

export const DEFAULT_MAINTENANCE: MaintenanceSettings = maintenanceSettingsSchema.parse({});

/** A calendar date `YYYY-MM-DD` (what postponeMajorUntil holds). */
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Whether a `YYYY-MM-DD` names a real day (2026-02-30 does not). */
export function isCalendarDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const t = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().startsWith(value);
}

/** A moment as the window's clock reads it. */
export interface LocalTime {
  /** `YYYY-MM-DD` in the window's time zone. */
  readonly date: string;
  readonly weekday: Weekday;
  /** Minutes since local midnight. */
  readonly minutes: number;
  /** `YYYY-MM-DD HH:MM <zone>` for messages, e.g. `2026-03-25 07:30 GMT+1`. */
  readonly text: string;
}

/** Reads a moment on the clock of a time zone (Intl applies the zone's daylight saving rules). */
export function localTime(at: Date, timeZone: string): LocalTime {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  const date = `${part('year')}-${part('month')}-${part('day')}`;
  const hour = Number(part('hour'));
  const minute = Number(part('minute'));
  return {
    date,
    weekday: weekdayOf(date),
    minutes: hour * 60 + minute,
    text: `${date} ${part('hour')}:${part('minute')} ${part('timeZoneName')}`,
  };
}

/** The weekday of a calendar date (no time zone involved). */
export function weekdayOf(date: string): Weekday {
  return WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()]!;
}

function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Whether a calendar date is a regular major-update day: the nth window day of its month. */
export function isMajorDay(settings: MaintenanceSettings, date: string): boolean {
  const dayOfMonth = Number(date.slice(8, 10));
  return weekdayOf(date) === settings.day && Math.ceil(dayOfMonth / 7) === settings.majorUpdateWeek;
}

/** The regular major-update day a postponement to `until` moves: the last one before it. */
export function postponedMajorDay(settings: MaintenanceSettings, until: string): string {
  for (let d = addDays(until, -1); ; d = addDays(d, -1)) if (isMajorDay(settings, d)) return d;
}

/** One calendar month after a date, clamped to the month's end (2026-01-31 → 2026-02-28). */
export function oneMonthAfter(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(d, last))).toISOString().slice(0, 10);
}

/**
 * What is wrong with a cluster's `maintenance.postponeMajorUntil`, or undefined: it must be a window
 * day, at most one month after the regular major-update day it postpones.
 */
export function postponementProblem(settings: MaintenanceSettings, until: string): string | undefined {
  if (!isCalendarDate(until)) return `"${until}" is not a date (YYYY-MM-DD)`;
  if (weekdayOf(until) !== settings.day)
    return `${until} is a ${weekdayOf(until)}; a postponed major update lands in the maintenance window, on a ${settings.day}`;
  const postponed = postponedMajorDay(settings, until);
  const latest = oneMonthAfter(postponed);
  if (until > latest)
    return `${until} postpones the major-update window of ${postponed} by more than a month; allowed: a ${settings.day} up to ${latest}`;
  return undefined;
}

/** Where a moment falls relative to the window of one cluster. */
export interface WindowPosition {
  readonly local: LocalTime;
  /** Inside the weekly window: minor updates may land. */
  readonly inWindow: boolean;
  /** Inside the window on a day that takes major updates (the regular one, or the postponed one). */
  readonly majorAllowed: boolean;
  /** Why majorAllowed is false although inWindow is true. @default none */
  readonly majorReason?: string;
}

/**
 * Where `at` falls in the window. A postponement (`postponeMajorUntil`) moves the regular major-update
 * day before it to that date: the regular day no longer takes major updates, the postponed one does.
 */
export function windowPosition(settings: MaintenanceSettings, at: Date, postponeMajorUntil?: string): WindowPosition {
  const local = localTime(at, settings.timeZone);
  const inWindow = local.weekday === settings.day && local.minutes >= minutesOf(settings.start) && local.minutes < minutesOf(settings.end);
  if (!inWindow) return { local, inWindow, majorAllowed: false };
  const postponed = postponeMajorUntil !== undefined ? postponedMajorDay(settings, postponeMajorUntil) : undefined;
  if (postponeMajorUntil !== undefined && local.date === postponeMajorUntil) return { local, inWindow, majorAllowed: true };
  if (postponed === local.date)
    return { local, inWindow, majorAllowed: false, majorReason: `the cluster postpones this major-update day to ${postponeMajorUntil}` };
  if (isMajorDay(settings, local.date)) return { local, inWindow, majorAllowed: true };
  return {
    local,
    inWindow,
    majorAllowed: false,
    majorReason: `major updates land only on the ${ORDINALS[settings.majorUpdateWeek - 1]} ${settings.day} of the month`,
  };
}

/** The window in words, e.g. `wednesday 07:00–12:00 Europe/Stockholm (major updates: the first wednesday of the month)`. */
export function describeWindow(settings: MaintenanceSettings): string {
  return `${settings.day} ${settings.start}–${settings.end} ${settings.timeZone} (major updates: the ${ORDINALS[settings.majorUpdateWeek - 1]} ${settings.day} of the month)`;
}

/** Renovate's `timezone`, its `schedule` for every update and the schedule of major updates, from the window. */
export interface RenovateSchedule {
  readonly timezone: string;
  readonly schedule: readonly string[];
  readonly majorSchedule: readonly string[];
}

/**
 * The window as Renovate cron schedules (minute field `*`, as Renovate requires): hours start..end-1 on the
 * window day; major updates also restricted to the days of the month of the nth window day (e.g. 1-7).
 */
export function renovateSchedule(settings: MaintenanceSettings): RenovateSchedule {
  const hours = `${Number(settings.start.slice(0, 2))}-${Number(settings.end.slice(0, 2)) - 1}`;
  const day = WEEKDAYS.indexOf(settings.day);
  const first = (settings.majorUpdateWeek - 1) * 7 + 1;
  return {
    timezone: settings.timeZone,
    schedule: [`* ${hours} * * ${day}`],
    majorSchedule: [`* ${hours} ${first}-${first + 6} * ${day}`],
  };
}
