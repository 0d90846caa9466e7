import { UnitCategory } from '../../entities';

/** The categories whose units are judged against the zero targets (regions are not). */
export const COUNTED_CATEGORIES = [UnitCategory.VILLAGE_COMMUNITY, UnitCategory.ENTERPRISE, UnitCategory.INSTITUTION] as const;
export type CountedCategory = (typeof COUNTED_CATEGORIES)[number];

/** What the composite ranking score weighs, and how much. */
export interface RankingWeights {
  zero: number;
  response: number;
  onTime: number;
  satisfaction: number;
  stock: number;
  standards: number;
}

/** The campaign's figures that are policy rather than code: targets, thresholds, weights. */
export interface CampaignSettings {
  /** Share of units that must stay zero, per category (0..1). */
  targets: Record<CountedCategory, number>;
  /** Zero for this many consecutive months makes a unit exemplary (示范). */
  exemplaryMonths: number;
  warnings: {
    /** Open hazards at one unit at or above this many raise a warning. */
    openHazards: number;
    /** Petitions at one unit, or by one reporter, at or above this many within repeatDays (重复信访). */
    repeatCount: number;
    repeatDays: number;
    /** A hazard and a petition or dispute at one unit within this many days. */
    clusterDays: number;
  };
  weights: RankingWeights;
}

export const DEFAULT_WEIGHTS: RankingWeights = { zero: 35, response: 15, onTime: 15, satisfaction: 15, stock: 10, standards: 10 };

export const DEFAULT_CAMPAIGN: CampaignSettings = {
  targets: { VILLAGE_COMMUNITY: 0.8, ENTERPRISE: 0.9, INSTITUTION: 0.9 },
  exemplaryMonths: 6,
  warnings: { openHazards: 3, repeatCount: 2, repeatDays: 90, clusterDays: 30 },
  weights: DEFAULT_WEIGHTS,
};

/** Parses RANKING_WEIGHTS, e.g. `zero=35,response=15,onTime=15,satisfaction=15,stock=10,standards=10`; names left out weigh 0. */
export function parseWeights(text: string): RankingWeights | string {
  const weights: RankingWeights = { zero: 0, response: 0, onTime: 0, satisfaction: 0, stock: 0, standards: 0 };
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^(\w+)\s*=\s*(\d+(?:\.\d+)?)$/.exec(part);
    if (!m) return `"${part}" is not name=number`;
    if (!(m[1] in weights)) return `"${m[1]}" is not one of ${Object.keys(weights).join(', ')}`;
    weights[m[1] as keyof RankingWeights] = Number(m[2]);
  }
  if (Object.values(weights).every((w) => w === 0)) return 'at least one weight must be above 0';
  return weights;
}
