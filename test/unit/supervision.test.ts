import { emergencyRound, nextCheck, visitSteps } from '../../src/domain/time/follow-up';
import { levelDue, nextLevelAt, thresholds } from '../../src/domain/time/supervision';
import { CasePriority, CaseStatus, SupervisionLevel } from '../../src/entities';
import { calendar2026 } from '../support/calendar';

const calendar = calendar2026();
// Instants in Beijing time (+08:00) for readability.
const bj = (s: string) => new Date(`${s}+08:00`);
const minute = 60_000;

/*
 * A case accepted on Mon 21 Sep 2026, due Thu 8 Oct 10:00 (7 working days: the Mid-Autumn holiday
 * 25–27 Sep and National Day 1–7 Oct are skipped), with the Saturday make-up workday of 10 Oct.
 */
const accepted = {
  status: CaseStatus.ACCEPTED,
  reportedAt: bj('2026-09-21T10:00:00'),
  acceptDueAt: bj('2026-09-22T10:00:00'),
  dueAt: bj('2026-10-08T10:00:00'),
};

describe('the supervision ladder on the 2026 calendar', () => {
  it('places each threshold on literal dates across the holiday and the make-up workday', () => {
    expect(thresholds(accepted.reportedAt, accepted.dueAt, calendar)).toEqual({
      REMINDED: bj('2026-10-07T10:00:00'), // 24 h before the deadline
      URGED: bj('2026-10-08T10:00:00'), // the deadline
      SUPERVISED: bj('2026-10-12T10:00:00'), // Fri 9, Sat 10 (make-up workday), Mon 12
      LISTED: bj('2026-10-21T10:00:00'), // ten working days, the make-up Saturday among them
    });
  });

  it('reaches each level at its boundary, not a minute before', () => {
    // The boundaries written out (the first test checks thresholds() gives the same).
    const expected: [Date, SupervisionLevel][] = [
      [bj('2026-10-07T09:59:00'), SupervisionLevel.NONE],
      [bj('2026-10-07T10:00:00'), SupervisionLevel.REMINDED],
      [bj('2026-10-08T09:59:00'), SupervisionLevel.REMINDED],
      [bj('2026-10-08T10:00:00'), SupervisionLevel.URGED],
      [bj('2026-10-12T09:59:00'), SupervisionLevel.URGED],
      [bj('2026-10-12T10:00:00'), SupervisionLevel.SUPERVISED],
      [bj('2026-10-21T09:59:00'), SupervisionLevel.SUPERVISED],
      [bj('2026-10-21T10:00:00'), SupervisionLevel.LISTED],
    ];
    for (const [now, level] of expected) expect([now.toISOString(), levelDue(accepted, now, calendar)]).toEqual([now.toISOString(), level]);
  });

  it('runs against acceptance while a case waits to be accepted, and not at all once resolved', () => {
    const waiting = { ...accepted, status: CaseStatus.REPORTED };
    expect(levelDue(waiting, bj('2026-09-22T10:00:00'), calendar)).toBe(SupervisionLevel.URGED);
    // Three working days after the acceptance deadline: Wed 23, Thu 24, Mon 28 (25–27 are holidays).
    expect(levelDue(waiting, bj('2026-09-28T09:59:00'), calendar)).toBe(SupervisionLevel.URGED);
    expect(levelDue(waiting, bj('2026-09-28T10:00:00'), calendar)).toBe(SupervisionLevel.SUPERVISED);
    expect(levelDue({ ...accepted, status: CaseStatus.RESOLVED }, bj('2026-12-31T00:00:00'), calendar)).toBe(SupervisionLevel.NONE);
    expect(nextLevelAt({ ...accepted, status: CaseStatus.CLOSED }, SupervisionLevel.NONE, calendar)).toBeUndefined();
  });

  it('reminds halfway through a limit shorter than two days', () => {
    const emergency = {
      status: CaseStatus.REPORTED,
      reportedAt: bj('2026-11-23T10:00:00'),
      acceptDueAt: bj('2026-11-23T10:30:00'),
      dueAt: bj('2026-11-24T10:00:00'),
    };
    expect(levelDue(emergency, bj('2026-11-23T10:14:00'), calendar)).toBe(SupervisionLevel.NONE);
    expect(levelDue(emergency, bj('2026-11-23T10:15:00'), calendar)).toBe(SupervisionLevel.REMINDED);
    expect(levelDue(emergency, bj('2026-11-23T10:30:00'), calendar)).toBe(SupervisionLevel.URGED);
  });
});

describe('the sweep’s next look at a case', () => {
  it('is the next threshold above the current level', () => {
    const c = { ...accepted, priority: CasePriority.NORMAL, supervisionLevel: SupervisionLevel.REMINDED, hasReporter: false };
    expect(nextCheck(c, calendar, bj('2026-10-07T10:00:00'))).toEqual(bj('2026-10-08T10:00:00'));
    expect(nextCheck({ ...c, supervisionLevel: SupervisionLevel.LISTED }, calendar, bj('2026-10-21T10:00:00'))).toBeNull();
  });

  it('re-pushes an emergency every ten minutes until it is accepted', () => {
    const reportedAt = bj('2026-11-23T10:00:00');
    expect(emergencyRound(reportedAt, reportedAt)).toBe(1);
    expect(emergencyRound(reportedAt, new Date(reportedAt.getTime() + 10 * minute - 1))).toBe(1);
    expect(emergencyRound(reportedAt, new Date(reportedAt.getTime() + 10 * minute))).toBe(2);
    const c = {
      status: CaseStatus.REPORTED,
      priority: CasePriority.EMERGENCY,
      reportedAt,
      acceptDueAt: bj('2026-11-23T10:30:00'),
      dueAt: bj('2026-11-24T10:00:00'),
      supervisionLevel: SupervisionLevel.NONE,
      hasReporter: false,
    };
    expect(nextCheck(c, calendar, reportedAt)).toEqual(bj('2026-11-23T10:10:00'));
    expect(nextCheck(c, calendar, bj('2026-11-23T10:12:00'))).toEqual(bj('2026-11-23T10:15:00')); // the reminder comes first
    expect(nextCheck({ ...c, status: CaseStatus.ACCEPTED }, calendar, bj('2026-11-23T10:12:00'))).toEqual(bj('2026-11-23T22:00:00'));
  });

  it('follows up a return visit after one and three working days', () => {
    const resolvedAt = bj('2026-09-30T16:00:00'); // the day before National Day
    expect(visitSteps(resolvedAt, calendar)).toEqual({ reminder: bj('2026-10-08T16:00:00'), unanswered: bj('2026-10-10T16:00:00') });
    const c = {
      ...accepted,
      status: CaseStatus.RESOLVED,
      priority: CasePriority.NORMAL,
      supervisionLevel: SupervisionLevel.NONE,
      resolvedAt,
      hasReporter: true,
    };
    expect(nextCheck(c, calendar, resolvedAt)).toEqual(bj('2026-10-08T16:00:00'));
    expect(nextCheck(c, calendar, bj('2026-10-08T16:00:00'))).toEqual(bj('2026-10-10T16:00:00'));
    expect(nextCheck(c, calendar, bj('2026-10-10T16:00:00'))).toBeNull();
    expect(nextCheck({ ...c, hasReporter: false }, calendar, resolvedAt)).toBeNull();
  });
});
