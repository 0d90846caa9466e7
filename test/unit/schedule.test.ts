import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCalendarCsv, WorkCalendar } from '../../src/domain/time/calendar';
import { localDate } from '../../src/domain/time/local-time';
import { DIGEST_TIME, newSince } from '../../src/domain/schedule/digest';
import { dayPeriod, minutePeriod, mondayOf, weekPeriod } from '../../src/domain/schedule/once';
import { JOBS } from '../../src/jobs/jobs';

const calendar = new WorkCalendar(parseCalendarCsv(readFileSync(path.join(__dirname, '../../data/cn-holidays-2026.csv'), 'utf8')));

describe('period keys (local time, UTC+8)', () => {
  it('names the local minute', () => {
    expect(minutePeriod(new Date('2026-11-29T00:31:59.999Z'))).toBe('2026-11-29T08:31');
    // 23:59 UTC is already the next local day.
    expect(minutePeriod(new Date('2026-11-29T23:59:00Z'))).toBe('2026-11-30T07:59');
  });

  it('names the local day', () => {
    expect(dayPeriod(new Date('2026-11-29T15:59:59Z'))).toBe('2026-11-29');
    expect(dayPeriod(new Date('2026-11-29T16:00:00Z'))).toBe('2026-11-30');
  });

  it('names the ISO week by the year of its Thursday', () => {
    expect(weekPeriod(new Date('2026-01-01T04:00:00Z'))).toBe('2026-W01'); // Thursday
    expect(weekPeriod(new Date('2025-12-29T04:00:00Z'))).toBe('2026-W01'); // its Monday, still 2025
    expect(weekPeriod(new Date('2026-11-30T01:00:00Z'))).toBe('2026-W49');
    expect(weekPeriod(new Date('2026-12-31T04:00:00Z'))).toBe('2026-W53'); // 2026 has 53 weeks
    expect(weekPeriod(new Date('2027-01-03T04:00:00Z'))).toBe('2026-W53'); // Sunday
    expect(weekPeriod(new Date('2027-01-04T04:00:00Z'))).toBe('2027-W01');
    expect(weekPeriod(new Date('2024-12-30T04:00:00Z'))).toBe('2025-W01');
    // Sunday 23:30 UTC is Monday 07:30 in Beijing: the new week.
    expect(weekPeriod(new Date('2026-11-29T23:30:00Z'))).toBe('2026-W49');
    expect(weekPeriod(new Date('2026-11-29T15:59:00Z'))).toBe('2026-W48');
  });

  it('finds the Monday of a week', () => {
    expect(mondayOf('2026-11-30')).toBe('2026-11-30');
    expect(mondayOf('2026-12-06')).toBe('2026-11-30');
    expect(mondayOf('2027-01-01')).toBe('2026-12-28');
  });
});

describe('the working-day rule of the digest', () => {
  const at = (date: string) => new Date(`${date}T00:30:00Z`); // 08:30 in Beijing

  it('skips holidays and weekends, and works on make-up workdays', () => {
    expect(calendar.isWorkingDay(localDate(at('2026-10-01')))).toBe(false); // National Day
    expect(calendar.isWorkingDay(localDate(at('2026-10-07')))).toBe(false);
    expect(calendar.isWorkingDay(localDate(at('2026-10-10')))).toBe(true); // Saturday, make-up workday
    expect(calendar.isWorkingDay(localDate(at('2026-11-28')))).toBe(false); // an ordinary Saturday
    expect(calendar.isWorkingDay(localDate(at('2026-11-30')))).toBe(true);
  });

  it('counts as new what came since the digest of the previous working day', () => {
    // Monday: since Friday 08:30, the weekend included.
    expect(newSince(calendar, '2026-11-30').toISOString()).toBe('2026-11-27T00:30:00.000Z');
    // After National Day (1–7 October): since 30 September.
    expect(newSince(calendar, '2026-10-08').toISOString()).toBe('2026-09-30T00:30:00.000Z');
    // The Monday after the make-up Saturday: since that Saturday.
    expect(newSince(calendar, '2026-10-12').toISOString()).toBe('2026-10-10T00:30:00.000Z');
    expect(newSince(calendar, '2026-12-01').toISOString()).toBe('2026-11-30T00:30:00.000Z');
  });

  it('fires at the digest time, and the weekly on Monday 09:00', () => {
    const cron = Object.fromEntries(JOBS.map((j) => [j.name, j.cron]));
    expect(cron).toEqual({
      'deadline-sweep': '* * * * *',
      'daily-digest': '30 8 * * *',
      'weekly-status': '0 9 * * 1',
      'early-warning': '*/5 * * * *',
      'monthly-letters': '0 9 1 * *',
      housekeeping: '0 3 * * *',
    });
    expect(DIGEST_TIME).toEqual({ hour: 8, minute: 30 });
  });
});
