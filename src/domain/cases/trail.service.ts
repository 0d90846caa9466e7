import type { EntityManager } from '@mikro-orm/postgresql';
import { CaseEvent, type Case, type CaseEventType, type CaseStatus } from '../../entities';
import { eventHash, GENESIS_HASH, type HashedEvent } from './trail';

/** What a change records on a case's trail. */
export interface NewEvent {
  type: CaseEventType;
  actorOfficerId?: number | null;
  actorResidentId?: number | null;
  fromStatus?: CaseStatus | null;
  toStatus?: CaseStatus | null;
  note?: string | null;
  data?: Record<string, unknown> | null;
}

/**
 * Appends events to a case's hash chain. Call inside the transaction that holds the case row
 * lock (workflow changes lock it first), so no two writers read the same chain head.
 */
export async function appendEvents(em: EntityManager, c: Case, events: NewEvent[], at: Date): Promise<CaseEvent[]> {
  const [head] = await em.execute<{ seq: number; hash: string }[]>('select seq, hash from case_events where case_id = ? order by seq desc limit 1', [c.id]);
  let seq = head?.seq ?? 0;
  let prev = head?.hash ?? GENESIS_HASH;
  const created: CaseEvent[] = [];
  for (const e of events) {
    seq += 1;
    const hashed: HashedEvent = {
      caseId: c.id,
      seq,
      type: e.type,
      actorOfficerId: e.actorOfficerId ?? null,
      actorResidentId: e.actorResidentId ?? null,
      fromStatus: e.fromStatus ?? null,
      toStatus: e.toStatus ?? null,
      note: e.note ?? null,
      data: e.data ?? null,
      createdAt: at,
    };
    const hash = eventHash(prev, hashed);
    created.push(
      em.create(CaseEvent, {
        case: c,
        seq,
        type: e.type,
        actorOfficer: hashed.actorOfficerId ?? undefined,
        actorResident: hashed.actorResidentId ?? undefined,
        fromStatus: e.fromStatus ?? undefined,
        toStatus: e.toStatus ?? undefined,
        note: hashed.note ?? undefined,
        data: hashed.data ?? undefined,
        createdAt: at,
        prevHash: prev,
        hash,
      }),
    );
    prev = hash;
  }
  return created;
}

/** Where a chain breaks, if it does. */
export interface BrokenTrail {
  caseId: number;
  seq: number;
  reason: string;
}

interface EventRow {
  case_id: number;
  seq: number;
  type: string;
  actor_officer_id: number | null;
  actor_resident_id: number | null;
  from_status: string | null;
  to_status: string | null;
  note: string | null;
  data: Record<string, unknown> | null;
  created_at: Date;
  prev_hash: string;
  hash: string;
}

/** Checks one case's rows in seq order: consecutive seqs, linked hashes, content matching its hash. */
function checkChain(rows: EventRow[]): BrokenTrail | undefined {
  let prev = GENESIS_HASH;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const at = { caseId: r.case_id, seq: r.seq };
    if (r.seq !== i + 1) return { ...at, reason: `entry ${i + 1} is missing` };
    if (r.prev_hash !== prev) return { ...at, reason: 'does not link to the entry before it' };
    const expected = eventHash(prev, {
      caseId: r.case_id,
      seq: r.seq,
      type: r.type,
      actorOfficerId: r.actor_officer_id,
      actorResidentId: r.actor_resident_id,
      fromStatus: r.from_status,
      toStatus: r.to_status,
      note: r.note,
      data: r.data,
      createdAt: new Date(r.created_at),
    });
    if (expected !== r.hash) return { ...at, reason: 'content does not match its hash (edited)' };
    prev = r.hash;
  }
  return undefined;
}

const EVENT_COLUMNS = 'case_id, seq, type, actor_officer_id, actor_resident_id, from_status, to_status, note, data, created_at, prev_hash, hash';

/** Verifies the trail of one case; undefined when intact. */
export async function verifyCaseTrail(em: EntityManager, caseId: number): Promise<BrokenTrail | undefined> {
  return (await verifyTrails(em, [caseId]))[0];
}

/** Verifies the trails of the given cases (one statement); undefined for intact ones. */
export async function verifyTrails(em: EntityManager, ids: readonly number[]): Promise<(BrokenTrail | undefined)[]> {
  if (!ids.length) return [];
  const rows = await em.execute<EventRow[]>(`select ${EVENT_COLUMNS} from case_events where case_id in (?) order by case_id, seq`, [[...ids]]);
  const byCase = new Map<number, EventRow[]>(ids.map((id) => [id, []]));
  for (const r of rows) byCase.get(r.case_id)?.push(r);
  return ids.map((id) => {
    const caseRows = byCase.get(id)!;
    return caseRows.length ? checkChain(caseRows) : { caseId: id, seq: 0, reason: 'has no trail' };
  });
}

/** Verifies every case's trail in batches of cases; returns the broken ones and how many were checked. */
export async function verifyAllTrails(em: EntityManager, progress?: (checked: number) => void): Promise<{ checked: number; broken: BrokenTrail[] }> {
  const broken: BrokenTrail[] = [];
  let checked = 0;
  let after = 0;
  for (;;) {
    const ids = (await em.execute<{ id: number }[]>('select id from cases where id > ? order by id limit 2000', [after])).map((r) => r.id);
    if (!ids.length) break;
    for (const problem of await verifyTrails(em, ids)) if (problem) broken.push(problem);
    checked += ids.length;
    after = ids[ids.length - 1];
    progress?.(checked);
  }
  return { checked, broken };
}
