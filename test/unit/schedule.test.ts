import { localDate, localMinute } from '../../src/domain/time/local-time';
import { DIGEST_TIME, newSince } from '../../src/domain/schedule/digest';
import { dayPeriod, minutePeriod, mondayOf, weekPeriod } from '../../src/domain/schedule/once';
import cronParser from 'cron-parser';
import { JOB_TIMEZONE, JOBS } from '../../src/jobs/jobs';
import { calendar2026 } from '../support/calendar';

const calendar = calendar2026();

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

  it('fires each job at its Beijing time: the sweep every minute, the digest at 08:30, the weekly on Monday 09:00', () => {
    /** The next three firings of a job after `from`, in Beijing time. */
    const next = (name: string, from: string) => {
      const job = JOBS.find((j) => j.name === name)!;
      const it = cronParser.parseExpression(job.cron!, { tz: JOB_TIMEZONE, currentDate: new Date(`${from}+08:00`) });
      return [0, 1, 2].map(() => localMinute(it.next().toDate()));
    };
    // Tuesday 1 December 2026, 08:29 in Beijing.
    expect(next('deadline-sweep', '2026-12-01T08:29:30')).toEqual(['2026-12-01T08:30', '2026-12-01T08:31', '2026-12-01T08:32']);
    expect(next('daily-digest', '2026-12-01T08:29:00')).toEqual(['2026-12-01T08:30', '2026-12-02T08:30', '2026-12-03T08:30']);
    expect(next('weekly-status', '2026-12-01T08:29:00')).toEqual(['2026-12-07T09:00', '2026-12-14T09:00', '2026-12-21T09:00']);
    expect(next('early-warning', '2026-12-01T08:29:00')).toEqual(['2026-12-01T08:30', '2026-12-01T08:35', '2026-12-01T08:40']);
    expect(next('monthly-letters', '2026-12-01T08:29:00')).toEqual(['2026-12-01T09:00', '2027-01-01T09:00', '2027-02-01T09:00']);
    expect(next('housekeeping', '2026-12-01T08:29:00')).toEqual(['2026-12-02T03:00', '2026-12-03T03:00', '2026-12-04T03:00']);
    expect(next('backup', '2026-12-01T08:29:00')).toEqual(['2026-12-02T02:30', '2026-12-03T02:30', '2026-12-04T02:30']);
    // The digest's own idea of its time agrees with when it is fired.
    expect(`${String(DIGEST_TIME.hour).padStart(2, '0')}:${String(DIGEST_TIME.minute).padStart(2, '0')}`).toBe('08:30');
  });
});
