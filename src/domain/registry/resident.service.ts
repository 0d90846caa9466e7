import type { EntityManager } from '@mikro-orm/postgresql';
import { Case, CaseEventType, CaseKind, CaseStatus, Channel, Resident, ReturnVisitResult, Unit, type Attachment } from '../../entities';
import { fileCase, receivingUnitOf } from '../cases/case-report.service';
import { policyFor } from '../time/deadline.service';
import type { SlaPolicy } from '../time/sla';
import { reportPriority } from '../cases/report-priority';
import { applyReturnVisit } from '../cases/case-workflow.service';
import { changeCase } from '../cases/case-change';
import { badInput, DomainError, notFound } from '../errors';

const givenName = (displayName: string) => [...displayName.trim()].slice(0, 100).join('');

/**
 * residentFor when the caller has already read the contact's `residents` row (or found none): the
 * same resident, usually without a statement. Any write residentFor would make (a new contact, a
 * new display name) is made now; the entity itself is made only when asked for.
 */
export async function residentFromRow(
  em: EntityManager,
  channel: Channel,
  externalId: string,
  displayName: string,
  row: Record<string, unknown> | undefined,
): Promise<() => Resident> {
  const given = givenName(displayName);
  if (row && (!given || row.display_name === given)) {
    let resident: Resident | undefined;
    return () => (resident ??= em.map(Resident, row));
  }
  const resident = await residentFor(em, channel, externalId, displayName);
  return () => resident;
}

/** The resident behind a chat contact, created on first contact; the display name follows the channel. */
export async function residentFor(em: EntityManager, channel: Channel, externalId: string, displayName: string): Promise<Resident> {
  const given = givenName(displayName);
  // A message without a name keeps the one we know.
  const [written] = await em.execute<Record<string, unknown>[]>(
    `insert into residents (channel, external_id, display_name) values (?, ?, ?)
     on conflict (channel, external_id) do update set display_name = excluded.display_name
     where ? and residents.display_name <> excluded.display_name
     returning *`,
    [channel, externalId, given || '群众', Boolean(given)],
  );
  // Inserted or renamed: the row is the one written (merged over any older copy in this em).
  if (written) return em.map(Resident, written);
  return em.findOneOrFail(Resident, { channel, externalId }, { refresh: true });
}

/** Cases a resident may follow: those they reported and those merged cases brought them to. */
const FOLLOWS = `(c.reporter_id = ? or exists (select 1 from case_followers f where f.case_id = c.id and f.resident_id = ?))`;

/** The resident's most recent cases. */
export async function myCases(em: EntityManager, residentId: number, limit = 10): Promise<Case[]> {
  const rows = await em.execute<Record<string, unknown>[]>(`select c.* from cases c where ${FOLLOWS} order by c.reported_at desc limit ?`, [
    residentId,
    residentId,
    limit,
  ]);
  return rows.map((r) => em.map(Case, r));
}

/** One of the resident's own cases by number; undefined for anyone else's (nothing leaks). */
export async function myCaseByNumber(em: EntityManager, residentId: number, number: string): Promise<Case | undefined> {
  const rows = await em.execute<Record<string, unknown>[]>(`select c.* from cases c where c.number = ? and ${FOLLOWS}`, [
    number.trim().toUpperCase(),
    residentId,
    residentId,
  ]);
  return rows[0] ? em.map(Case, rows[0]) : undefined;
}

/** The resident's resolved cases waiting for their return visit, the latest resolved first. */
export async function pendingReturnVisits(em: EntityManager, residentId: number, limit = 10): Promise<Case[]> {
  return em.find(Case, { reporter: residentId, status: CaseStatus.RESOLVED }, { orderBy: { resolvedAt: 'desc', id: 'desc' }, limit });
}

export interface ResidentReport {
  kind: CaseKind;
  unitId: number;
  description: string;
  phone?: string | null;
  anonymous: boolean;
  attachments: Attachment[];
  /** The resident said it is urgent (an urgency word in the description counts too). */
  urgent?: boolean;
}

/**
 * A resident reports through chat; the township of the place receives it. The priority follows
 * reportPriority, and fileCase queues the emergency pushes, exactly as for a case filed over GraphQL.
 */
export async function reportAsResident(
  em: EntityManager,
  resident: Resident,
  r: ResidentReport,
  now: Date,
): Promise<{ case: Case; handlingUnit: Unit; policy: SlaPolicy }> {
  const description = r.description.trim();
  if (!description) throw badInput('description is empty');
  // The place and the units above it in one statement: the receiving unit is among them.
  const chain = (
    await em.execute<Record<string, unknown>[]>(
      `select u.* from units u where u.id in (
         select unnest(string_to_array(trim(both '/' from p.path), '/'))::int from units p where p.id = ?)`,
      [r.unitId],
    )
  ).map((row) => em.map(Unit, row));
  const unit = chain.find((u) => u.id === r.unitId);
  if (!unit) throw notFound('Unit');
  if (r.phone && !r.anonymous && resident.phone !== r.phone) {
    resident.phone = r.phone;
    await em.flush();
  }
  // Title: the first sentence, short enough for a list.
  const firstSentence = description.split(/[。！？!?\n]/)[0] || description;
  const chars = [...firstSentence];
  const title = chars.length > 30 ? `${chars.slice(0, 30).join('')}…` : firstSentence;
  const { priority } = reportPriority(r.kind, description, Boolean(r.urgent));
  const policy = await policyFor(em, r.kind, priority);
  const handling = receivingUnitOf(unit, chain);
  const c = await fileCase(
    em,
    {
      title,
      description: [...description].slice(0, 5000).join(''),
      kind: r.kind,
      priority,
      unit,
      channel: resident.channel,
      reporter: resident,
      attachments: r.attachments,
      anonymous: r.anonymous,
    },
    now,
    { handling, policy },
  );
  return { case: c, handlingUnit: handling, policy };
}

/**
 * The resident answers the return visit (回访) of one of their resolved cases, through the same
 * gate as officers: the case is locked, its status checked, the trail written and followers told.
 */
export async function residentReturnVisit(em: EntityManager, residentId: number, caseId: number, result: ReturnVisitResult, now: Date): Promise<Case> {
  try {
    return await changeCase(em, { type: 'resident', id: residentId }, { id: caseId }, 'returnVisit', now, async (c, { tx }) => {
      const data = await applyReturnVisit(tx, c, result, now);
      return { type: CaseEventType.RETURN_VISIT, actorResidentId: residentId, toStatus: c.status, data };
    });
  } catch (err) {
    // The chat answers in its own words: a case that moved on is "not waiting", not a workflow error.
    if (err instanceof DomainError && err.code === 'INVALID_TRANSITION') throw badInput('This case is not waiting for a return visit');
    throw err;
  }
}
