import type { EntityManager } from '@mikro-orm/postgresql';
import { Case, CaseKind, CasePriority, CaseStatus, SupervisionLevel, Unit } from '../entities';
import { canReadCase, canReadUnit, caseScopeSql, likePrefix, requireOfficer, likeContains } from './access';
import type { Actor } from './actor';
import { badInput, notFound } from './errors';
import { decodeCursor, encodeCursor, pageSize, type Page, type PageArgs } from './pagination';

/** The cases filter of the API; list fields match any of their values. */
export interface CaseFilter {
  status?: CaseStatus[] | null;
  kind?: CaseKind[] | null;
  priority?: CasePriority[] | null;
  /** Cases that happened at this unit or anywhere under it. */
  unitId?: number | null;
  assigneeId?: number | null;
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

const ORDER_COLUMN: Record<CaseOrderField, { column: string; prop: keyof Case }> = {
  REPORTED_AT: { column: 'reported_at', prop: 'reportedAt' },
  DUE_AT: { column: 'due_at', prop: 'dueAt' },
  UPDATED_AT: { column: 'updated_at', prop: 'updatedAt' },
  NUMBER: { column: 'number', prop: 'number' },
};

/** Statuses in which the clock runs against the handling unit. */
const WORKING = [CaseStatus.ACCEPTED, CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS];

/** Overdue: not accepted by acceptDueAt, or not resolved by dueAt. */
export function isOverdue(c: Pick<Case, 'status' | 'acceptDueAt' | 'dueAt'>, now: Date): boolean {
  if (c.status === CaseStatus.REPORTED) return c.acceptDueAt < now || c.dueAt < now;
  return WORKING.includes(c.status) && c.dueAt < now;
}

/** The same rule in SQL, for `alias`; takes three parameters, each the instant to judge at. */
export function overdueSql(alias: string): string {
  return `((${alias}.status = 'REPORTED' and (${alias}.accept_due_at < ? or ${alias}.due_at < ?))
    or (${alias}.status in ('ACCEPTED','ASSIGNED','IN_PROGRESS') and ${alias}.due_at < ?))`;
}

const CASE_NUMBER = /^SL\d{8,}$/i;

/** One case by id or number, if in the actor's jurisdiction; otherwise NOT_FOUND (nothing leaked). */
export async function getCase(em: EntityManager, actor: Actor, by: { id?: number; number?: string }): Promise<Case> {
  const officer = requireOfficer(actor);
  if ((by.id == null) === (by.number == null)) throw badInput('Give exactly one of id or number');
  const found =
    by.id != null ? await em.findOne(Case, { id: by.id }) : await em.findOne(Case, { number: by.number!.trim().toUpperCase() });
  if (!found || !canReadCase(officer, found)) throw notFound('Case');
  return found;
}

/** Cases in the actor's jurisdiction matching the filter, keyset-paginated in the given order. */
export async function listCases(
  em: EntityManager,
  actor: Actor,
  filter: CaseFilter,
  order: CaseOrder,
  args: PageArgs,
  now: Date,
): Promise<Page<Case>> {
  const officer = requireOfficer(actor);
  const first = pageSize(args);
  const qb = em.createQueryBuilder(Case, 'c');
  qb.where(...caseScopeSql(officer, 'c'));
  if (filter.status?.length) qb.andWhere({ status: { $in: filter.status } });
  if (filter.kind?.length) qb.andWhere({ kind: { $in: filter.kind } });
  if (filter.priority?.length) qb.andWhere({ priority: { $in: filter.priority } });
  if (filter.supervisionLevel?.length) qb.andWhere({ supervisionLevel: { $in: filter.supervisionLevel } });
  if (filter.assigneeId != null) qb.andWhere({ assignee: filter.assigneeId });
  if (filter.unitId != null) {
    const unit = await em.findOne(Unit, { id: filter.unitId });
    if (!unit || !canReadUnit(officer, unit)) throw notFound('Unit');
    qb.andWhere('c.unit_path like ?', [likePrefix(unit.path)]);
  }
  if (filter.overdue != null) {
    const params = [now, now, now];
    if (filter.overdue) qb.andWhere(overdueSql('c'), params);
    else qb.andWhere(`not ${overdueSql('c')}`, params);
  }
  if (filter.reportedAfter) qb.andWhere({ reportedAt: { $gte: filter.reportedAfter } });
  if (filter.reportedBefore) qb.andWhere({ reportedAt: { $lt: filter.reportedBefore } });
  const search = filter.search?.trim();
  if (search) {
    if (search.length > 100) throw badInput('search is limited to 100 characters');
    if (CASE_NUMBER.test(search)) qb.andWhere({ number: search.toUpperCase() });
    else
      qb.andWhere(`(c.title || ' ' || c.description) ilike ?`, [likeContains(search)]);
  }
  const countQb = qb.clone();

  const { column, prop } = ORDER_COLUMN[order.field];
  const orderKey = `case:${order.field}:${order.direction}`;
  const cmp = order.direction === SortDirection.DESC ? '<' : '>';
  if (args.after) {
    const [value, id] = decodeCursor(args.after, orderKey, [order.field === CaseOrderField.NUMBER ? 'text' : 'timestamp', 'int']);
    qb.andWhere(`(c.${column}, c.id) ${cmp} (?, ?)`, [value, id]);
  }
  const dir = order.direction === SortDirection.DESC ? 'desc' : 'asc';
  const rows = await qb
    .orderBy([{ [prop]: dir }, { id: dir }])
    .limit(first + 1)
    .getResultList();
  const nodes = rows.slice(0, first);
  const keyOf = (c: Case) => {
    const v = c[prop] as Date | string;
    return v instanceof Date ? v.toISOString() : v;
  };
  return {
    nodes,
    cursors: nodes.map((c) => encodeCursor(orderKey, [keyOf(c), c.id])),
    hasNextPage: rows.length > first,
    hasPreviousPage: Boolean(args.after),
    totalCount: () => countQb.getCount(),
  };
}
