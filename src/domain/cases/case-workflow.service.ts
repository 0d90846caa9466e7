import type { EntityManager } from '@mikro-orm/postgresql';
import { Case, CaseEventType, CaseStatus, Escalation, Officer, ReturnVisitResult, SupervisionLevel, Unit } from '../../entities';
import type { Actor } from '../access/actor';
import { change, factsOf, type CaseRef } from './case-change';
import { extendedDue } from './workflow';
import { loadCalendar, policyFor } from '../time/deadline.service';
import { badInput, DomainError } from '../errors';
import { enqueue, toOfficers } from '../push/push';
import { above } from '../time/supervision';
import { supervisionRecipients } from '../push/recipients';
import { applyLimit } from '../time/sla';

/* The workflow actions over GraphQL (and later chat and jobs): each is one change(). */

function requiredText(value: string | null | undefined, what: string, max = 2000): string {
  const text = value?.trim() ?? '';
  if (!text) throw badInput(`${what} is required`);
  if (text.length > max) throw badInput(`${what} is longer than ${max} characters`);
  return text;
}

function optionalText(value: string | null | undefined, max = 2000): string | null {
  const text = value?.trim() ?? '';
  if (text.length > max) throw badInput(`note is longer than ${max} characters`);
  return text || null;
}

export async function acceptCase(em: EntityManager, actor: Actor, ref: CaseRef & { note?: string | null }, now: Date) {
  return change(em, actor, ref, 'accept', now, async (c, { officer }) => {
    c.acceptedAt = now;
    return { type: CaseEventType.ACCEPT, actorOfficerId: officer.id, note: optionalText(ref.note) };
  });
}

export async function rejectCase(em: EntityManager, actor: Actor, ref: CaseRef & { reason: string }, now: Date) {
  const reason = requiredText(ref.reason, 'reason');
  return change(em, actor, ref, 'reject', now, async (_c, { officer }) => ({ type: CaseEventType.REJECT, actorOfficerId: officer.id, note: reason }));
}

/** Who a case goes to when no assignee is named: the responsible officer (驻村民警) nearest its unit. */
async function responsibleFor(tx: EntityManager, c: Case): Promise<{ unit: Unit; officer: Officer } | undefined> {
  const start = c.unitPath.startsWith(c.handlingPath) ? c.unitPath : c.handlingPath;
  const ids = start.split('/').filter(Boolean).map(Number).reverse();
  const units = await tx.find(Unit, { id: { $in: ids } }, { populate: ['responsibleOfficer'] });
  const byId = new Map(units.map((u) => [u.id, u]));
  for (const id of ids) {
    const u = byId.get(id)!;
    if (!u.path.startsWith(c.handlingPath)) break;
    const o = u.responsibleOfficer?.getEntity();
    if (o?.active) return { unit: u, officer: o };
  }
  return undefined;
}

export async function assignCase(
  em: EntityManager,
  actor: Actor,
  ref: CaseRef & { unitId?: number | null; assigneeId?: number | null; note?: string | null },
  now: Date,
) {
  return change(em, actor, ref, 'assign', now, async (c, { tx, officer }) => {
    let unit = ref.unitId != null ? await tx.findOne(Unit, { id: ref.unitId }) : null;
    if (ref.unitId != null && !unit) throw badInput('unitId: no such unit');
    let assignee: Officer | null = ref.assigneeId != null ? await tx.findOne(Officer, { id: ref.assigneeId, active: true }) : null;
    if (ref.assigneeId != null && !assignee) throw badInput('assigneeId: no such active officer');
    let byResponsibility = false;
    if (!unit && !assignee) {
      const found = await responsibleFor(tx, c);
      if (!found) {
        throw badInput(
          'No responsible officer (驻村民警/网格员) is named for this place or the units above it: give assigneeId, or name one with setResponsibleOfficer',
        );
      }
      ({ unit, officer: assignee } = found);
      byResponsibility = true;
    }
    const assigneeUnit = assignee ? await tx.findOneOrFail(Unit, { id: assignee.unit.id }) : null;
    unit ??= assigneeUnit!;
    if (!unit.path.startsWith(c.handlingPath)) throw badInput(`${unit.name} is not under the handling unit: assign within it, or escalate`);
    if (assignee && !unit.path.startsWith(assigneeUnit!.path)) {
      throw badInput(`${assignee.name} works at ${assigneeUnit!.name}, whose jurisdiction does not cover ${unit.name}`);
    }
    c.handlingUnit = tx.getReference(Unit, unit.id) as never;
    c.handlingPath = unit.path;
    c.assignee = assignee ? (tx.getReference(Officer, assignee.id) as never) : undefined;
    if (assignee) {
      await enqueue(
        tx,
        [
          {
            topic: 'case.assigned',
            recipient: `officer:${assignee.id}`,
            payload: { caseId: c.id, number: c.number, title: c.title, dueAt: c.dueAt.toISOString() },
            dedupeKey: `case:${c.id}:assigned:${c.version}:officer:${assignee.id}`,
          },
        ],
        now,
      );
    }
    const note = optionalText(ref.note) ?? (byResponsibility ? `按驻村民警负责制交由${unit.name}责任人${assignee!.name}办理` : null);
    return {
      type: CaseEventType.ASSIGN,
      actorOfficerId: officer.id,
      note,
      data: { unitId: unit.id, assigneeId: assignee?.id ?? null, responsibleOfficer: byResponsibility },
    };
  });
}

export async function startCase(em: EntityManager, actor: Actor, ref: CaseRef & { note?: string | null }, now: Date) {
  return change(em, actor, ref, 'start', now, async (_c, { officer }) => ({
    type: CaseEventType.START,
    actorOfficerId: officer.id,
    note: optionalText(ref.note),
  }));
}

export async function resolveCase(em: EntityManager, actor: Actor, ref: CaseRef & { note: string }, now: Date) {
  const note = requiredText(ref.note, 'note (what was done)');
  return change(em, actor, ref, 'resolve', now, async (c, { tx, officer }) => {
    c.resolvedAt = now;
    if (c.reporter) {
      // The return visit (回访) goes to the reporter; the chat channel delivers it.
      await enqueue(
        tx,
        [
          {
            topic: 'case.return_visit',
            recipient: `resident:${c.reporter.id}`,
            payload: { caseId: c.id, number: c.number, title: c.title, note },
            dedupeKey: `case:${c.id}:return_visit:${c.version}`,
          },
        ],
        now,
      );
    }
    return { type: CaseEventType.RESOLVE, actorOfficerId: officer.id, note };
  });
}

/** 销号 without a return visit: a supervisor, with a note, when the reporter is anonymous or silent 3 working days. */
export async function closeCase(em: EntityManager, actor: Actor, ref: CaseRef & { note: string }, now: Date) {
  const note = requiredText(ref.note, 'note');
  return change(em, actor, ref, 'close', now, async (c, { officer }) => {
    c.closedAt = now;
    return { type: CaseEventType.CLOSE, actorOfficerId: officer.id, note, data: { withoutReturnVisit: true } };
  });
}

/** Work again with a fresh deadline (重办), after a dissatisfied visit or a supervisor's decision. */
async function reopenFields(tx: EntityManager, c: Case, now: Date): Promise<void> {
  const policy = await policyFor(tx, c.kind, c.priority);
  c.dueAt = applyLimit(await loadCalendar(tx), now, policy.resolve);
  c.status = CaseStatus.IN_PROGRESS;
  c.resolvedAt = undefined;
  c.closedAt = undefined;
  c.supervisionLevel = SupervisionLevel.NONE;
}

export async function reopenCase(em: EntityManager, actor: Actor, ref: CaseRef & { reason: string }, now: Date) {
  const reason = requiredText(ref.reason, 'reason');
  return change(em, actor, ref, 'reopen', now, async (c, { tx, officer }) => {
    await reopenFields(tx, c, now);
    return { type: CaseEventType.REOPEN, actorOfficerId: officer.id, note: reason, toStatus: CaseStatus.IN_PROGRESS, data: { dueAt: c.dueAt.toISOString() } };
  });
}

/** The effect of a return visit: satisfied closes (销号), dissatisfied reopens (重办). Returns the trail details. */
export async function applyReturnVisit(tx: EntityManager, c: Case, result: ReturnVisitResult, now: Date): Promise<Record<string, unknown>> {
  c.returnVisit = result;
  if (result === ReturnVisitResult.DISSATISFIED) {
    await reopenFields(tx, c, now);
    return { result, dueAt: c.dueAt.toISOString() };
  }
  c.status = CaseStatus.CLOSED;
  c.closedAt = now;
  return { result };
}

export async function recordReturnVisit(em: EntityManager, actor: Actor, ref: CaseRef & { result: ReturnVisitResult; note?: string | null }, now: Date) {
  return change(em, actor, ref, 'returnVisit', now, async (c, { tx, officer }) => {
    const data = await applyReturnVisit(tx, c, ref.result, now);
    return { type: CaseEventType.RETURN_VISIT, actorOfficerId: officer.id, note: optionalText(ref.note), toStatus: c.status, data };
  });
}

const ESCALATION_RANK: Record<Escalation, number> = { NONE: 0, REQUIRES_HIGHER_AUTHORITY: 1, BEYOND_UNIT: 2 };

/**
 * Moves the case up to the parent of its handling unit (or, with moveUp false, only records that
 * it went beyond the unit, e.g. a skip-level petition 越级访). BEYOND_UNIT costs the unit its 零上访.
 */
export async function escalateCase(
  em: EntityManager,
  actor: Actor,
  ref: CaseRef & { escalation: Escalation; reason: string; moveUp?: boolean | null },
  now: Date,
) {
  const reason = requiredText(ref.reason, 'reason');
  if (ref.escalation === Escalation.NONE) throw badInput('escalation must be REQUIRES_HIGHER_AUTHORITY or BEYOND_UNIT');
  return change(em, actor, ref, 'escalate', now, async (c, { tx, officer }) => {
    const moveUp = ref.moveUp ?? true;
    const data: Record<string, unknown> = { escalation: ref.escalation, moveUp };
    if (moveUp) {
      const handling = await tx.findOneOrFail(Unit, { id: c.handlingUnit.id });
      if (!handling.parent) throw badInput(`${handling.name} has no unit above it to escalate to`);
      const parent = await tx.findOneOrFail(Unit, { id: handling.parent.id });
      c.handlingUnit = tx.getReference(Unit, parent.id) as never;
      c.handlingPath = parent.path;
      c.assignee = undefined;
      data.fromUnitId = handling.id;
      data.toUnitId = parent.id;
      // The unit it went to hears of it at once.
      const receivers = await tx.find(Officer, { active: true, unit: parent.id });
      const message = {
        topic: 'case.escalated',
        payload: { caseId: c.id, number: c.number, title: c.title, fromUnit: handling.name, toUnit: parent.name, reason },
      } as const;
      await enqueue(
        tx,
        toOfficers(
          message,
          receivers.map((o) => o.id),
          `case:${c.id}:escalated:v${c.version}`,
        ),
        now,
      );
    }
    if (ESCALATION_RANK[ref.escalation] >= ESCALATION_RANK[c.escalation]) c.escalation = ref.escalation;
    c.escalatedAt = now;
    return { type: CaseEventType.ESCALATE, actorOfficerId: officer.id, note: reason, data };
  });
}

/** A supervisor raises the supervision level by hand (督办). */
export async function superviseCase(em: EntityManager, actor: Actor, ref: CaseRef & { level: SupervisionLevel; note?: string | null }, now: Date) {
  return change(em, actor, ref, 'supervise', now, async (c, { tx, officer }) => {
    if (!above(ref.level, c.supervisionLevel)) {
      throw badInput(`level must be above the current ${c.supervisionLevel}`);
    }
    const from = c.supervisionLevel;
    c.supervisionLevel = ref.level;
    const officers = await supervisionRecipients(
      tx,
      { handlingUnitId: c.handlingUnit.id, handlingPath: c.handlingPath, assigneeId: c.assignee?.id },
      ref.level,
    );
    const message = {
      topic: 'case.supervised',
      payload: { caseId: c.id, number: c.number, title: c.title, level: ref.level, dueAt: c.dueAt.toISOString() },
    } as const;
    await enqueue(tx, toOfficers(message, officers, `case:${c.id}:supervised:${ref.level}`), now);
    return { type: CaseEventType.SUPERVISE, actorOfficerId: officer.id, note: optionalText(ref.note), data: { from, to: ref.level } };
  });
}

/** Once per case, by a supervisor with a reason: the resolve deadline moves to the policy's extended limit. */
export async function extendDeadline(em: EntityManager, actor: Actor, ref: CaseRef & { reason: string }, now: Date) {
  const reason = requiredText(ref.reason, 'reason');
  return change(em, actor, ref, 'extendDeadline', now, async (c, { officer, look }) => {
    // The change checked the case can be extended (blockerOf); this is the date it gets.
    const to = await extendedDue(factsOf(c), look);
    if (to instanceof DomainError) throw to;
    const from = c.dueAt;
    c.dueAt = to;
    c.deadlineExtended = true;
    return { type: CaseEventType.EXTEND_DEADLINE, actorOfficerId: officer.id, note: reason, data: { from: from.toISOString(), to: to.toISOString() } };
  });
}
