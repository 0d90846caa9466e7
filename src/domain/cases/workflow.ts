import { CaseEventType, CaseKind, CasePriority, CaseStatus, OfficerRole, OPEN_STATUSES, RUNNING_STATUSES, SupervisionLevel } from '../../entities';
import { refusalOf } from '../access/access';
import type { OfficerActor } from '../access/actor';
import { badInput, DomainError } from '../errors';
import type { WorkCalendar } from '../time/calendar';
import { visitSteps } from '../time/follow-up';
import { applyLimit, type SlaPolicy } from '../time/sla';
import { LADDER } from '../time/supervision';

/*
 * The closed loop (闭环) as data: which statuses each action starts from, where it
 * leads, the least role that may take it, and whether the assignee may take it whatever their role.
 * Every transport (GraphQL, chat, jobs) goes through this table.
 */

export type Action =
  'accept' | 'reject' | 'assign' | 'start' | 'resolve' | 'close' | 'reopen' | 'escalate' | 'supervise' | 'extendDeadline' | 'merge' | 'note' | 'returnVisit';

export interface Rule {
  from: readonly CaseStatus[];
  /** Status after the action; null keeps the status (escalate, supervise, …). */
  to: CaseStatus | null;
  role: OfficerRole;
  /** The officer the case is assigned to may act even below `role` (grid workers work their cases). */
  assigneeMay: boolean;
  event: CaseEventType;
}

export const ALL_STATUSES: readonly CaseStatus[] = Object.values(CaseStatus);

const { REPORTED, ACCEPTED, ASSIGNED, IN_PROGRESS, RESOLVED, CLOSED, REJECTED, MERGED } = CaseStatus;
const { OFFICER, SUPERVISOR } = OfficerRole;

export const WORKFLOW: Record<Action, Rule> = {
  accept: { from: [REPORTED], to: ACCEPTED, role: OFFICER, assigneeMay: false, event: CaseEventType.ACCEPT },
  reject: { from: [REPORTED], to: REJECTED, role: OFFICER, assigneeMay: false, event: CaseEventType.REJECT },
  assign: { from: [ACCEPTED, ASSIGNED], to: ASSIGNED, role: OFFICER, assigneeMay: false, event: CaseEventType.ASSIGN },
  start: { from: [ASSIGNED], to: IN_PROGRESS, role: OFFICER, assigneeMay: true, event: CaseEventType.START },
  resolve: { from: [IN_PROGRESS], to: RESOLVED, role: OFFICER, assigneeMay: true, event: CaseEventType.RESOLVE },
  close: { from: [RESOLVED], to: CLOSED, role: SUPERVISOR, assigneeMay: false, event: CaseEventType.CLOSE },
  reopen: { from: [RESOLVED, CLOSED], to: IN_PROGRESS, role: SUPERVISOR, assigneeMay: false, event: CaseEventType.REOPEN },
  escalate: { from: OPEN_STATUSES, to: null, role: OFFICER, assigneeMay: false, event: CaseEventType.ESCALATE },
  supervise: { from: RUNNING_STATUSES, to: null, role: SUPERVISOR, assigneeMay: false, event: CaseEventType.SUPERVISE },
  extendDeadline: { from: RUNNING_STATUSES, to: null, role: SUPERVISOR, assigneeMay: false, event: CaseEventType.EXTEND_DEADLINE },
  merge: { from: OPEN_STATUSES, to: MERGED, role: OFFICER, assigneeMay: false, event: CaseEventType.MERGED_INTO },
  note: { from: ALL_STATUSES, to: null, role: OFFICER, assigneeMay: true, event: CaseEventType.NOTE },
  // The outcome decides the status: satisfied closes, dissatisfied reopens (see recordReturnVisit).
  returnVisit: { from: [RESOLVED], to: null, role: OFFICER, assigneeMay: false, event: CaseEventType.RETURN_VISIT },
};

/** Typed steps an officer records on the trail besides transitions (涉法涉诉信访 process). */
export const STEP_TYPES = [
  CaseEventType.NOTE,
  CaseEventType.REVIEW,
  CaseEventType.COLLECTIVE_ANALYSIS,
  CaseEventType.MEDIATION,
  CaseEventType.HEARING,
  CaseEventType.LAWYER,
  CaseEventType.JUDICIAL_AID,
] as const;
export type StepType = (typeof STEP_TYPES)[number];

/** What the rules read of a case besides its status (a case row or entity, as facts). */
export interface CaseFacts {
  status: CaseStatus;
  kind: CaseKind;
  priority: CasePriority;
  assigneeId: number | null;
  handlingPath: string;
  reporterId: number | null;
  anonymous: boolean;
  reportedAt: Date;
  dueAt: Date;
  resolvedAt: Date | null;
  deadlineExtended: boolean;
  supervisionLevel: SupervisionLevel;
}

/** What the rules look up beyond the case; a change reads them in its transaction, a request once for all its cases. */
export interface WorkflowLookups {
  calendar(): Promise<WorkCalendar>;
  policy(kind: CaseKind, priority: CasePriority): Promise<SlaPolicy>;
}

/** The resolve deadline an extension (延期) would give the case, or why it cannot be extended. */
export async function extendedDue(c: CaseFacts, look: WorkflowLookups): Promise<Date | DomainError> {
  if (c.deadlineExtended) return new DomainError('INVALID_TRANSITION', 'The deadline of this case was already extended once');
  const policy = await look.policy(c.kind, c.priority);
  if (!policy.extended) return badInput(`${c.priority} ${c.kind} cases have no extended deadline in the policy`);
  const to = applyLimit(await look.calendar(), c.reportedAt, policy.extended);
  if (to <= c.dueAt) return badInput('the extended deadline would not be later than the current one');
  return to;
}

/**
 * Why an action its status allows still cannot be taken on this case now, or null. These are the
 * conditions of the case itself (not of what the officer types): a change checks them in its
 * transaction, and Case.availableActions leaves out what they refuse.
 */
export async function blockerOf(action: Action, c: CaseFacts, now: Date, look: WorkflowLookups): Promise<DomainError | null> {
  switch (action) {
    case 'close': {
      // 销号 without a visit waits until the reporter's time to answer the return visit is over.
      if (!c.reporterId || c.anonymous || !c.resolvedAt) return null;
      const { unanswered } = visitSteps(c.resolvedAt, await look.calendar());
      if (now >= unanswered) return null;
      return new DomainError(
        'INVALID_TRANSITION',
        `The reporter may still answer the return visit until ${unanswered.toISOString()}: record the visit, or close after that`,
      );
    }
    case 'extendDeadline': {
      const due = await extendedDue(c, look);
      return due instanceof DomainError ? due : null;
    }
    case 'supervise':
      if (c.supervisionLevel === LADDER[LADDER.length - 1])
        return new DomainError('INVALID_TRANSITION', `The case is already at the top level, ${c.supervisionLevel}`);
      return null;
    default:
      return null;
  }
}

/**
 * The actions this officer may take on this case now: its status, the officer's role and
 * jurisdiction (or being its assignee), and the case's own conditions, all as the changes check
 * them. Clients show these and no others.
 */
export async function availableActions(officer: OfficerActor, c: CaseFacts, now: Date, look: WorkflowLookups): Promise<Action[]> {
  const open: Action[] = [];
  for (const [action, rule] of Object.entries(WORKFLOW) as [Action, Rule][]) {
    if (!rule.from.includes(c.status) || refusalOf(officer, rule, c)) continue;
    if (await blockerOf(action, c, now, look)) continue;
    open.push(action);
  }
  return open;
}
