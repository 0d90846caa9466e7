import { parseCalendarCsv } from '../../src/domain/time/calendar';
import { localDate } from '../../src/domain/time/local-time';
import { CaseKind, CasePriority } from '../../src/entities';
import { deadlines, defaultPolicy } from '../../src/domain/time/sla';
import { calendar2026 } from '../support/calendar';

const calendar = calendar2026();
// Instants written in Beijing time (+08:00) for readability.
const bj = (s: string) => new Date(`${s}+08:00`);

describe('working-day calendar (Asia/Shanghai, 2026 official schedule)', () => {
  it('knows weekends, holidays and make-up workdays', () => {
    expect(calendar.isWorkingDay('2026-11-23')).toBe(true); // Monday
    expect(calendar.isWorkingDay('2026-11-22')).toBe(false); // Sunday
    expect(calendar.isWorkingDay('2026-10-01')).toBe(false); // National Day, Thursday
    expect(calendar.isWorkingDay('2026-10-10')).toBe(true); // Saturday make-up workday
    expect(calendar.isWorkingDay('2026-02-14')).toBe(true); // Saturday make-up workday
    expect(calendar.isWorkingDay('2026-02-16')).toBe(false); // Spring Festival, Monday
  });

  it('adds working days keeping the time of day', () => {
    expect(calendar.addWorkingDays(bj('2026-11-23T10:15:00'), 1)).toEqual(bj('2026-11-24T10:15:00'));
    // Friday + 1 → Monday
    expect(calendar.addWorkingDays(bj('2026-11-20T16:00:00'), 1)).toEqual(bj('2026-11-23T16:00:00'));
    // Friday + 7 → the Tuesday after next
    expect(calendar.addWorkingDays(bj('2026-11-20T16:00:00'), 7)).toEqual(bj('2026-12-01T16:00:00'));
  });

  it('skips the National Day holiday and counts its Saturday make-up workday', () => {
    // Tue 29 Sep + 1 → Wed 30 Sep; + 2 → Fri 9 Oct (1–7 Oct off, Thu 8 Oct works); + 3 → Sat 10 Oct (make-up)
    expect(calendar.addWorkingDays(bj('2026-09-29T09:00:00'), 2)).toEqual(bj('2026-10-08T09:00:00'));
    expect(calendar.addWorkingDays(bj('2026-09-29T09:00:00'), 3)).toEqual(bj('2026-10-09T09:00:00'));
    expect(calendar.addWorkingDays(bj('2026-09-29T09:00:00'), 4)).toEqual(bj('2026-10-10T09:00:00'));
    expect(calendar.addWorkingDays(bj('2026-09-29T09:00:00'), 5)).toEqual(bj('2026-10-12T09:00:00'));
  });

  it('counts from the next working day when reported on a rest day', () => {
    // Saturday night → 1 working day ends when Monday ends (Tuesday 00:00)
    expect(calendar.addWorkingDays(bj('2026-11-21T23:30:00'), 1)).toEqual(bj('2026-11-24T00:00:00'));
    // During the Spring Festival (15–23 Feb) → first working day is Tue 24 Feb
    expect(calendar.addWorkingDays(bj('2026-02-18T12:00:00'), 1)).toEqual(bj('2026-02-25T00:00:00'));
  });

  it('uses the local date, not the UTC one', () => {
    expect(localDate(new Date('2026-11-22T17:00:00Z'))).toBe('2026-11-23');
  });

  it('counts working days between two instants', () => {
    expect(calendar.workingDaysBetween(bj('2026-11-20T10:00:00'), bj('2026-11-23T09:00:00'))).toBe(1);
    expect(calendar.workingDaysBetween(bj('2026-09-30T10:00:00'), bj('2026-10-10T09:00:00'))).toBe(3);
    expect(calendar.workingDaysBetween(bj('2026-11-23T10:00:00'), bj('2026-11-23T18:00:00'))).toBe(0);
  });

  it('rejects malformed calendar files with the line', () => {
    expect(() => parseCalendarCsv('date,type,name\n2026-13-01x,HOLIDAY,x\n')).toThrow(/line 2/);
    expect(() => parseCalendarCsv('date,type,name\n2026-01-01,VACATION,x\n')).toThrow(/line 2: type must be HOLIDAY or WORKDAY/);
    expect(() => parseCalendarCsv('day,kind\n')).toThrow(/line 1/);
  });
});

describe('SLA defaults', () => {
  it('gives NORMAL cases 1 and 7 working days across a weekend', () => {
    const d = deadlines(calendar, defaultPolicy(CaseKind.DISPUTE, CasePriority.NORMAL), bj('2026-11-20T16:00:00'));
    expect(d).toEqual({ acceptDueAt: bj('2026-11-23T16:00:00'), dueAt: bj('2026-12-01T16:00:00') });
  });

  it('gives EMERGENCY and URGENT cases clock-time limits, holidays or not', () => {
    const at = bj('2026-10-01T08:00:00');
    expect(deadlines(calendar, defaultPolicy(CaseKind.ACCIDENT, CasePriority.EMERGENCY), at)).toEqual({
      acceptDueAt: bj('2026-10-01T08:30:00'),
      dueAt: bj('2026-10-02T08:00:00'),
    });
    expect(deadlines(calendar, defaultPolicy(CaseKind.SAFETY_HAZARD, CasePriority.URGENT), at)).toEqual({
      acceptDueAt: bj('2026-10-01T10:00:00'),
      dueAt: bj('2026-10-02T08:00:00'),
    });
  });

  it('follows the petition regulation for normal petitions: 15 and 60 days', () => {
    const d = deadlines(calendar, defaultPolicy(CaseKind.PETITION, CasePriority.NORMAL), bj('2026-11-01T09:00:00'));
    expect(d).toEqual({ acceptDueAt: bj('2026-11-16T09:00:00'), dueAt: bj('2026-12-31T09:00:00') });
  });
});
