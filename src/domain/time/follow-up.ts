import { CasePriority, CaseStatus, type SupervisionLevel } from '../../entities';
import type { WorkCalendar } from './calendar';
import { nextLevelAt, type LadderCase } from './supervision';

/*
 * What the deadline sweep does for a case besides the supervision ladder, and when:
 * an EMERGENCY case waiting for acceptance is pushed up the chain again every 10 minutes; a resolved
 * case whose reporter has not answered the return visit gets a second prompt after one working day
 * and is flagged for a supervisor's close (销号) after three.
 */

export const EMERGENCY_REPUSH_MS = 10 * 60_000;
export const VISIT_REMINDER_AFTER_WORKING_DAYS = 1;
export const VISIT_UNANSWERED_AFTER_WORKING_DAYS = 3;

export interface FollowUpCase extends LadderCase {
  priority: CasePriority;
  supervisionLevel: SupervisionLevel;
  resolvedAt?: Date | null;
  /** The case has a reporter to ask (reported through chat). */
  hasReporter: boolean;
}

/** Which push round of an emergency is due at `now` (1 is the one sent when it was reported). */
export function emergencyRound(reportedAt: Date, now: Date): number {
  return Math.floor(Math.max(0, now.getTime() - reportedAt.getTime()) / EMERGENCY_REPUSH_MS) + 1;
}

/** The return-visit steps of a resolved case: when the reminder and the unanswered flag are due. */
export function visitSteps(resolvedAt: Date, calendar: WorkCalendar): { reminder: Date; unanswered: Date } {
  return {
    reminder: calendar.addWorkingDays(resolvedAt, VISIT_REMINDER_AFTER_WORKING_DAYS),
    unanswered: calendar.addWorkingDays(resolvedAt, VISIT_UNANSWERED_AFTER_WORKING_DAYS),
  };
}

/** When the sweep next has something to do with the case after `now`, or null for never (until it changes). */
export function nextCheck(c: FollowUpCase, calendar: WorkCalendar, now: Date): Date | null {
  const times: Date[] = [];
  const ladder = nextLevelAt(c, c.supervisionLevel, calendar);
  if (ladder) times.push(ladder);
  if (c.priority === CasePriority.EMERGENCY && c.status === CaseStatus.REPORTED) {
    times.push(new Date(c.reportedAt.getTime() + EMERGENCY_REPUSH_MS * emergencyRound(c.reportedAt, now)));
  }
  if (c.status === CaseStatus.RESOLVED && c.hasReporter && c.resolvedAt) {
    const steps = visitSteps(c.resolvedAt, calendar);
    if (now < steps.reminder) times.push(steps.reminder);
    else if (now < steps.unanswered) times.push(steps.unanswered);
  }
  return times.length ? new Date(Math.min(...times.map((t) => t.getTime()))) : null;
}
