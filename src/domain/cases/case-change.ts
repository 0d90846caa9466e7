import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Case, CaseStatus } from '../../entities';
import { authorizeAction, canReadCase, requireOfficer } from '../access/access';
import type { Actor, OfficerActor } from '../access/actor';
import { loadCalendar, loadPolicies } from '../time/deadline.service';
import type { WorkCalendar } from '../time/calendar';
import { DomainError, forbidden, notFound } from '../errors';
import { enqueue } from '../push/push';
import { nextCheck } from '../time/follow-up';
import { appendEvents, type NewEvent } from './trail.service';
import { blockerOf, WORKFLOW, type Action, type CaseFacts, type WorkflowLookups } from './workflow';

/** What every workflow input carries: the case and the version the client saw. */
export interface CaseRef {
  id: number;
  /** Required for transitions; notes may leave it out. */
  version?: number | null;
}

export interface ChangeScope {
  tx: EntityManager;
  officer: OfficerActor;
  now: Date;
  /** The calendar and deadline policies, read once in the change's transaction. */
  look: WorkflowLookups;
}

/** A case entity as the facts the workflow's rules read. */
export function factsOf(c: Case): CaseFacts {
  return {
    status: c.status,
    kind: c.kind,
    priority: c.priority,
    assigneeId: c.assignee?.id ?? null,
    handlingPath: c.handlingPath,
    reporterId: c.reporter?.id ?? null,
    anonymous: c.anonymous,
    reportedAt: c.reportedAt,
    dueAt: c.dueAt,
    resolvedAt: c.resolvedAt ?? null,
    deadlineExtended: c.deadlineExtended,
    supervisionLevel: c.supervisionLevel,
  };
}

/** The workflow's lookups read through `em`: the calendar and the policies once each, when first asked for. */
export function lookupsIn(em: EntityManager): WorkflowLookups {
  let calendar: ReturnType<typeof loadCalendar> | undefined;
  let policies: ReturnType<typeof loadPolicies> | undefined;
  return {
    calendar: () => (calendar ??= loadCalendar(em)),
    policy: async (kind, priority) => (await (policies ??= loadPolicies(em)))(kind, priority),
  };
}

/** A resident acting through chat on their own case (the return visit). */
export interface ResidentChanger {
  readonly type: 'resident';
  readonly id: number;
}

/** The product itself (the deadline sweep): it acts only where the table says so, and is named on the trail by no actor. */
export interface SystemChanger {
  readonly type: 'system';
}
export const SYSTEM: SystemChanger = { type: 'system' };

/** Who changes a case: an officer, the reporting resident, or the system. */
export type Changer = OfficerActor | ResidentChanger | SystemChanger;

/** What residents and the system may do through the gate; everything else is an officer's. */
const RESIDENT_ACTIONS: ReadonlySet<Action> = new Set(['returnVisit']);
const SYSTEM_ACTIONS: ReadonlySet<Action> = new Set(['supervise']);

type Apply<S> = (c: Case, scope: S) => Promise<(Omit<NewEvent, 'fromStatus' | 'toStatus'> & { toStatus?: NewEvent['toStatus'] }) | NewEvent[]>;

/**
 * Runs one workflow action of an officer in one transaction: locks the case row, checks scope
 * (NOT_FOUND), permission (FORBIDDEN), version (VERSION_CONFLICT) and status (INVALID_TRANSITION),
 * applies the change and appends its trail entries. `apply` returns the entries; the rule's status
 * change is made here unless `apply` sets another status itself.
 */
export async function change(em: EntityManager, actor: Actor, ref: CaseRef, action: Action, now: Date, apply: Apply<ChangeScope>): Promise<Case> {
  const officer = requireOfficer(actor);
  return changeCase(em, officer, ref, action, now, (c, { tx, look }) => apply(c, { tx, officer, now, look }));
}

/**
 * The one gate every change of a case passes, whoever makes it: an officer (see change), the
 * reporting resident (their return visit in chat) or the system (the deadline sweep). After the
 * change, followers are told of a new status and the case's next check by the sweep is worked out
 * again, in the same transaction.
 */
export async function changeCase(
  em: EntityManager,
  who: Changer,
  ref: CaseRef,
  action: Action,
  now: Date,
  apply: Apply<{ tx: EntityManager; now: Date; look: WorkflowLookups }>,
): Promise<Case> {
  const rule = WORKFLOW[action];
  return em.transactional(async (tx) => {
    const c = await tx.findOne(Case, { id: ref.id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (!c) throw notFound('Case');
    if (who.type === 'officer') {
      if (!canReadCase(who, c)) throw notFound('Case');
      authorizeAction(who, rule, factsOf(c));
      if (action !== 'note' && ref.version == null) throw new DomainError('BAD_USER_INPUT', 'version is required: pass the version of the case you saw');
    } else if (who.type === 'resident') {
      // Residents see only their own cases: anyone else's is as good as missing.
      if (c.reporter?.id !== who.id || !RESIDENT_ACTIONS.has(action)) throw notFound('Case');
    } else if (!SYSTEM_ACTIONS.has(action)) {
      throw forbidden(`The system does not ${action} cases`);
    }
    if (ref.version != null && ref.version !== c.version) {
      throw new DomainError('VERSION_CONFLICT', `The case changed since you loaded it (version ${ref.version}, now ${c.version}): reload and try again`);
    }
    if (!rule.from.includes(c.status)) {
      throw new DomainError('INVALID_TRANSITION', `Cannot ${action} a case that is ${c.status}`, { status: c.status, action });
    }
    const look = lookupsIn(tx);
    const blocker = await blockerOf(action, factsOf(c), now, look);
    if (blocker) throw blocker;
    const from = c.status;
    const result = await apply(c, { tx, now, look });
    if (rule.to && c.status === from && !Array.isArray(result) && result.toStatus === undefined) c.status = rule.to;
    const events: NewEvent[] = Array.isArray(result) ? result : [{ ...result, fromStatus: from, toStatus: result.toStatus ?? c.status }];
    await appendEvents(tx, c, events, now);
    if (c.status !== from) await notifyFollowers(tx, c, now);
    // A note leaves the case row (and so its version) alone: it does not race with transitions.
    if (action !== 'note') {
      c.updatedAt = now;
      c.nextCheckAt = nextCheckOf(c, await look.calendar(), now);
    }
    await tx.flush();
    return c;
  });
}

/** When the deadline sweep next needs to look at the case, on the calendar in force. */
function nextCheckOf(c: Case, calendar: WorkCalendar, now: Date): Date | null {
  return nextCheck({ ...c, hasReporter: Boolean(c.reporter), resolvedAt: c.resolvedAt ?? null }, calendar, now);
}

/**
 * Tells the reporter and followers of a case that its status changed, through their chat channel.
 * RESOLVED is left to the return-visit prompt, which says the same and asks for the verdict.
 */
export async function notifyFollowers(tx: EntityManager, c: Case, now: Date): Promise<void> {
  if (c.status === CaseStatus.RESOLVED) return;
  const rows = await tx.execute<{ resident_id: number }[]>('select resident_id from case_followers where case_id = ?', [c.id]);
  const ids = new Set(rows.map((r) => r.resident_id));
  if (c.reporter) ids.add(c.reporter.id);
  await enqueue(
    tx,
    [...ids].map((id) => ({
      topic: 'case.status',
      recipient: `resident:${id}` as const,
      payload: { caseId: c.id, number: c.number, title: c.title, status: c.status },
      dedupeKey: `case:${c.id}:v${c.version}:status:${c.status}:resident:${id}`,
    })),
    now,
  );
}
