import { RUNNING_STATUSES, sqlStatuses, UNCOUNTED_STATUSES } from '../../entities';
import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '../../db/sql';
import { likePrefix } from '../access/access';
import type { CampaignSettings } from './settings';
import { WarningRule } from '../../entities/enums';

export { WarningRule };

/** How many of a warning's cases are shown with it (the rest are counted). */
export const WARNING_CASES_SHOWN = 5;

/** Most pressing first. */
export const RULE_ORDER: readonly WarningRule[] = [
  WarningRule.OPEN_EMERGENCY,
  WarningRule.LISTED_OVERDUE,
  WarningRule.CLUSTER,
  WarningRule.REPEATED_PETITIONS,
  WarningRule.OPEN_HAZARDS,
];

/** Most pressing rule first, then the most cases: the order warnings are listed in (unit_warnings.rank). */
const RULE_RANK = RULE_ORDER.map((r, i) => `when '${r}' then ${i}`).join(' ');

const OPEN = sqlStatuses(RUNNING_STATUSES);
const COUNTED = `c.status not in ${sqlStatuses(UNCOUNTED_STATUSES)}`;
const HAZARD = `c.kind in ('SAFETY_HAZARD', 'PUBLIC_ORDER_HAZARD')`;

/**
 * Recomputes every unit's warnings from the cases, replacing the previous set in one transaction
 * (a scheduled job does this every few minutes; the dashboard reads the result). Thresholds from
 * the campaign settings. Answers how many warnings there are now.
 */
export async function refreshWarnings(em: EntityManager, now: Date, settings: CampaignSettings): Promise<number> {
  const w = settings.warnings;
  const repeatSince = new Date(now.getTime() - w.repeatDays * 86_400_000);
  const clusterSince = new Date(now.getTime() - w.clusterDays * 86_400_000);
  return em.transactional(async (tx) => {
    // Deleted, not truncated: the dashboard goes on reading the previous set until this one commits.
    await query(tx, 'delete from region_warnings');
    await query(tx, 'delete from warning_counts');
    await query(tx, 'delete from unit_warnings');
    const [{ n }] = await query<{ n: number }>(
      tx,
      `with found (unit_id, rule, case_ids) as (
         select c.unit_id, 'OPEN_HAZARDS', array_agg(c.id order by c.reported_at, c.id)
         from cases c where c.status in ${OPEN} and ${HAZARD}
         group by c.unit_id having count(*) >= ?
         union all
         select c.unit_id, 'REPEATED_PETITIONS', array_agg(c.id order by c.reported_at, c.id)
         from cases c where c.kind = 'PETITION' and ${COUNTED} and c.reported_at >= ?
         group by c.unit_id having count(*) >= ?
         union all
         -- The same reporter's petitions at different units: filed under the unit of the latest.
         select (array_agg(c.unit_id order by c.reported_at desc, c.id desc))[1], 'REPEATED_PETITIONS', array_agg(c.id order by c.reported_at, c.id)
         from cases c where c.kind = 'PETITION' and ${COUNTED} and c.reported_at >= ? and c.reporter_id is not null
         group by c.reporter_id having count(*) >= ? and count(distinct c.unit_id) > 1
         union all
         select c.unit_id, 'OPEN_EMERGENCY', array_agg(c.id order by c.reported_at, c.id)
         from cases c where c.status in ${OPEN} and c.priority = 'EMERGENCY'
         group by c.unit_id
         union all
         select c.unit_id, 'LISTED_OVERDUE', array_agg(c.id order by c.due_at, c.id)
         from cases c where c.status in ${OPEN} and c.supervision_level = 'LISTED'
         group by c.unit_id
         union all
         select c.unit_id, 'CLUSTER', array_agg(c.id order by c.reported_at, c.id)
         from cases c where ${COUNTED} and c.reported_at >= ? and (${HAZARD} or c.kind in ('PETITION', 'DISPUTE'))
         group by c.unit_id having bool_or(${HAZARD}) and bool_or(c.kind in ('PETITION', 'DISPUTE'))
       ), inserted as (
         insert into unit_warnings (unit_id, rule, case_ids, computed_at, rank)
         select unit_id, rule, case_ids, ?, (case rule ${RULE_RANK} end) * 1000000 - least(cardinality(case_ids), 999999) from found
         returning 1
       )
       select count(*)::int as n from inserted`,
      [w.openHazards, repeatSince, w.repeatCount, repeatSince, w.repeatCount, clusterSince, now],
    );
    // Each warning under every region above its unit (and the unit itself), and how many each has.
    await query(
      tx,
      `insert into region_warnings (region_id, rank, unit_id, warning_id)
       select x::int, w.rank, w.unit_id, w.id
       from unit_warnings w join units u on u.id = w.unit_id cross join unnest(string_to_array(trim(both '/' from u.path), '/')) x`,
    );
    await query(tx, 'insert into warning_counts (region_id, warnings) select region_id, count(*) from region_warnings group by region_id');
    return n;
  });
}

export interface WarningRow {
  unitId: number;
  rule: WarningRule;
  caseIds: number[];
  computedAt: Date;
}

/** Warnings of units under a region, most pressing first, at most `limit`. */
export async function listWarnings(em: EntityManager, region: { id: number; path: string }, limit: number): Promise<WarningRow[]> {
  // Filed by region when computed; the path check keeps out a unit that has moved away since.
  const rows = await query<{ unitId: number; rule: WarningRule; caseIds: number[]; computedAt: number }>(
    em,
    `select w.unit_id as "unitId", w.rule, w.case_ids as "caseIds", (extract(epoch from w.computed_at) * 1000)::float8 as "computedAt"
     from region_warnings r join unit_warnings w on w.id = r.warning_id join units u on u.id = w.unit_id
     where r.region_id = ? and u.path like ?
     order by r.rank, r.unit_id, r.warning_id
     limit ?`,
    [region.id, likePrefix(region.path), limit],
  );
  return rows.map((r) => ({ ...r, computedAt: new Date(r.computedAt) }));
}

/** When the warnings were last computed (every few minutes), or null before the first run. */
export async function warningsComputedAt(em: EntityManager): Promise<Date | null> {
  const [row] = await query<{ at: number | null }>(em, 'select (extract(epoch from max(computed_at)) * 1000)::float8 as at from unit_warnings');
  return row?.at ? new Date(row.at) : null;
}

/** How many warnings the units under a region had when they were last computed. */
export async function countWarnings(em: EntityManager, regionId: number): Promise<number> {
  const [row] = await query<{ n: number }>(em, 'select warnings as n from warning_counts where region_id = ?', [regionId]);
  return row?.n ?? 0;
}
