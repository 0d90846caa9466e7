import { query } from '../../db/sql';
import type { EntityManager } from '@mikro-orm/postgresql';
import { UnitCategory, UnitKind } from '../../entities';
import { selectRows } from '../read/load';
import { UNIT_ROW, type UnitRow } from '../read/rows';
import { canReadUnit, likePrefix, requireOfficer, unitScopeSql, likeContains } from '../access/access';
import type { Actor } from '../access/actor';
import { badInput, notFound } from '../errors';
import { decodeCursor, encodeCursor, keyset, pageWindow, windowPage, type Page, type PageArgs } from '../pagination';

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
export async function getUnit(em: EntityManager, actor: Actor, by: { id?: number; code?: string }): Promise<UnitRow> {
  const officer = requireOfficer(actor);
  if ((by.id == null) === (by.code == null)) throw badInput('Give exactly one of id or code');
  const [unit] =
    by.id != null ? await selectRows(em, UNIT_ROW, 'u', 'where u.id = ?', [by.id]) : await selectRows(em, UNIT_ROW, 'u', 'where u.code = ?', [by.code!.trim()]);
  if (!unit || !canReadUnit(officer, unit)) throw notFound('Unit');
  return unit;
}

const UNIT_ORDER = 'unit:code';

/** Units in the actor's jurisdiction matching the filter, ordered by code. */
export async function listUnits(em: EntityManager, actor: Actor, filter: UnitFilter, args: PageArgs): Promise<Page<UnitRow>> {
  const officer = requireOfficer(actor);
  const w = pageWindow(args);
  const [scope, scopeParams] = unitScopeSql(officer, 'u');
  const where = [scope];
  const params: unknown[] = [...scopeParams];
  if (filter.parentId != null) {
    where.push('u.parent_id = ?');
    params.push(filter.parentId);
  }
  if (filter.withinId != null) {
    const [within] = await query<{ path: string }>(em, 'select path from units where id = ?', [filter.withinId]);
    if (!within || !canReadUnit(officer, within)) throw notFound('Unit');
    where.push('u.path like ?');
    params.push(likePrefix(within.path));
  }
  if (filter.kind?.length) {
    where.push('u.kind = any(?)');
    params.push(filter.kind);
  }
  if (filter.category?.length) {
    where.push('u.category = any(?)');
    params.push(filter.category);
  }
  const search = filter.search?.trim();
  if (search) {
    if (search.length > 100) throw badInput('search is limited to 100 characters');
    where.push('(u.name like ? or u.code = ?)');
    params.push(likeContains(search), search);
  }
  const matching = where.join(' and ');
  const countParams = [...params];
  const { cmp, order } = keyset(w, 'asc');
  if (w.cursor) {
    const [code] = decodeCursor(w.cursor, UNIT_ORDER, ['text'], w.argument);
    where.push(`u.code ${cmp} ?`);
    params.push(String(code));
  }
  const rows = await selectRows(em, UNIT_ROW, 'u', `where ${where.join(' and ')} order by u.code ${order} limit ?`, [...params, w.size + 1]);
  return {
    ...windowPage(rows, w, (u) => encodeCursor(UNIT_ORDER, [u.code])),
    totalCount: async () => (await query<{ n: number }>(em, `select count(*)::int as n from units u where ${matching}`, countParams))[0].n,
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
): Promise<UnitRow[][]> {
  const officer = requireOfficer(actor);
  if (!parentIds.length) return [];
  const params: unknown[] = [[...new Set(parentIds)]];
  let kindSql = '';
  if (opts.kind?.length) {
    kindSql = 'and u.kind = any(?)';
    params.push(opts.kind);
  }
  params.push(likePrefix(officer.unitPath), officer.unitPath, opts.first);
  const raw = await query<Record<string, unknown>>(
    em,
    `select * from (
       select ${UNIT_ROW.columns('u')}, row_number() over (partition by u.parent_id order by u.code) as rn
       from units u
       where u.parent_id = any(?) ${kindSql} and (u.path like ? or starts_with(?, u.path))
     ) x where x.rn <= ? order by x.code`,
    params,
  );
  const units = raw.map(({ rn: _rn, ...r }) => UNIT_ROW.fromRaw(r));
  return parentIds.map((id) => units.filter((u) => u.parentId === id));
}
