import type { EntityManager } from '@mikro-orm/postgresql';
import { UnitKind } from '../../entities';
import { query } from '../../db/sql';
import { likePrefix } from '../access/access';
import { selectRows } from '../read/load';
import { UNIT_ROW, type UnitRow } from '../read/rows';
import { averageScores } from '../registry/standards';
import { monthFigures, ratesOf, stockFigures, type Rates } from './figures';
import { monthDate, type Month } from '../time/local-time';
import { COUNTED_CATEGORIES, type CampaignSettings, type CountedCategory, type RankingWeights } from './settings';

/** Regions ranked against each other: the counties of a city, or the townships of a county. */
export enum RankingLevel {
  COUNTY = 'COUNTY',
  TOWNSHIP = 'TOWNSHIP',
}

export interface CategoryRate {
  category: CountedCategory;
  units: number;
  zeroUnits: number;
  rate: number | null;
  target: number;
}

export interface RankingRow extends Rates {
  rank: number;
  unit: UnitRow;
  zeroRates: CategoryRate[];
  /** Zero units / units over the three categories. */
  zeroRate: number | null;
  stockClearanceRate: number | null;
  /** Cases reported in the month that went overdue. */
  overdue: number;
  reported: number;
  /** Mean creation-standards score of the assessed units (0..100), if any were assessed that month. */
  standardsScore: number | null;
  /** Weighted mean of the rates (0..100); a rate without data is left out and the others carry its weight. */
  score: number;
  /** Some category's zero rate is below its target. */
  belowTarget: boolean;
  /** The categories whose zero rate is below its target (what a warning letter would name). */
  belowTargetIn: CountedCategory[];
}

/** A category's zero rate under its target (a category without units is not judged). */
function isBelow(r: { rate: number | null; target: number }): boolean {
  return r.rate !== null && r.rate < r.target;
}

/** The composite score: weighted mean (0..100) of the rates that have data. */
export function compositeScore(rates: Record<keyof RankingWeights, number | null>, weights: RankingWeights): number {
  let sum = 0;
  let weight = 0;
  for (const [name, w] of Object.entries(weights) as [keyof RankingWeights, number][]) {
    const rate = rates[name];
    if (rate === null || w <= 0) continue;
    sum += w * rate;
    weight += w;
  }
  return weight > 0 ? Math.round((1000 * sum) / weight) / 10 : 0;
}

/** How many regions of `level` lie under a unit: as many rows as its ranking has (0 for an unknown unit). */
export async function countRegions(em: EntityManager, level: RankingLevel, unitId: number): Promise<number> {
  const kind = level === RankingLevel.COUNTY ? UnitKind.COUNTY : UnitKind.TOWNSHIP;
  const [row] = await query<{ n: number }>(
    em,
    // Paths are ids and slashes (`/1/5/`): no LIKE metacharacter to escape.
    "select count(*)::int as n from units u where u.kind = ? and u.path like (select w.path || '%' from units w where w.id = ?)",
    [kind, unitId],
  );
  return row?.n ?? 0;
}

/**
 * Every region of `level` under `root`, with its month's figures and composite score, best first
 * (ties by code). Six statements whatever the number of regions.
 */
export async function rankings(em: EntityManager, root: UnitRow, level: RankingLevel, month: Month, settings: CampaignSettings): Promise<RankingRow[]> {
  const kind = level === RankingLevel.COUNTY ? UnitKind.COUNTY : UnitKind.TOWNSHIP;
  const regions = await selectRows(em, UNIT_ROW, 'u', 'where u.kind = ? and u.path like ? order by u.code', [kind, likePrefix(root.path)]);
  if (!regions.length) return [];
  const ids = regions.map((r) => r.id);
  const [figures, stock, counts, broken, standards] = await Promise.all([
    monthFigures(em, ids, month),
    stockFigures(em, ids, month),
    query<{ id: number; category: CountedCategory; units: number }>(em, 'select region_id as id, category, units from unit_counts where region_id = any(?)', [
      ids,
    ]),
    query<{ id: number; category: CountedCategory; broken: number }>(
      em,
      'select region_id as id, category, broken from region_breaks where region_id = any(?) and month = ?::date',
      [ids, monthDate(month)],
    ),
    averageScores(em, ids, new Date(`${monthDate(month)}T00:00:00Z`)),
  ]);
  const rows = regions.map((unit) => {
    const zeroRates = COUNTED_CATEGORIES.map((category) => {
      const units = counts.find((c) => c.id === unit.id && c.category === category)?.units ?? 0;
      const zeroUnits = units - (broken.find((b) => b.id === unit.id && b.category === category)?.broken ?? 0);
      return { category, units, zeroUnits, rate: units > 0 ? zeroUnits / units : null, target: settings.targets[category] };
    });
    const allUnits = zeroRates.reduce((n, r) => n + r.units, 0);
    const zeroRate = allUnits > 0 ? zeroRates.reduce((n, r) => n + r.zeroUnits, 0) / allUnits : null;
    const f = figures.get(unit.id)!;
    const rates = ratesOf(f);
    const stockClearanceRate = stock.get(unit.id)!.clearanceRate;
    const standardsScore = standards.get(unit.id) ?? null;
    const score = compositeScore(
      {
        zero: zeroRate,
        response: rates.responseRate,
        onTime: rates.onTimeRate,
        satisfaction: rates.satisfactionRate,
        stock: stockClearanceRate,
        standards: standardsScore === null ? null : standardsScore / 100,
      },
      settings.weights,
    );
    return {
      rank: 0,
      unit,
      zeroRates,
      zeroRate,
      ...rates,
      stockClearanceRate,
      overdue: f.wentOverdue,
      reported: f.reported,
      standardsScore,
      score,
      belowTarget: zeroRates.some(isBelow),
      belowTargetIn: zeroRates.filter(isBelow).map((r) => r.category),
    };
  });
  rows.sort((a, b) => b.score - a.score || a.unit.code.localeCompare(b.unit.code));
  rows.forEach((r, i) => (r.rank = i + 1));
  return rows;
}
