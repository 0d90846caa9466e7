/*
 * Working-day calendar in Asia/Shanghai (UTC+8, no daylight saving). Holidays and make-up
 * workdays (调休) are data; every other Monday–Friday works. Pure: no clock, no I/O.
 */

export type CalendarDayType = 'HOLIDAY' | 'WORKDAY';

export interface CalendarEntry {
  /** Local date, YYYY-MM-DD. */
  date: string;
  type: CalendarDayType;
  name?: string;
}

const OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar date written YYYY-MM-DD (2027-02-30 is not). */
function isDate(s: string): boolean {
  return ISO_DATE.test(s) && !Number.isNaN(Date.parse(s)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
}

/** Local (Asia/Shanghai) calendar date of an instant. */
export function localDate(t: Date): string {
  return new Date(t.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a local date starts (00:00 Asia/Shanghai). */
export function startOfLocalDay(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) - OFFSET_MS);
}

function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export class WorkCalendar {
  private readonly overrides: Map<string, CalendarDayType>;

  constructor(entries: readonly CalendarEntry[]) {
    for (const e of entries) {
      if (!isDate(e.date)) throw new Error(`calendar date "${e.date}" is not YYYY-MM-DD`);
    }
    this.overrides = new Map(entries.map((e) => [e.date, e.type]));
  }

  /** A working day: a make-up workday, or a Monday–Friday that is not a holiday. */
  isWorkingDay(date: string): boolean {
    const override = this.overrides.get(date);
    if (override) return override === 'WORKDAY';
    const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
    return dow !== 0 && dow !== 6;
  }

  /**
   * Adds n working days, keeping the local time of day. An instant on a rest day counts from
   * 00:00 of the next working day (so 1 working day from Saturday ends when Monday ends).
   */
  addWorkingDays(t: Date, n: number): Date {
    let date = localDate(t);
    let timeOfDay = (t.getTime() + OFFSET_MS) % DAY_MS;
    if (!this.isWorkingDay(date)) {
      do date = shiftDate(date, 1);
      while (!this.isWorkingDay(date));
      timeOfDay = 0;
    }
    for (let left = n; left > 0; ) {
      date = shiftDate(date, 1);
      if (this.isWorkingDay(date)) left--;
    }
    return new Date(startOfLocalDay(date).getTime() + timeOfDay);
  }

  /** Working days whose date falls after a's local date, up to and including b's. */
  workingDaysBetween(a: Date, b: Date): number {
    let count = 0;
    const end = localDate(b);
    for (let date = shiftDate(localDate(a), 1); date <= end; date = shiftDate(date, 1)) {
      if (this.isWorkingDay(date)) count++;
    }
    return count;
  }
}

/** Parses the shipped calendar CSV (`date,type,name`, one row per holiday or make-up workday). */
export function parseCalendarCsv(text: string): CalendarEntry[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim());
  if (lines[0]?.trim() !== 'date,type,name') throw new Error('line 1: the header must be date,type,name');
  return lines.slice(1).map((line, i) => {
    const [date, type, name = ''] = line.split(',').map((s) => s.trim());
    if (!isDate(date ?? '')) throw new Error(`line ${i + 2}: "${date}" is not a YYYY-MM-DD date`);
    if (type !== 'HOLIDAY' && type !== 'WORKDAY') throw new Error(`line ${i + 2}: type must be HOLIDAY or WORKDAY`);
    return { date, type, name };
  });
}
