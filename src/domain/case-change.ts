import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Case, CaseStatus } from '../entities';
import { authorizeAction, canReadCase, requireOfficer } from './access';
import type { Actor, OfficerActor } from './actor';
import { DomainError, notFound } from './errors';
import { enqueue } from './outbox';
import { appendEvents, type NewEvent } from './trail.service';
import { WORKFLOW, type Action } from './workflow';

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
}

/**
 * Runs one workflow action in one transaction: locks the case row, checks scope (NOT_FOUND),
 * permission (FORBIDDEN), version (VERSION_CONFLICT) and status (INVALID_TRANSITION), applies
 * the change and appends its trail entries. `apply` returns the entries; the rule's status
 * change is made here unless `apply` sets another status itself.
 */
export async function change(
  em: EntityManager,
  actor: Actor,
  ref: CaseRef,
  action: Action,
  now: Date,
  apply: (c: Case, scope: ChangeScope) => Promise<Omit<NewEvent, 'fromStatus' | 'toStatus'> & { toStatus?: NewEvent['toStatus'] } | NewEvent[]>,
): Promise<Case> {
  const officer = requireOfficer(actor);
  const rule = WORKFLOW[action];
  return em.transactional(async (tx) => {
    const c = await tx.findOne(Case, { id: ref.id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (!c || !canReadCase(officer, c)) throw notFound('Case');
    authorizeAction(officer, rule, c);
    if (action !== 'note' && ref.version == null) throw new DomainError('BAD_USER_INPUT', 'version is required: pass the version of the case you saw');
    if (ref.version != null && ref.version !== c.version) {
      throw new DomainError('VERSION_CONFLICT', `The case changed since you loaded it (version ${ref.version}, now ${c.version}): reload and try again`);
    }
    if (!rule.from.includes(c.status)) {
      throw new DomainError('INVALID_TRANSITION', `Cannot ${action} a case that is ${c.status}`, { status: c.status, action });
    }
    const from = c.status;
    const result = await apply(c, { tx, officer, now });
    if (rule.to && c.status === from && !Array.isArray(result) && result.toStatus === undefined) c.status = rule.to;
    const events: NewEvent[] = Array.isArray(result)
      ? result
      : [{ ...result, fromStatus: from, toStatus: result.toStatus ?? c.status }];
    await appendEvents(tx, c, events, now);
    if (c.status !== from) await notifyFollowers(tx, c, now);
    // A note leaves the case row (and so its version) alone: it does not race with transitions.
    if (action !== 'note') c.updatedAt = now;
    await tx.flush();
    return c;
  });
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
  await enqueue(tx, [...ids].map((id) => ({
    topic: 'case.status',
    recipient: `resident:${id}` as const,
    payload: { caseId: c.id, number: c.number, title: c.title, status: c.status },
    dedupeKey: `case:${c.id}:v${c.version}:status:${c.status}:resident:${id}`,
  })), now);
}
