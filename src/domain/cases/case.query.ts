import { query } from '../../db/sql';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CaseKind, CasePriority, CaseStatus, SupervisionLevel } from '../../entities';
import { selectRows } from '../read/load';
import { CASE_ROW, EVENT_ROW, type CaseRow, type EventRow } from '../read/rows';
import { canReadCase, ownWorkSql, canReadUnit, caseScopeSql, likePrefix, requireOfficer, likeContains } from '../access/access';
import type { Actor } from '../access/actor';
import { badInput, notFound } from '../errors';
import { decodeCursor, encodeCursor, keyset, pageWindow, windowPage, type Page, type PageArgs } from '../pagination';
import { deadlineKey, deadlineKeySql, overdueSql } from '../time/supervision';

/** The cases filter of the API; list fields match any of their values. */
export interface CaseFilter {
  status?: CaseStatus[] | null;
  kind?: CaseKind[] | null;
  priority?: CasePriority[] | null;
  /** Cases that happened at this unit or anywhere under it. */
  unitId?: number | null;
  assigneeId?: number | null;
  /**
   * The officer's own work (待办): cases assigned to them, and, for officers and above, cases
   * handled at their own unit that nobody is assigned to.
   */
  mine?: boolean | null;
  overdue?: boolean | null;
  supervisionLevel?: SupervisionLevel[] | null;
  reportedAfter?: Date | null;
  reportedBefore?: Date | null;
  /** A case number, or a substring of the title or description. */
  search?: string | null;
}

export enum CaseOrderField {
  REPORTED_AT = 'REPORTED_AT',
  DUE_AT = 'DUE_AT',
  UPDATED_AT = 'UPDATED_AT',
  NUMBER = 'NUMBER',
  DEADLINE = 'DEADLINE',
}

export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}

export interface CaseOrder {
  field: CaseOrderField;
  direction: SortDirection;
}

export const DEFAULT_CASE_ORDER: CaseOrder = { field: CaseOrderField.REPORTED_AT, direction: SortDirection.DESC };

/** Each order's sort key, in SQL and as read from a case (the cursor carries it). */
const ORDER_KEY: Record<CaseOrderField, { sql: string; of: (c: CaseRow) => Date | string }> = {
  REPORTED_AT: { sql: 'c.reported_at', of: (c) => c.reportedAt },
  DUE_AT: { sql: 'c.due_at', of: (c) => c.dueAt },
  UPDATED_AT: { sql: 'c.updated_at', of: (c) => c.updatedAt },
  NUMBER: { sql: 'c.number', of: (c) => c.number },
  // The deadline in force: overdue cases first, then the soonest; cases whose clock stopped last.
  DEADLINE: { sql: deadlineKeySql('c'), of: deadlineKey },
};

const CASE_NUMBER = /^SL\d{8,}$/i;

/**
 * One case by id or number, if in the actor's jurisdiction; otherwise NOT_FOUND (nothing leaked).
 * By id it goes through `byId` when given (the request's batching loader).
 */
export async function getCase(
  em: EntityManager,
  actor: Actor,
  by: { id?: number; number?: string },
  byId: (id: number) => Promise<CaseRow | undefined> = async (id) => (await selectRows(em, CASE_ROW, 'c', 'where c.id = ?', [id]))[0],
): Promise<CaseRow> {
  const officer = requireOfficer(actor);
  if ((by.id == null) === (by.number == null)) throw badInput('Give exactly one of id or number');
  const found = by.id != null ? await byId(by.id) : (await selectRows(em, CASE_ROW, 'c', 'where c.number = ?', [by.number!.trim().toUpperCase()]))[0];
  if (!found || !canReadCase(officer, found)) throw notFound('Case');
  return found;
}

/** One trail entry, if the actor may read its case; otherwise NOT_FOUND. */
export async function getEvent(em: EntityManager, actor: Actor, id: number): Promise<EventRow> {
  const officer = requireOfficer(actor);
  const [event] = await selectRows(em, EVENT_ROW, 'e', 'where e.id = ?', [id]);
  const [c] = event ? await selectRows(em, CASE_ROW, 'c', 'where c.id = ?', [event.caseId]) : [];
  if (!event || !c || !canReadCase(officer, c)) throw notFound('Trail entry');
  return event;
}

/** SQL conditions joined by `and`, with their `?` parameters in order. */
class Conditions {
  readonly sql: string[] = [];
  readonly params: unknown[] = [];

  add(sql: string, params: unknown[] = []): this {
    this.sql.push(sql);
    this.params.push(...params);
    return this;
  }

  clone(): Conditions {
    return new Conditions().add(this.text(), this.params);
  }

  text(): string {
    return this.sql.length ? this.sql.map((s) => `(${s})`).join(' and ') : 'true';
  }
}

/** Cases in the actor's jurisdiction matching the filter, keyset-paginated in the given order. */
export async function listCases(em: EntityManager, actor: Actor, filter: CaseFilter, order: CaseOrder, args: PageArgs, now: Date): Promise<CasePage> {
  const officer = requireOfficer(actor);
  const w = pageWindow(args);
  const where = new Conditions();
  // The conditions a sample of rows is tested against when estimating; a short search leaves out its index condition.
  let sample: Conditions | undefined;
  // An officer's own work is found through its own indexes; the jurisdiction still holds, tested on those rows.
  where.add(...caseScopeSql(officer, 'c', { indexed: !filter.mine }));
  if (filter.status?.length) where.add('c.status = any(?)', [filter.status]);
  if (filter.kind?.length) where.add('c.kind = any(?)', [filter.kind]);
  if (filter.priority?.length) where.add('c.priority = any(?)', [filter.priority]);
  if (filter.supervisionLevel?.length) where.add('c.supervision_level = any(?)', [filter.supervisionLevel]);
  if (filter.assigneeId != null) where.add('c.assignee_id = ?', [filter.assigneeId]);
  if (filter.mine) where.add(...ownWorkSql(officer, 'c'));
  if (filter.unitId != null) {
    const [unit] = await query<{ path: string }>(em, 'select path from units where id = ?', [filter.unitId]);
    if (!unit || !canReadUnit(officer, unit)) throw notFound('Unit');
    where.add('c.unit_path like ?', [likePrefix(unit.path)]);
  }
  if (filter.overdue != null) {
    // Within an officer's own work (a few hundred cases) overdue is tested on each row, by the same
    // deadline key the list sorts by; over a jurisdiction, through the deadline indexes.
    if (filter.mine) where.add(`${deadlineKeySql('c')} ${filter.overdue ? '<' : '>='} ?`, [now]);
    else where.add(filter.overdue ? overdueSql('c') : `not ${overdueSql('c')}`, [now, now, now]);
  }
  if (filter.reportedAfter) where.add('c.reported_at >= ?', [filter.reportedAfter]);
  if (filter.reportedBefore) where.add('c.reported_at < ?', [filter.reportedBefore]);
  const search = filter.search?.trim();
  if (search) {
    if (search.length > 100) throw badInput('search is limited to 100 characters');
    if (CASE_NUMBER.test(search)) where.add('c.number = ?', [search.toUpperCase()]);
    else if (Array.from(search).length <= SHORT_SEARCH) {
      // Trigrams need three characters: one or two go through the index of 1- and 2-character substrings.
      // The length guard is evaluated by the planner on the value, so the index condition stays plain.
      // The substring test decides. It is ilike's own test (a UTF-8 database lower-cases both sides),
      // spelled so the planner does not read the whole trigram index for a pattern with no trigram.
      const contains = `strpos(lower(c.title || ' ' || c.description), lower(?)) > 0`;
      sample = where.clone().add(contains, [search]);
      where.add(`length(lower(?)) > ${SHORT_SEARCH} or ${SEARCH_GRAMS_SQL('c')} @> array[lower(?)]`, [search, search]);
      where.add(contains, [search]);
    } else where.add(`(c.title || ' ' || c.description) ilike ?`, [likeContains(search)]);
  }
  const matching = where.clone();
  sample ??= matching;

  const key = ORDER_KEY[order.field];
  const orderKey = `case:${order.field}:${order.direction}`;
  const dir = order.direction === SortDirection.DESC ? 'desc' : 'asc';
  const { cmp, order: read } = keyset(w, dir);
  if (w.cursor) {
    const [value, id] = decodeCursor(w.cursor, orderKey, [order.field === CaseOrderField.NUMBER ? 'text' : 'timestamp', 'int'], w.argument);
    where.add(`(${key.sql}, c.id) ${cmp} (?, ?)`, [value, id]);
  }
  const rows = await selectRows(em, CASE_ROW, 'c', `where ${where.text()} order by ${key.sql} ${read}, c.id ${read} limit ?`, [...where.params, w.size + 1]);
  const keyOf = (c: CaseRow) => {
    const v = key.of(c);
    return v instanceof Date ? v.toISOString() : v;
  };
  return {
    ...windowPage(rows, w, (c) => encodeCursor(orderKey, [keyOf(c), c.id])),
    totalCount: async () => (await query<{ n: number }>(em, `select count(*)::int as n from cases c where ${matching.text()}`, matching.params))[0].n,
    boundedCount: () => boundedCount(em, matching, sample),
  };
}

/** How many cases match: exact, or an estimate from a sample when more than EXACT_COUNT_LIMIT do. */
export interface CaseCount {
  count: number;
  estimated: boolean;
}

/** A page of cases; boundedCount answers quickly at any scale, totalCount always counts exactly. */
export interface CasePage extends Page<CaseRow> {
  boundedCount: () => Promise<CaseCount>;
}

/**
 * Counts exactly up to this many matches and estimates above: an exact count of a city's million
 * cases reads the whole table (about half a second), and a list that long needs no exact figure.
 */
export const EXACT_COUNT_LIMIT = 10_000;

/** Searches this short cannot use trigrams; they use the index of 1- and 2-character substrings. */
const SHORT_SEARCH = 2;

/** The indexed expression of 1- and 2-character substrings of a case's text (see the search migration). */
const SEARCH_GRAMS_SQL = (alias: string) => `case_search_grams(${alias}.title || ' ' || ${alias}.description)`;

/** About this many rows are sampled for an estimate (a few milliseconds; a few per cent of error). */
const SAMPLE_ROWS = 10_000;

/**
 * Counts at most EXACT_COUNT_LIMIT + 1 matches; past that, tests a fixed sample of the table's pages
 * and scales up. The planner's own estimate was measured twice too high for a county (it takes where
 * a case happened and who handles it as independent); the sample was within 10%.
 */
async function boundedCount(em: EntityManager, matching: Conditions, sample: Conditions): Promise<CaseCount> {
  const [{ n }] = await query<{ n: number }>(
    em,
    `select count(*)::int as n from (select c.id from cases c where ${matching.text()} limit ${EXACT_COUNT_LIMIT + 1}) s`,
    matching.params,
  );
  if (n <= EXACT_COUNT_LIMIT) return { count: n, estimated: false };
  // Same pages every time (repeatable), so the figure does not jump between requests.
  const [row] = await query<{ hits: number; seen: number; total: number }>(
    em,
    `select count(*) filter (where ${sample.text()})::float8 as hits, count(*)::float8 as seen,
       (select reltuples from pg_class where oid = 'cases'::regclass)::float8 as total
     from cases c tablesample system ((select least(100, ${SAMPLE_ROWS * 100} / greatest(reltuples, 1))::float4 from pg_class where oid = 'cases'::regclass)) repeatable (0)`,
    sample.params,
  );
  const estimate = row.seen > 0 ? (row.hits / row.seen) * Math.max(row.total, row.seen) : 0;
  // Known to exceed the limit, so a sample that says less is raised to just above it.
  return { count: Math.max(Math.round(estimate), EXACT_COUNT_LIMIT + 1), estimated: true };
}
