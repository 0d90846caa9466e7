import { badInput } from '../errors';

/*
 * Beijing time (Asia/Shanghai: UTC+8 all year, no daylight saving), the product's one time zone:
 * local dates, times of day and calendar months, and nothing else doing `+ 8 h` arithmetic. Pure.
 */

/** The zone by name, for PostgreSQL (`at time zone`) and the job scheduler; its offset is always +8 h. */
export const TIME_ZONE = 'Asia/Shanghai';
const OFFSET_MS = 8 * 3600_000;

/** Beijing months in SQL: the month (its first day) an instant falls in. */
export const LOCAL_TIME_SQL = `
create or replace function sanling_month(t timestamptz) returns date language sql immutable parallel safe as $$
  select (date_trunc('month', t at time zone '${TIME_ZONE}'))::date
$$;
`;
const DAY_MS = 86_400_000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The instant as Beijing wall-clock time, in an ISO string's shape (`2026-11-29T08:31:00.000`). */
function wallClock(t: Date): string {
  return new Date(t.getTime() + OFFSET_MS).toISOString().slice(0, 23);
}

/** Local calendar date of an instant, YYYY-MM-DD. */
export function localDate(t: Date): string {
  return wallClock(t).slice(0, 10);
}

/** Local date and minute of an instant, `2026-11-29T08:31`. */
export function localMinute(t: Date): string {
  return wallClock(t).slice(0, 16);
}

/** Local time of day, HH:MM. */
export function localTime(t: Date): string {
  return wallClock(t).slice(11, 16);
}

/** Milliseconds since local midnight. */
export function localTimeOfDayMs(t: Date): number {
  return (t.getTime() + OFFSET_MS) % DAY_MS;
}

/** Month (1–12) and day of the month of an instant, in local time. */
export function localMonthDay(t: Date): { month: number; day: number } {
  const [, month, day] = localDate(t).split('-').map(Number);
  return { month, day };
}

/** The instant a local date starts (00:00 Asia/Shanghai). */
export function startOfLocalDay(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) - OFFSET_MS);
}

const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2}))?$/;

/**
 * An instant written by a person: `2026-12-01 08:30` or `2026-12-01` (Beijing time), or a full ISO
 * 8601 time with its offset (`2026-12-01T00:30:00Z`). Undefined for anything else.
 */
export function parseLocalTime(text: string): Date | undefined {
  const t = text.trim();
  const local = LOCAL_DATE_TIME.exec(t);
  if (local) {
    const [, date, hh = '00', mm = '00'] = local;
    if (!isDate(date) || Number(hh) > 23 || Number(mm) > 59) return undefined;
    return new Date(startOfLocalDay(date).getTime() + (Number(hh) * 60 + Number(mm)) * 60_000);
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(t)) return undefined;
  const at = new Date(t);
  return Number.isNaN(at.getTime()) || !isDate(t.slice(0, 10)) ? undefined : at;
}

/** A real calendar date written YYYY-MM-DD (2027-02-30 is not). */
export function isDate(s: string): boolean {
  return ISO_DATE.test(s) && !Number.isNaN(Date.parse(s)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
}

/** Shifts a YYYY-MM-DD date by whole days. */
export function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** A calendar month in local time, written YYYY-MM. */
export type Month = string;

/** The month `t` falls in (Asia/Shanghai). */
export function monthOf(t: Date): Month {
  return localDate(t).slice(0, 7);
}

/** A YYYY-MM text as a month, or undefined when it is not one (the one reading of a month). */
export function readMonth(text: string): Month | undefined {
  const m = MONTH.exec(text.trim());
  return m ? `${m[1]}-${m[2]}` : undefined;
}

/** Checks a YYYY-MM argument (2000 onwards, not after the current month); BAD_USER_INPUT naming it otherwise. */
export function parseMonth(text: string | null | undefined, now: Date, argument = 'month'): Month {
  if (text == null) return monthOf(now);
  const month = readMonth(text);
  if (!month || month < '2000-01') throw badInput(`${argument} must be a month written YYYY-MM, e.g. ${monthOf(now)}`, { argument });
  if (month > monthOf(now)) throw badInput(`${argument} ${month} has not begun yet`, { argument });
  return month;
}

/** Months counted from year 0, so ranges of months are arithmetic. */
export function monthIndex(month: Month): number {
  const [y, m] = month.split('-').map(Number);
  return y * 12 + (m - 1);
}

/** The month of a monthIndex. */
export function monthAt(index: number): Month {
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The month `n` months after (or before, negative) `month`. */
export function shiftMonth(month: Month, n: number): Month {
  return monthAt(monthIndex(month) + n);
}

/** The first day of a month, as the date the statistics tables file it under. */
export function monthDate(month: Month): string {
  return `${month}-01`;
}
