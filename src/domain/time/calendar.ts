/*
 * Working-day calendar in Asia/Shanghai (UTC+8, no daylight saving). Holidays and make-up
 * workdays (调休) are data; every other Monday–Friday works. Pure: no clock, no I/O.
 */

import { isDate, localDate, localTimeOfDayMs, shiftDate, startOfLocalDay } from './local-time';

export type CalendarDayType = 'HOLIDAY' | 'WORKDAY';

export interface CalendarEntry {
  /** Local date, YYYY-MM-DD. */
  date: string;
  type: CalendarDayType;
  name?: string;
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
    let timeOfDay = localTimeOfDayMs(t);
    if (!this.isWorkingDay(date)) {
      do date = shiftDate(date, 1);
      while (!this.isWorkingDay(date));
      timeOfDay = 0;
    }
    for (let left = n; left > 0;) {
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
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l.trim());
  if (lines[0]?.trim() !== 'date,type,name') throw new Error('line 1: the header must be date,type,name');
  return lines.slice(1).map((line, i) => {
    const [date, type, name = ''] = line.split(',').map((s) => s.trim());
    if (!isDate(date ?? '')) throw new Error(`line ${i + 2}: "${date}" is not a YYYY-MM-DD date`);
    if (type !== 'HOLIDAY' && type !== 'WORKDAY') throw new Error(`line ${i + 2}: type must be HOLIDAY or WORKDAY`);
    return { date, type, name };
  });
}
