import { RUNNING_STATUSES, sqlStatuses, UNCOUNTED_STATUSES } from '../../entities';
import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '../../db/sql';
import { likePrefix } from '../access/access';
import { selectRows } from '../read/load';
import { CASE_ROW, UNIT_ROW, type CaseRow, type UnitRow } from '../read/rows';
import { monthDate, shiftMonth, TIME_ZONE, type Month } from '../time/local-time';
import { COUNTED_CATEGORIES, type CampaignSettings, type CountedCategory } from './settings';
import { breakingCaseSql, ruleOf, type ZeroRule } from './zero-rule';

/*
 * The command centre's figures, read from the statistics tables (case_stats, open_stats,
 * unit_counts; statistics.sql beside this file is how the database keeps them). Every function
 * takes a region already checked against the caller's jurisdiction.
 *
 * Definitions (the month is a Beijing month; UNCOUNTED_STATUSES count nowhere; the three zeros are
 * zero-rule.ts's):
 * - a region's zero rate per category: units of that category under it that are zero / all of them.
 * - response rate: cases reported in the month and accepted within the accept limit / cases reported.
 * - on-time rate: of the cases reported in the month and resolved, those resolved by their deadline.
 * - satisfaction: of the return visits recorded for cases reported in the month, SATISFIED or
 *   BASICALLY_SATISFIED.
 * - went overdue: cases reported in the month resolved late, or still open past their deadline
 *   (supervision URGED or above).
 * - stock (存量): cases open at the campaign baseline of their region; cleared by a month when
 *   resolved by its end; increments are the month's other reports.
 */

/** Cases that broke a zero at their unit in month `?` (twice the month as parameters). */
const BREAKING_CASE_SQL = breakingCaseSql(`c.status not in ${sqlStatuses(UNCOUNTED_STATUSES)}`);

/** Cases whose deadline still runs: what the command centre calls open. */
const OPEN_SQL = sqlStatuses(RUNNING_STATUSES);

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

/** How a region's units of one category stand against the target in a month. */
export interface CategoryProgress {
  category: CountedCategory;
  units: number;
  zeroUnits: number;
  /** zeroUnits / units; null without units. */
  rate: number | null;
  target: number;
  /** The rate reaches the target (a category without units is not below it). */
  met: boolean;
}

/** Per category: units under the region, how many lost a zero in the month, against the targets. */
export async function progress(em: EntityManager, region: UnitRow, month: Month, settings: CampaignSettings): Promise<CategoryProgress[]> {
  const rows = await query<{ category: CountedCategory; units: number; broken: number }>(
    em,
    `select c.category, c.units, coalesce(b.broken, 0)::int as broken
     from unit_counts c left join region_breaks b on b.region_id = c.region_id and b.category = c.category and b.month = ?::date
     where c.region_id = ?`,
    [monthDate(month), region.id],
  );
  return COUNTED_CATEGORIES.map((category) => {
    const row = rows.find((r) => r.category === category);
    const units = row?.units ?? 0;
    const zeroUnits = units - (row?.broken ?? 0);
    const rate = ratio(zeroUnits, units);
    const target = settings.targets[category];
    return { category, units, zeroUnits, rate, target, met: rate === null || rate >= target };
  });
}

/** A unit that lost a zero, the rules it broke and the cases that broke them. */
export interface ZeroBreak {
  unit: UnitRow;
  rules: ZeroRule[];
  cases: CaseRow[];
}

/** Units under the region (of one category, if given) that lost a zero in the month, by code; at most `limit`. */
export async function brokenUnits(em: EntityManager, region: UnitRow, month: Month, opts: { category?: CountedCategory; limit: number }): Promise<ZeroBreak[]> {
  // The breaks carry their unit's code, category and path: the first few by code come from an index.
  const units = await selectRows(
    em,
    UNIT_ROW,
    'u',
    `where u.id = any(array(
       select b.unit_id from unit_month_breaks b
       where b.month = ?::date and b.path like ? and b.unit_id <> ? and b.category <> 'REGION' ${opts.category ? 'and b.category = ?' : ''}
       order by b.code limit ?))
     order by u.code`,
    [monthDate(month), likePrefix(region.path), region.id, ...(opts.category ? [opts.category] : []), opts.limit],
  );
  return withBreakingCases(em, units, month);
}

async function withBreakingCases(em: EntityManager, units: UnitRow[], month: Month): Promise<ZeroBreak[]> {
  if (!units.length) return [];
  const cases = await selectRows(em, CASE_ROW, 'c', `where c.unit_id = any(?) and ${BREAKING_CASE_SQL} order by c.reported_at, c.id`, [
    units.map((u) => u.id),
    monthDate(month),
    monthDate(month),
  ]);
  return units.map((unit) => {
    const own = cases.filter((c) => c.unitId === unit.id);
    return { unit, rules: [...new Set(own.map((c) => ruleOf(c.kind)))].sort(), cases: own };
  });
}

/** A unit's zero status in a month, with the cases that broke it. */
export async function zeroStatus(em: EntityManager, unit: UnitRow, month: Month): Promise<{ zero: boolean; broken: ZeroRule[]; cases: CaseRow[] }> {
  const [found] = await withBreakingCases(em, [unit], month);
  return { zero: found.rules.length === 0, broken: found.rules, cases: found.cases };
}

/** What happened in a region in a month (its tree rows of case_stats summed over kinds). */
export interface MonthFigures {
  reported: number;
  acceptedInTime: number;
  resolved: number;
  resolvedInTime: number;
  wentOverdue: number;
  visited: number;
  satisfied: number;
  beyondUnit: number;
  stock: number;
}

const FIGURE_COLUMNS = `coalesce(sum(s.reported), 0)::int as reported, coalesce(sum(s.accepted_in_time), 0)::int as "acceptedInTime",
  coalesce(sum(s.resolved), 0)::int as resolved, coalesce(sum(s.resolved_in_time), 0)::int as "resolvedInTime",
  coalesce(sum(s.went_overdue), 0)::int as "wentOverdue", coalesce(sum(s.visited), 0)::int as visited,
  coalesce(sum(s.satisfied), 0)::int as satisfied, coalesce(sum(s.beyond_unit), 0)::int as "beyondUnit", coalesce(sum(s.stock), 0)::int as stock`;

export interface Rates {
  responseRate: number | null;
  onTimeRate: number | null;
  satisfactionRate: number | null;
}

export function ratesOf(f: MonthFigures): Rates {
  return {
    responseRate: ratio(f.acceptedInTime, f.reported),
    onTimeRate: ratio(f.resolvedInTime, f.resolved),
    satisfactionRate: ratio(f.satisfied, f.visited),
  };
}

/** Each region's figures for a month, in one statement. */
export async function monthFigures(em: EntityManager, regionIds: number[], month: Month): Promise<Map<number, MonthFigures>> {
  const rows = await query<MonthFigures & { id: number }>(
    em,
    `select s.unit_id as id, ${FIGURE_COLUMNS} from case_stats s where s.unit_id = any(?) and not s.own and s.month = ?::date group by s.unit_id`,
    [regionIds, monthDate(month)],
  );
  const empty: MonthFigures = {
    reported: 0,
    acceptedInTime: 0,
    resolved: 0,
    resolvedInTime: 0,
    wentOverdue: 0,
    visited: 0,
    satisfied: 0,
    beyondUnit: 0,
    stock: 0,
  };
  return new Map(regionIds.map((id) => [id, rows.find((r) => r.id === id) ?? empty]));
}

/** Stock (存量) of each region: all of it, and what was cleared by the end of the month. */
export interface StockFigures {
  stock: number;
  cleared: number;
  clearanceRate: number | null;
}

export async function stockFigures(em: EntityManager, regionIds: number[], month: Month): Promise<Map<number, StockFigures>> {
  const rows = await query<{ id: number; stock: number; cleared: number }>(
    em,
    `select s.unit_id as id, coalesce(sum(s.stock), 0)::int as stock,
       coalesce(sum(s.stock_cleared) filter (where s.month <= ?::date), 0)::int as cleared
     from case_stats s where s.unit_id = any(?) and not s.own group by s.unit_id`,
    [monthDate(month), regionIds],
  );
  return new Map(
    regionIds.map((id) => {
      const r = rows.find((x) => x.id === id);
      const stock = r?.stock ?? 0;
      const cleared = r?.cleared ?? 0;
      return [id, { stock, cleared, clearanceRate: ratio(cleared, stock) }];
    }),
  );
}

/** One month of a region's trend. */
export interface TrendPoint extends Rates {
  month: Month;
  reported: number;
  resolved: number;
  /** Zero units / units over the three counted categories. */
  zeroRate: number | null;
}

/** The `months` months ending with `month`, oldest first: two statements. */
export async function trend(em: EntityManager, region: UnitRow, month: Month, months: number): Promise<TrendPoint[]> {
  const first = shiftMonth(month, -(months - 1));
  const [flows, broken, [{ units }]] = await Promise.all([
    query<MonthFigures & { month: Month }>(
      em,
      `select to_char(m.m, 'YYYY-MM') as month, ${FIGURE_COLUMNS}
       from generate_series(?::date, ?::date, interval '1 month') m(m)
       left join case_stats s on s.unit_id = ? and not s.own and s.month = m.m
       group by m.m order by m.m`,
      [monthDate(first), monthDate(month), region.id],
    ),
    query<{ month: Month; broken: number }>(
      em,
      `select to_char(b.month, 'YYYY-MM') as month, sum(b.broken)::int as broken
       from region_breaks b where b.region_id = ? and b.month between ?::date and ?::date group by b.month`,
      [region.id, monthDate(first), monthDate(month)],
    ),
    query<{ units: number }>(em, `select coalesce(sum(units), 0)::int as units from unit_counts where region_id = ?`, [region.id]),
  ]);
  return flows.map((f) => {
    const lost = broken.find((b) => b.month === f.month)?.broken ?? 0;
    return { month: f.month, reported: f.reported, resolved: f.resolved, ...ratesOf(f), zeroRate: ratio(units - lost, units) };
  });
}

/** What is open now under a region, by kind and priority (its tree rows of open_stats). */
export interface OpenFigures {
  byKind: { kind: string; count: number }[];
  open: number;
  hazards: number;
  emergencies: number;
  listed: number;
}

export async function openFigures(em: EntityManager, region: UnitRow): Promise<OpenFigures> {
  const rows = await query<{ kind: string; open: number; emergencies: number; listed: number }>(
    em,
    `select kind, sum(open)::int as open, (sum(open) filter (where priority = 'EMERGENCY'))::int as emergencies,
       (sum(open) filter (where supervision_level = 'LISTED'))::int as listed
     from open_stats where unit_id = ? and not own and open > 0 group by kind order by kind`,
    [region.id],
  );
  const sum = (f: (r: (typeof rows)[number]) => number) => rows.reduce((n, r) => n + (f(r) ?? 0), 0);
  return {
    byKind: rows.map((r) => ({ kind: r.kind, count: r.open })),
    open: sum((r) => r.open),
    hazards: sum((r) => (r.kind === 'SAFETY_HAZARD' || r.kind === 'PUBLIC_ORDER_HAZARD' ? r.open : 0)),
    emergencies: sum((r) => r.emergencies),
    listed: sum((r) => r.listed),
  };
}

/** Units under a region by category. */
export async function unitCounts(em: EntityManager, region: UnitRow): Promise<{ category: CountedCategory; count: number }[]> {
  const rows = await query<{ category: CountedCategory; units: number }>(em, 'select category, units from unit_counts where region_id = ?', [region.id]);
  return COUNTED_CATEGORIES.map((category) => ({ category, count: rows.find((r) => r.category === category)?.units ?? 0 }));
}

/** Open cases under a region (where they happened or who handles them), by a condition, most urgent first. */
export async function openCases(em: EntityManager, region: UnitRow, which: 'supervised' | 'emergency', limit: number): Promise<CaseRow[]> {
  const condition =
    which === 'supervised'
      ? `c.supervision_level in ('SUPERVISED', 'LISTED') order by c.due_at, c.id`
      : `c.priority = 'EMERGENCY' order by c.reported_at, c.id`;
  return selectRows(em, CASE_ROW, 'c', `where c.status in ${OPEN_SQL} and (c.unit_path like ? or c.handling_path like ?) and ${condition} limit ?`, [
    likePrefix(region.path),
    likePrefix(region.path),
    limit,
  ]);
}

/**
 * Exemplary units (示范): under the region, not regions themselves, registered before the window of
 * `months` months ending with `month`, and zero in each month of it. Their number and the first by code.
 */
export async function exemplaryUnits(
  em: EntityManager,
  region: UnitRow,
  month: Month,
  months: number,
  limit: number,
): Promise<{ count: number; units: UnitRow[] }> {
  const from = monthDate(shiftMonth(month, -(months - 1)));
  const condition = `u.path like ? and u.id <> ? and u.category <> 'REGION' and u.created_at < (?::date::timestamp at time zone '${TIME_ZONE}')
    and not exists (select 1 from unit_month_breaks b where b.unit_id = u.id and b.month between ?::date and ?::date)`;
  const params = [likePrefix(region.path), region.id, from, from, monthDate(month)];
  const [kept, units] = await Promise.all([
    // Units zero since the window began, as the database keeps them per region: exact while no unit
    // under the region has broken after the month (always so for the current one).
    query<{ n: number | null }>(
      em,
      `select case when exists (select 1 from region_breaks where region_id = ? and month > ?::date and broken <> 0) then null
         else (select coalesce(sum(units), 0)::int from region_zero_since where region_id = ? and zero_since <= ?::date) end as n`,
      [region.id, monthDate(month), region.id, from],
    ),
    selectRows(em, UNIT_ROW, 'u', `where ${condition} order by u.code limit ?`, [...params, limit]),
  ]);
  const count = kept[0].n ?? (await query<{ n: number }>(em, `select count(*)::int as n from units u where ${condition}`, params))[0].n;
  return { count, units };
}

/** Whether one unit is exemplary in a month. */
export async function isExemplary(em: EntityManager, unit: UnitRow, month: Month, months: number): Promise<boolean> {
  if (unit.category === 'REGION') return false;
  const from = monthDate(shiftMonth(month, -(months - 1)));
  const [row] = await query<{ ok: boolean }>(
    em,
    `select (u.created_at < (?::date::timestamp at time zone '${TIME_ZONE}')
       and not exists (select 1 from unit_month_breaks b where b.unit_id = u.id and b.month between ?::date and ?::date)) as ok
     from units u where u.id = ?`,
    [from, from, monthDate(month), unit.id],
  );
  return Boolean(row?.ok);
}
