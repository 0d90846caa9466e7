import { badInput } from '../errors';
import { localDate } from './calendar';

/** A calendar month in the product's time zone, written YYYY-MM. */
export type Month = string;

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The month `t` falls in (Asia/Shanghai). */
export function monthOf(t: Date): Month {
  return localDate(t).slice(0, 7);
}

/** Checks a YYYY-MM argument (2000 onwards, not after the current month); BAD_USER_INPUT naming it otherwise. */
export function parseMonth(text: string | null | undefined, now: Date, argument = 'month'): Month {
  if (text == null) return monthOf(now);
  const m = MONTH.exec(text.trim());
  if (!m || Number(m[1]) < 2000) throw badInput(`${argument} must be a month written YYYY-MM, e.g. ${monthOf(now)}`, { argument });
  const month = `${m[1]}-${m[2]}`;
  if (month > monthOf(now)) throw badInput(`${argument} ${month} has not begun yet`, { argument });
  return month;
}

/** The month `n` months after (or before, negative) `month`. */
export function shiftMonth(month: Month, n: number): Month {
  const [y, m] = month.split('-').map(Number);
  const index = y * 12 + (m - 1) + n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The first day of a month, as the date the statistics tables file it under. */
export function monthDate(month: Month): string {
  return `${month}-01`;
}
