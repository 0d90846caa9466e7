import type { EntityManager } from '@mikro-orm/postgresql';
import { TIME_ZONE } from '../time/local-time';
import { OfficerRole, sqlStatuses, UNCOUNTED_STATUSES, UnitCategory } from '../../entities';
import { query } from '../../db/sql';
import { inJurisdiction, likePrefix, requireRole } from '../access/access';
import type { Actor } from '../access/actor';
import { badInput, notFound } from '../errors';
import { selectRows } from '../read/load';
import { UNIT_ROW, type UnitRow } from '../read/rows';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Sets (or clears, with null) the campaign baseline date of a region (ADMIN): the day it started
 * after the dragnet survey (拉网式排查). Cases under it that were open at the start of that day
 * (Asia/Shanghai) become its stock (存量); a unit below with a baseline of its own keeps that one.
 * One transaction: the date, then every case whose stock flag changes (the statistics follow).
 */
export async function setBaselineDate(
  em: EntityManager,
  actor: Actor,
  input: { unitId: number; date: string | null },
  now: Date,
): Promise<{ unit: UnitRow; stockChanged: number }> {
  const admin = requireRole(actor, OfficerRole.ADMIN);
  if (input.date !== null) {
    const at = Date.parse(`${input.date}T00:00:00Z`);
    if (!DATE.test(input.date) || Number.isNaN(at) || new Date(at).toISOString().slice(0, 10) !== input.date) {
      throw badInput('date must be a day written YYYY-MM-DD', { argument: 'date' });
    }
    if (input.date < '2000-01-01' || at > now.getTime() + 366 * 86_400_000) throw badInput(`date ${input.date} is out of range`, { argument: 'date' });
  }
  return em.transactional(async (tx) => {
    const [unit] = await selectRows(tx, UNIT_ROW, 'u', 'where u.id = ? for update', [input.unitId]);
    if (!unit || !inJurisdiction(admin, unit.path)) throw notFound('Unit');
    if (unit.category !== UnitCategory.REGION) throw badInput(`${unit.name} is not a region: baselines are set for cities, counties and townships`);
    await query(tx, 'update units set baseline_date = ?::date, updated_at = now() where id = ?', [input.date, unit.id]);
    // Each case under the region takes the baseline of the nearest unit above it that has one.
    const [{ n }] = await query<{ n: number }>(
      tx,
      `with judged as (
         select c.id, coalesce(c.reported_at < b.starts and (c.resolved_at is null or c.resolved_at >= b.starts)
           and c.status not in ${sqlStatuses(UNCOUNTED_STATUSES)}, false) as stock
         from cases c
         left join lateral (
           select (u.baseline_date::timestamp at time zone '${TIME_ZONE}') as starts from units u
           where u.baseline_date is not null and c.unit_path like u.path || '%'
           order by u.depth desc limit 1
         ) b on true
         where c.unit_path like ?
       ), changed as (
         update cases c set stock = j.stock from judged j where c.id = j.id and c.stock <> j.stock returning 1
       )
       select count(*)::int as n from changed`,
      [likePrefix(unit.path)],
    );
    return { unit: { ...unit, baselineDate: input.date }, stockChanged: n };
  });
}

/** The campaign baseline date that applies to a region: its own, or the nearest above it (YYYY-MM-DD), or null. */
export async function baselineOf(em: EntityManager, region: { path: string }): Promise<string | null> {
  const [row] = await query<{ date: string }>(
    em,
    `select baseline_date::text as date from units where baseline_date is not null and ? like path || '%' order by depth desc limit 1`,
    [region.path],
  );
  return row?.date ?? null;
}
