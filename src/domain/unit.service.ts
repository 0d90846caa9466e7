import type { EntityManager } from '@mikro-orm/postgresql';
import { Unit, UnitCategory, UnitKind } from '../entities';
import { canReadUnit, likePrefix, requireOfficer, unitScopeSql, likeContains } from './access';
import type { Actor } from './actor';
import { badInput, notFound } from './errors';
import { decodeCursor, encodeCursor, pageSize, type Page, type PageArgs } from './pagination';

export interface UnitFilter {
  /** Direct children of this unit. */
  parentId?: number | null;
  /** Anywhere under this unit (inclusive). */
  withinId?: number | null;
  kind?: UnitKind[] | null;
  category?: UnitCategory[] | null;
  /** Substring of the name, or an exact code. */
  search?: string | null;
}

/** One unit by id or code, if the actor may read it; otherwise NOT_FOUND (no detail leaked). */
export async function getUnit(em: EntityManager, actor: Actor, by: { id?: number; code?: string }): Promise<Unit> {
  const officer = requireOfficer(actor);
  if ((by.id == null) === (by.code == null)) throw badInput('Give exactly one of id or code');
  const unit = by.id != null ? await em.findOne(Unit, { id: by.id }) : await em.findOne(Unit, { code: by.code!.trim() });
  if (!unit || !canReadUnit(officer, unit)) throw notFound('Unit');
  return unit;
}

const UNIT_ORDER = 'unit:code';

/** Units in the actor's jurisdiction matching the filter, ordered by code. */
export async function listUnits(
  em: EntityManager,
  actor: Actor,
  filter: UnitFilter,
  args: PageArgs,
): Promise<Page<Unit>> {
  const officer = requireOfficer(actor);
  const first = pageSize(args);
  const qb = em.createQueryBuilder(Unit, 'u');
  qb.where(...unitScopeSql(officer, 'u'));
  if (filter.parentId != null) qb.andWhere({ parent: filter.parentId });
  if (filter.withinId != null) {
    const within = await em.findOne(Unit, { id: filter.withinId });
    if (!within || !canReadUnit(officer, within)) throw notFound('Unit');
    qb.andWhere('u.path like ?', [likePrefix(within.path)]);
  }
  if (filter.kind?.length) qb.andWhere({ kind: { $in: filter.kind } });
  if (filter.category?.length) qb.andWhere({ category: { $in: filter.category } });
  const search = filter.search?.trim();
  if (search) {
    if (search.length > 100) throw badInput('search is limited to 100 characters');
    qb.andWhere('(u.name like ? or u.code = ?)', [likeContains(search), search]);
  }
  const countQb = qb.clone();
  if (args.after) {
    const [code] = decodeCursor(args.after, UNIT_ORDER, ['text']);
    qb.andWhere('u.code > ?', [String(code)]);
  }
  const rows = await qb.orderBy({ code: 'asc' }).limit(first + 1).getResultList();
  const nodes = rows.slice(0, first);
  return {
    nodes,
    cursors: nodes.map((u) => encodeCursor(UNIT_ORDER, [u.code])),
    hasNextPage: rows.length > first,
    hasPreviousPage: Boolean(args.after),
    totalCount: () => countQb.getCount(),
  };
}

/**
 * Children of many units at once (one statement), at most `first` each, ordered by code,
 * keeping only those the actor may read.
 */
export async function loadChildren(
  em: EntityManager,
  actor: Actor,
  parentIds: readonly number[],
  opts: { first: number; kind?: UnitKind[] | null },
): Promise<Unit[][]> {
  const officer = requireOfficer(actor);
  if (!parentIds.length) return [];
  const params: unknown[] = [[...new Set(parentIds)]];
  let kindSql = '';
  if (opts.kind?.length) {
    kindSql = 'and u.kind in (?)';
    params.push(opts.kind);
  }
  params.push(likePrefix(officer.unitPath), officer.unitPath, opts.first);
  const rows = await em.execute(
    `select * from (
       select u.*, row_number() over (partition by u.parent_id order by u.code) as rn
       from units u
       where u.parent_id in (?) ${kindSql} and (u.path like ? or starts_with(?, u.path))
     ) x where x.rn <= ?`,
    params,
  );
  const units = rows.map((r: Record<string, unknown>) => em.map(Unit, r));
  return parentIds.map((id) => units.filter((u) => u.parent?.id === id));
}
