import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Case, CaseEventType, CaseKind, CasePriority, CaseStatus, Channel, Resident, ReturnVisitResult, Unit, type Attachment } from '../entities';
import { fileCase } from './case-report.service';
import { applyReturnVisit } from './case-workflow.service';
import { badInput, notFound } from './errors';
import { appendEvents } from './trail.service';

/** The resident behind a chat contact, created on first contact; the display name follows the channel. */
export async function residentFor(em: EntityManager, channel: Channel, externalId: string, displayName: string): Promise<Resident> {
  const given = [...displayName.trim()].slice(0, 100).join('');
  // A message without a name keeps the one we know.
  await em.execute(
    `insert into residents (channel, external_id, display_name) values (?, ?, ?)
     on conflict (channel, external_id) do update set display_name = excluded.display_name
     where ? and residents.display_name <> excluded.display_name`,
    [channel, externalId, given || '群众', Boolean(given)],
  );
  return em.findOneOrFail(Resident, { channel, externalId }, { refresh: true });
}

/** Cases a resident may follow: those they reported and those merged cases brought them to. */
const FOLLOWS = `(c.reporter_id = ? or exists (select 1 from case_followers f where f.case_id = c.id and f.resident_id = ?))`;

/** The resident's most recent cases. */
export async function myCases(em: EntityManager, residentId: number, limit = 10): Promise<Case[]> {
  const rows = await em.execute<Record<string, unknown>[]>(
    `select c.* from cases c where ${FOLLOWS} order by c.reported_at desc limit ?`,
    [residentId, residentId, limit],
  );
  return rows.map((r) => em.map(Case, r));
}

/** One of the resident's own cases by number; undefined for anyone else's (nothing leaks). */
export async function myCaseByNumber(em: EntityManager, residentId: number, number: string): Promise<Case | undefined> {
  const rows = await em.execute<Record<string, unknown>[]>(
    `select c.* from cases c where c.number = ? and ${FOLLOWS}`,
    [number.trim().toUpperCase(), residentId, residentId],
  );
  return rows[0] ? em.map(Case, rows[0]) : undefined;
}

/** The latest of the resident's resolved cases waiting for their return visit, if any. */
export async function pendingReturnVisit(em: EntityManager, residentId: number): Promise<Case | undefined> {
  return (await em.findOne(Case, { reporter: residentId, status: CaseStatus.RESOLVED }, { orderBy: { resolvedAt: 'desc' } })) ?? undefined;
}

export interface ResidentReport {
  kind: CaseKind;
  unitId: number;
  description: string;
  phone?: string | null;
  anonymous: boolean;
  attachments: Attachment[];
}

/** A resident reports through chat; the township of the place receives it. */
export async function reportAsResident(em: EntityManager, resident: Resident, r: ResidentReport, now: Date): Promise<{ case: Case; handlingUnit: Unit }> {
  const description = r.description.trim();
  if (!description) throw badInput('description is empty');
  const unit = await em.findOne(Unit, { id: r.unitId });
  if (!unit) throw notFound('Unit');
  if (r.phone && !r.anonymous && resident.phone !== r.phone) {
    resident.phone = r.phone;
    await em.flush();
  }
  // Title: the first sentence, short enough for a list.
  const firstSentence = description.split(/[。！？!?\n]/)[0] || description;
  const chars = [...firstSentence];
  const title = chars.length > 30 ? `${chars.slice(0, 30).join('')}…` : firstSentence;
  const priority = r.kind === CaseKind.ACCIDENT ? CasePriority.URGENT : CasePriority.NORMAL;
  const c = await fileCase(em, { title, description: [...description].slice(0, 5000).join(''), kind: r.kind, priority, unit, channel: resident.channel, reporter: resident, attachments: r.attachments }, now);
  if (r.anonymous) {
    c.anonymous = true;
    await em.flush();
  }
  return { case: c, handlingUnit: await em.findOneOrFail(Unit, { id: c.handlingUnit.id }) };
}

/** The resident answers the return visit (回访) of one of their resolved cases. */
export async function residentReturnVisit(em: EntityManager, residentId: number, caseId: number, result: ReturnVisitResult, now: Date): Promise<Case> {
  const c = await em.findOne(Case, { id: caseId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  if (!c || c.reporter?.id !== residentId) throw notFound('Case');
  if (c.status !== CaseStatus.RESOLVED) throw badInput('This case is not waiting for a return visit');
  const from = c.status;
  const data = await applyReturnVisit(em, c, result, now);
  await appendEvents(em, c, [{ type: CaseEventType.RETURN_VISIT, actorResidentId: residentId, fromStatus: from, toStatus: c.status, data }], now);
  c.updatedAt = now;
  await em.flush();
  return c;
}
