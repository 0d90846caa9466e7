import { query } from '../../db/sql';
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Case, CaseEventType, CaseFollower, Officer, OfficerRole, OPEN_STATUSES, Unit, UnitKind } from '../../entities';
import { canReadCase, caseScopeSql, inJurisdiction, requireOfficer, requireRole } from '../access/access';
import type { Actor } from '../access/actor';
import { change, type CaseRef } from './case-change';
import { badInput, DomainError, notFound } from '../errors';
import { appendEvents } from './trail.service';
import { CASE_ROW, type CaseRow } from '../read/rows';
import { STEP_TYPES, type StepType } from './workflow';

/** Most documents one trail entry records, and one case gathers over all its steps. */
export const MAX_STEP_ATTACHMENTS = 10;
export const MAX_CASE_ATTACHMENTS = 50;

export interface StepAttachment {
  name: string;
  mimeType: string;
  size: number;
  /** The stored file's id, when the file itself was uploaded (the officers' photo route); never from an API client. */
  storedId?: string;
}

/**
 * A note or a typed step of the petition process (评查, 集中研判, 协调化解, 听证, 律师代理, 司法救助
 * with its amount) on the trail, with documents such as a signed undertaking (息诉罢访保证书).
 */
export async function addCaseNote(
  em: EntityManager,
  actor: Actor,
  ref: CaseRef & { type?: StepType | null; note: string; amount?: number | null; attachments?: StepAttachment[] | null },
  now: Date,
) {
  const type = ref.type ?? CaseEventType.NOTE;
  if (!STEP_TYPES.includes(type)) throw badInput(`type must be one of ${STEP_TYPES.join(', ')}`);
  const note = ref.note?.trim() ?? '';
  if (!note) throw badInput('note is required');
  if (note.length > 5000) throw badInput('note is longer than 5000 characters');
  if (type === CaseEventType.JUDICIAL_AID) {
    if (ref.amount == null || !(ref.amount > 0) || ref.amount > 10_000_000)
      throw badInput('amount (yuan, above 0 and at most 10,000,000) is required for JUDICIAL_AID');
  } else if (ref.amount != null) throw badInput('amount is only for JUDICIAL_AID steps');
  if ((ref.attachments?.length ?? 0) > MAX_STEP_ATTACHMENTS) {
    throw badInput(`attachments: at most ${MAX_STEP_ATTACHMENTS} with one entry; record the others with another note`, { argument: 'input.attachments' });
  }
  const attachments = (ref.attachments ?? []).map((a) => {
    if (!a.name.trim() || a.name.length > 200 || !/^[\w.+-]+\/[\w.+-]+$/.test(a.mimeType) || !Number.isInteger(a.size) || a.size < 0) {
      throw badInput(`attachment "${a.name.slice(0, 50)}" needs a name, a MIME type like application/pdf and a size in bytes`);
    }
    return { id: a.storedId ?? randomUUID(), name: a.name.trim(), mimeType: a.mimeType, size: a.size, addedAt: now.toISOString() };
  });
  return change(em, actor, ref, 'note', now, async (c, { officer }) => {
    if (attachments.length) {
      if (c.attachments.length + attachments.length > MAX_CASE_ATTACHMENTS) {
        throw badInput(`the case has ${c.attachments.length} documents; a case keeps at most ${MAX_CASE_ATTACHMENTS}`, { argument: 'input.attachments' });
      }
      c.attachments = [...c.attachments, ...attachments];
      c.updatedAt = now;
    }
    return {
      type,
      actorOfficerId: officer.id,
      note,
      data: { ...(ref.amount != null ? { amount: ref.amount } : {}), ...(attachments.length ? { attachments } : {}) },
    };
  });
}

/** Folds a duplicate into another open case: the duplicate becomes MERGED, its reporter follows the survivor. */
export async function mergeCase(em: EntityManager, actor: Actor, ref: CaseRef & { intoId: number; note?: string | null }, now: Date) {
  const officer = requireOfficer(actor);
  if (ref.intoId === ref.id) throw badInput('a case cannot be merged into itself');
  return em.transactional(async (tx) => {
    // Lock both rows in id order so two opposite merges cannot deadlock.
    const [first, second] = [ref.id, ref.intoId].sort((a, b) => a - b);
    await tx.find(Case, { id: { $in: [first, second] } }, { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' } });
    const target = await tx.findOne(Case, { id: ref.intoId });
    if (!target || !canReadCase(officer, target)) throw notFound('Target case');
    if (!OPEN_STATUSES.includes(target.status)) throw new DomainError('INVALID_TRANSITION', `The target case is ${target.status}: merge into an open case`);
    const merged = await change(tx, actor, ref, 'merge', now, async (dup, { tx: inner }) => {
      dup.mergedInto = inner.getReference(Case, target.id) as never;
      const followers = new Set<number>();
      if (dup.reporter && dup.reporter.id !== target.reporter?.id) followers.add(dup.reporter.id);
      const existing = await inner.find(CaseFollower, { case: dup.id });
      for (const f of existing) if (f.resident.id !== target.reporter?.id) followers.add(f.resident.id);
      for (const residentId of followers) await inner.upsert(CaseFollower, { case: target.id, resident: residentId } as never);
      return {
        type: CaseEventType.MERGED_INTO,
        actorOfficerId: officer.id,
        note: ref.note?.trim() || null,
        data: { intoCaseId: target.id, intoNumber: target.number },
      };
    });
    await appendEvents(
      tx,
      target,
      [
        {
          type: CaseEventType.MERGE,
          actorOfficerId: officer.id,
          fromStatus: target.status,
          toStatus: target.status,
          note: ref.note?.trim() || null,
          data: { mergedCaseId: merged.id, mergedNumber: merged.number },
        },
      ],
      now,
    );
    await tx.flush();
    return merged;
  });
}

/** Likely duplicates of many cases at once (one statement): same kind, same unit or a sibling, similar text, ±90 days. */
export async function loadSimilarCases(em: EntityManager, actor: Actor, ids: readonly number[]): Promise<CaseRow[][]> {
  const officer = requireOfficer(actor);
  if (!ids.length) return [];
  const [scope, params] = caseScopeSql(officer, 'c');
  const rows = await query<Record<string, unknown> & { source_id: number }>(
    em,
    `select s.id as source_id, m.* from cases s
     join units su on su.id = s.unit_id
     cross join lateral (
       select ${CASE_ROW.columns('c')} from cases c join units cu on cu.id = c.unit_id
       where c.id <> s.id and c.kind = s.kind and c.status <> 'MERGED'
         and c.reported_at > s.reported_at - interval '90 days' and c.reported_at < s.reported_at + interval '90 days'
         and (cu.id = su.id or cu.parent_id = su.parent_id)
         and similarity(c.title || ' ' || c.description, s.title || ' ' || s.description) > 0.1
         and ${scope}
       order by similarity(c.title || ' ' || c.description, s.title || ' ' || s.description) desc, c.reported_at desc
       limit 5
     ) m
     where s.id = any(?)`,
    [...params, [...ids]],
  );
  const byId = new Map<number, CaseRow[]>(ids.map((id) => [id, []]));
  for (const r of rows) {
    const { source_id: sourceId, ...fields } = r;
    byId.get(sourceId)!.push(CASE_ROW.fromRaw(fields));
  }
  return ids.map((id) => byId.get(id)!);
}

/** 重复信访: for petitions, another petition by the same reporter or at the same unit within 90 days. */
export async function loadRepeatedPetition(em: EntityManager, ids: readonly number[]): Promise<boolean[]> {
  if (!ids.length) return [];
  const rows = await query<{ id: number }>(
    em,
    `select s.id from cases s where s.id = any(?) and s.kind = 'PETITION' and exists (
       select 1 from cases c where c.id <> s.id and c.kind = 'PETITION' and c.status <> 'MERGED'
         and c.reported_at > s.reported_at - interval '90 days' and c.reported_at < s.reported_at + interval '90 days'
         and (c.unit_id = s.unit_id or (s.reporter_id is not null and c.reporter_id = s.reporter_id)))`,
    [[...ids]],
  );
  const repeated = new Set(rows.map((r) => r.id));
  return ids.map((id) => repeated.has(id));
}

/** 驻村民警负责制: a supervisor or admin names (or clears) the responsible officer of a village or community. */
export async function setResponsibleOfficer(em: EntityManager, actor: Actor, input: { unitId: number; officerId: number | null }): Promise<Unit> {
  const me = requireRole(actor, OfficerRole.SUPERVISOR);
  return em.transactional(async (tx) => {
    const unit = await tx.findOne(Unit, { id: input.unitId });
    if (!unit || !inJurisdiction(me, unit.path)) throw notFound('Unit');
    if (unit.kind !== UnitKind.VILLAGE && unit.kind !== UnitKind.COMMUNITY)
      throw badInput(`${unit.name} is a ${unit.kind}: responsible officers are named for villages and communities`);
    if (input.officerId == null) {
      unit.responsibleOfficer = undefined;
    } else {
      const officer = await tx.findOne(Officer, { id: input.officerId, active: true }, { populate: ['unit'] });
      if (!officer || !inJurisdiction(me, officer.unit.getEntity().path)) throw notFound('Officer');
      if (!unit.path.startsWith(officer.unit.getEntity().path)) {
        throw badInput(`${officer.name} works at ${officer.unit.getEntity().name}, whose jurisdiction does not cover ${unit.name}`);
      }
      unit.responsibleOfficer = tx.getReference(Officer, officer.id) as never;
    }
    await tx.flush();
    return unit;
  });
}
