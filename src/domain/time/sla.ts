import { CaseKind, CasePriority, type LimitUnit } from '../../entities';
import type { WorkCalendar } from './calendar';

/** A time limit: clock minutes or hours, calendar days, or working days on the calendar. */
export interface Limit {
  amount: number;
  unit: LimitUnit;
}

export interface SlaPolicy {
  accept: Limit;
  resolve: Limit;
  /** The resolve limit after a supervisor's one extension (counted from the report); none: not extendable. */
  extended?: Limit;
}

const PRIORITY_DEFAULTS: Record<CasePriority, SlaPolicy> = {
  [CasePriority.EMERGENCY]: { accept: { amount: 30, unit: 'MINUTES' }, resolve: { amount: 24, unit: 'HOURS' } },
  [CasePriority.URGENT]: { accept: { amount: 2, unit: 'HOURS' }, resolve: { amount: 24, unit: 'HOURS' } },
  [CasePriority.NORMAL]: {
    accept: { amount: 1, unit: 'WORKING_DAYS' },
    resolve: { amount: 7, unit: 'WORKING_DAYS' },
    extended: { amount: 15, unit: 'WORKING_DAYS' },
  },
};

/** Petition regulation (信访工作条例): decide on acceptance within 15 days, handle within 60. */
/** The regulation allows one extension of up to 30 days. */
const PETITION: SlaPolicy = {
  accept: { amount: 15, unit: 'DAYS' },
  resolve: { amount: 60, unit: 'DAYS' },
  extended: { amount: 90, unit: 'DAYS' },
};

/** Default policy: urgent and emergency petitions follow their priority. */
export function defaultPolicy(kind: CaseKind, priority: CasePriority): SlaPolicy {
  if (kind === CaseKind.PETITION && priority === CasePriority.NORMAL) return PETITION;
  return PRIORITY_DEFAULTS[priority];
}

/** The instant a limit ends when started at `from`. */
export function applyLimit(calendar: WorkCalendar, from: Date, limit: Limit): Date {
  switch (limit.unit) {
    case 'MINUTES':
      return new Date(from.getTime() + limit.amount * 60_000);
    case 'HOURS':
      return new Date(from.getTime() + limit.amount * 3600_000);
    case 'DAYS':
      return new Date(from.getTime() + limit.amount * 86_400_000);
    case 'WORKING_DAYS':
      return calendar.addWorkingDays(from, limit.amount);
  }
}

/** Accept and resolve deadlines of a case reported at `reportedAt`. */
export function deadlines(calendar: WorkCalendar, policy: SlaPolicy, reportedAt: Date): { acceptDueAt: Date; dueAt: Date } {
  return { acceptDueAt: applyLimit(calendar, reportedAt, policy.accept), dueAt: applyLimit(calendar, reportedAt, policy.resolve) };
}
