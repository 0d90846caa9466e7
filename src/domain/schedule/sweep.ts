import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Case, CaseEventType, CasePriority, CaseStatus, SupervisionLevel, Unit } from '../../entities';
import type { WorkCalendar } from '../time/calendar';
import { changeCase, SYSTEM } from '../cases/case-change';
import { loadCalendar } from '../time/deadline.service';
import { enqueue, toOfficers } from '../push/push';
import { closingSupervisors, emergencyRecipients, supervisionRecipients } from '../push/recipients';
import { above, levelDue } from '../time/supervision';
import { emergencyRound, nextCheck, visitSteps } from '../time/follow-up';

export interface SweepResult {
  /** Cases whose time had come and were handled. */
  checked: number;
  /** Supervision levels raised. */
  raised: number;
  /** Emergency re-pushes queued (rounds, not recipients). */
  emergencies: number;
  /** Return-visit reminders and unanswered flags. */
  visits: number;
}

/**
 * The deadline sweep: handles every case whose next_check_at has passed (supervision ladder,
 * emergency re-pushes, return-visit follow-ups), in batches, each case in its own transaction.
 * Reads only what is due (an index on next_check_at), never all open cases. Several sweeps at
 * once share the work: a case another one holds is skipped.
 */
export async function sweepDeadlines(orm: MikroORM, now: Date, opts: { batch?: number; maxBatches?: number } = {}): Promise<SweepResult> {
  const batch = opts.batch ?? 500;
  const result: SweepResult = { checked: 0, raised: 0, emergencies: 0, visits: 0 };
  const calendar = await loadCalendar(orm.em.fork());
  const seen = new Set<number>();
  for (let round = 0; round < (opts.maxBatches ?? 100); round++) {
    const due = await orm.em.fork().execute<{ id: number }[]>('select id from cases where next_check_at <= ? order by next_check_at, id limit ?', [now, batch]);
    const fresh = due.filter((d) => !seen.has(d.id));
    if (!fresh.length) break;
    for (const { id } of fresh) {
      seen.add(id);
      if (await checkCase(orm, id, now, calendar, result)) result.checked++;
    }
    if (due.length < batch) break;
  }
  return result;
}

/** One due case, in its own transaction; false when another sweep holds it or it is no longer due. */
async function checkCase(orm: MikroORM, id: number, now: Date, calendar: WorkCalendar, result: SweepResult): Promise<boolean> {
  return orm.em.fork().transactional(async (tx) => {
    const [held] = await tx.execute<{ status: CaseStatus; reported_at: Date; accept_due_at: Date; due_at: Date; supervision_level: SupervisionLevel }[]>(
      'select status, reported_at, accept_due_at, due_at, supervision_level from cases where id = ? and next_check_at <= ? for update skip locked',
      [id, now],
    );
    if (!held) return false;
    const level = levelDue(
      { status: held.status, reportedAt: new Date(held.reported_at), acceptDueAt: new Date(held.accept_due_at), dueAt: new Date(held.due_at) },
      now,
      calendar,
    );
    // The raise loads the case in the gate's own unit of work; otherwise it is loaded here.
    let c: Case;
    if (above(level, held.supervision_level)) {
      c = await raise(tx, id, level, now);
      result.raised++;
    } else {
      c = await tx.findOneOrFail(Case, { id });
    }
    if (c.priority === CasePriority.EMERGENCY && c.status === CaseStatus.REPORTED) {
      const round = emergencyRound(c.reportedAt, now);
      if (round > 1 && (await pushEmergency(tx, c, round, now))) result.emergencies++;
    }
    if (c.status === CaseStatus.RESOLVED && c.reporter && c.resolvedAt) {
      result.visits += await followUpVisit(tx, c, calendar, now);
    }
    const next = nextCheck({ ...c, hasReporter: Boolean(c.reporter), resolvedAt: c.resolvedAt ?? null }, calendar, now);
    // Raw, so the case's version (and whoever holds it open) is not disturbed by bookkeeping.
    await tx.execute('update cases set next_check_at = ? where id = ?', [next, id]);
    return true;
  });
}

/** The system raises the level through the workflow gate: on the trail as its own entry, pushed to whom the level names. */
async function raise(tx: EntityManager, id: number, level: SupervisionLevel, now: Date): Promise<Case> {
  return changeCase(tx, SYSTEM, { id }, 'supervise', now, async (cc, { tx: inner }) => {
    const from = cc.supervisionLevel;
    cc.supervisionLevel = level;
    const officers = await supervisionRecipients(
      inner,
      { handlingUnitId: cc.handlingUnit.id, handlingPath: cc.handlingPath, assigneeId: cc.assignee?.id },
      level,
    );
    const message = {
      topic: 'case.supervised',
      payload: { caseId: cc.id, number: cc.number, title: cc.title, level, dueAt: cc.dueAt.toISOString(), bySystem: true },
    } as const;
    await enqueue(inner, toOfficers(message, officers, `case:${cc.id}:supervised:${level}`), now);
    return { type: CaseEventType.SUPERVISE, data: { from, to: level, bySystem: true } };
  });
}

/** Queues an emergency round; false when this round was queued already. */
async function pushEmergency(tx: EntityManager, c: Case, round: number, now: Date): Promise<boolean> {
  const unit = await tx.findOneOrFail(Unit, { id: c.unit.id });
  const officers = await emergencyRecipients(tx, { handlingUnitId: c.handlingUnit.id, handlingPath: c.handlingPath });
  const message = {
    topic: 'case.emergency',
    payload: { caseId: c.id, number: c.number, title: c.title, unit: unit.name, acceptDueAt: c.acceptDueAt.toISOString(), round },
  } as const;
  return (await enqueue(tx, toOfficers(message, officers, `case:${c.id}:emergency:round:${round}`), now)) > 0;
}

/** The second return-visit prompt after a working day; after three, the supervisors may close the case. */
async function followUpVisit(tx: EntityManager, c: Case, calendar: WorkCalendar, now: Date): Promise<number> {
  const steps = visitSteps(c.resolvedAt!, calendar);
  const key = `case:${c.id}:visit:${c.resolvedAt!.getTime()}`;
  if (now >= steps.unanswered) {
    const officers = await closingSupervisors(tx, { handlingUnitId: c.handlingUnit.id, handlingPath: c.handlingPath });
    const message = {
      topic: 'case.visit_unanswered',
      payload: { caseId: c.id, number: c.number, title: c.title, resolvedAt: c.resolvedAt!.toISOString() },
    } as const;
    return (await enqueue(tx, toOfficers(message, officers, `${key}:unanswered`), now)) > 0 ? 1 : 0;
  }
  if (now >= steps.reminder) {
    const queued = await enqueue(
      tx,
      [
        {
          topic: 'case.return_visit',
          payload: { caseId: c.id, number: c.number, title: c.title, round: 2 },
          recipient: `resident:${c.reporter!.id}`,
          dedupeKey: `${key}:reminder`,
        },
      ],
      now,
    );
    return queued > 0 ? 1 : 0;
  }
  return 0;
}
