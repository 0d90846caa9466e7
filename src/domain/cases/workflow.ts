import { CaseEventType, CaseStatus, OfficerRole, OPEN_STATUSES, RUNNING_STATUSES } from '../../entities';

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
