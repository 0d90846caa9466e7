import { query } from '../../db/sql';
import type { EntityManager } from '@mikro-orm/postgresql';
import { keyset, type PageWindow } from '../pagination';
import {
  CASE_ROW,
  EVENT_ROW,
  OFFICER_ROW,
  RESIDENT_ROW,
  UNIT_ROW,
  type CaseRow,
  type EventRow,
  type OfficerRow,
  type ResidentRow,
  type RowReader,
  type UnitRow,
} from './rows';

/**
 * Runs `select <the reader's columns> from <its table> <alias> <rest>` and returns finished rows.
 * `rest` is SQL with `?` placeholders (an array is one parameter: `= any(?)`).
 */
export async function selectRows<R>(em: EntityManager, reader: RowReader<R>, alias: string, rest: string, params: unknown[] = []): Promise<R[]> {
  const raw = await query<Record<string, unknown>>(em, `select ${reader.columns(alias)} from ${reader.table} ${alias} ${rest}`, params);
  return raw.map(reader.fromRaw);
}

/** Rows by id, in the order asked (undefined where none). No access check: callers apply access.ts. */
async function byIds<R extends { id: number }>(em: EntityManager, reader: RowReader<R>, ids: readonly number[]): Promise<(R | undefined)[]> {
  if (!ids.length) return [];
  const rows = await selectRows(em, reader, 'x', 'where x.id = any(?)', [[...new Set(ids)]]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id));
}

/**
 * Where the read side gets rows by id. The SQL source is the product's; the same interface over
 * entities lets a test prove both ways of reading answer alike.
 */
export interface RowSource {
  cases(ids: readonly number[]): Promise<(CaseRow | undefined)[]>;
  /** The units asked for and their parents (a unit is rarely shown without its parent's name). */
  unitsWithParents(ids: readonly number[]): Promise<UnitRow[]>;
  officers(ids: readonly number[]): Promise<(OfficerRow | undefined)[]>;
  residents(ids: readonly number[]): Promise<(ResidentRow | undefined)[]>;
  /** The first `first + 1` trail entries of each case, oldest first, and how many it has. */
  eventPages(caseIds: readonly number[], first: number): Promise<EventPage[]>;
}

export interface EventPage {
  events: EventRow[];
  total: number;
}

export function sqlRowSource(em: EntityManager): RowSource {
  return {
    cases: (ids) => byIds(em, CASE_ROW, ids),
    unitsWithParents: (ids) =>
      ids.length
        ? // One id list for the index: "id = any(?) or id in (parents)" made PostgreSQL read every unit.
          selectRows(em, UNIT_ROW, 'u', 'where u.id = any(array(select unnest(?::int[]) union select p.parent_id from units p where p.id = any(?)))', [
            [...ids],
            [...ids],
          ])
        : Promise.resolve([]),
    officers: (ids) => byIds(em, OFFICER_ROW, ids),
    residents: (ids) => byIds(em, RESIDENT_ROW, ids),
    eventPages: (caseIds, first) => loadEventPages(em, caseIds, first),
  };
}

/** One statement for the first page of the trails of many cases. */
async function loadEventPages(em: EntityManager, caseIds: readonly number[], first: number): Promise<EventPage[]> {
  if (!caseIds.length) return [];
  const raw = await query<Record<string, unknown> & { total: number; caseId: number }>(
    em,
    `select * from (
       select ${EVENT_ROW.columns('e')}, row_number() over (partition by e.case_id order by e.seq) as rn,
         count(*) over (partition by e.case_id)::int as total
       from case_events e where e.case_id = any(?)
     ) x where x.rn <= ? order by x."caseId", x.seq`,
    [[...new Set(caseIds)], first + 1],
  );
  const byCase = new Map<number, EventPage>(caseIds.map((id) => [id, { events: [], total: 0 }]));
  for (const { rn: _rn, total, ...r } of raw) {
    const page = byCase.get(r.caseId)!;
    page.total = total;
    page.events.push(EVENT_ROW.fromRaw(r));
  }
  return caseIds.map((id) => byCase.get(id)!);
}

/** Trail entries of one case in a window past a position, read in the window's direction (paging past the first page, or backwards). */
export async function loadEventsWindow(em: EntityManager, caseId: number, w: PageWindow, seq: number | undefined): Promise<EventPage> {
  const { cmp, order } = keyset(w, 'asc');
  const [events, [{ n }]] = await Promise.all([
    selectRows(em, EVENT_ROW, 'e', `where e.case_id = ?${seq === undefined ? '' : ` and e.seq ${cmp} ?`} order by e.seq ${order} limit ?`, [
      caseId,
      ...(seq === undefined ? [] : [seq]),
      w.size + 1,
    ]),
    query<{ n: number }>(em, 'select count(*)::int as n from case_events where case_id = ?', [caseId]),
  ]);
  return { events, total: n };
}
