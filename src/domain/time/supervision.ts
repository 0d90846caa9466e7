import { CaseStatus, sqlStatuses, SupervisionLevel, WORKED_STATUSES } from '../../entities';
import type { WorkCalendar } from './calendar';

/*
 * The supervision ladder (督办), one rule for the deadline sweep, the demo generator and the tests:
 * against the deadline that is running (acceptance while a case waits to be accepted, resolution
 * while it is worked), a case is
 *   REMINDED (提醒)   when 24 h or less remain (for limits under two days: when half the time is gone),
 *   URGED (催办)      once the deadline has passed,
 *   SUPERVISED (督办) 3 working days after it (county supervisors notified),
 *   LISTED (挂牌督办) 10 working days after it (the city).
 * Working days follow the calendar (holidays, make-up workdays); the time of day is kept.
 */

export const LADDER: readonly SupervisionLevel[] = [
  SupervisionLevel.NONE,
  SupervisionLevel.REMINDED,
  SupervisionLevel.URGED,
  SupervisionLevel.SUPERVISED,
  SupervisionLevel.LISTED,
];

const HOUR = 3600_000;
/** Working days past the deadline for SUPERVISED and LISTED. */
export const SUPERVISED_AFTER_WORKING_DAYS = 3;
export const LISTED_AFTER_WORKING_DAYS = 10;

export interface LadderCase {
  status: CaseStatus;
  reportedAt: Date;
  acceptDueAt: Date;
  dueAt: Date;
}

/** The deadline the ladder runs against, or undefined when no clock runs (resolved, closed, …). */
export function ladderDeadline(c: LadderCase): Date | undefined {
  if (c.status === CaseStatus.REPORTED) return c.acceptDueAt < c.dueAt ? c.acceptDueAt : c.dueAt;
  if (WORKED_STATUSES.includes(c.status)) return c.dueAt;
  return undefined;
}

/**
 * Overdue (超期), the one meaning of the word for a case now: the deadline the ladder runs against
 * has passed — not accepted by acceptDueAt (or dueAt, if earlier), or not resolved by dueAt. (A
 * month's figures count cases that *went* overdue, a name of its own: see the statistics.)
 */
export function isOverdue(c: LadderCase | Omit<LadderCase, 'reportedAt'>, now: Date): boolean {
  const deadline = ladderDeadline(c as LadderCase);
  return deadline !== undefined && deadline < now;
}

/**
 * ladderDeadline in SQL, as a sort key for "the soonest deadline first": the deadline in force of a
 * running case; a case whose clock stopped sorts after every running one (its resolve deadline
 * STOPPED_OFFSET_HOURS later, about a thousand years), so the key is never null and a keyset cursor can carry it as a time.
 */
export function deadlineKeySql(alias: string): string {
  return `(case when ${alias}.status = '${CaseStatus.REPORTED}' then least(${alias}.accept_due_at, ${alias}.due_at)
    when ${alias}.status in ${sqlStatuses(WORKED_STATUSES)} then ${alias}.due_at
    else ${alias}.due_at + interval '${STOPPED_OFFSET_HOURS} hours' end)`;
}

/** deadlineKeySql in TypeScript: the same key for a case read from the database. */
export function deadlineKey(c: LadderCase | Omit<LadderCase, 'reportedAt'>): Date {
  return ladderDeadline(c as LadderCase) ?? new Date(c.dueAt.getTime() + STOPPED_OFFSET_HOURS * HOUR);
}

/** Hours (exact, unlike years) by which a stopped case's sort key trails its resolve deadline. */
const STOPPED_OFFSET_HOURS = 1000 * 365 * 24;

/** isOverdue in SQL, for cases `alias`; takes three parameters, each the instant to judge at. */
export function overdueSql(alias: string): string {
  return `((${alias}.status = '${CaseStatus.REPORTED}' and (${alias}.accept_due_at < ? or ${alias}.due_at < ?))
    or (${alias}.status in ${sqlStatuses(WORKED_STATUSES)} and ${alias}.due_at < ?))`;
}

/** When each level above NONE is reached for a case whose limit started at `since` and ends at `deadline`. */
export function thresholds(since: Date, deadline: Date, calendar: WorkCalendar): Record<Exclude<SupervisionLevel, SupervisionLevel.NONE>, Date> {
  const lead = Math.min(24 * HOUR, Math.max(0, (deadline.getTime() - since.getTime()) / 2));
  return {
    REMINDED: new Date(deadline.getTime() - lead),
    URGED: deadline,
    SUPERVISED: calendar.addWorkingDays(deadline, SUPERVISED_AFTER_WORKING_DAYS),
    LISTED: calendar.addWorkingDays(deadline, LISTED_AFTER_WORKING_DAYS),
  };
}

/** The highest level whose threshold has passed at `now` (NONE when none has, or no clock runs). */
export function levelDue(c: LadderCase, now: Date, calendar: WorkCalendar): SupervisionLevel {
  const deadline = ladderDeadline(c);
  if (!deadline) return SupervisionLevel.NONE;
  const t = thresholds(c.reportedAt, deadline, calendar);
  for (const level of [...LADDER].reverse()) {
    if (level !== SupervisionLevel.NONE && t[level] <= now) return level;
  }
  return SupervisionLevel.NONE;
}

/** When the next level above `current` is reached, or undefined at the top or with no clock running. */
export function nextLevelAt(c: LadderCase, current: SupervisionLevel, calendar: WorkCalendar): Date | undefined {
  const deadline = ladderDeadline(c);
  const next = LADDER[LADDER.indexOf(current) + 1];
  if (!deadline || !next || next === SupervisionLevel.NONE) return undefined;
  return thresholds(c.reportedAt, deadline, calendar)[next];
}

/** True when `a` is above `b` on the ladder. */
export const above = (a: SupervisionLevel, b: SupervisionLevel) => LADDER.indexOf(a) > LADDER.indexOf(b);
