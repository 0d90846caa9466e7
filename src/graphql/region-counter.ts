import { countRegions, RankingLevel } from '../domain/stats/rankings';
import type { RegionCounter } from './limits';
import { fromGlobalId } from './relay';

/** How long a count of regions is reused: regions are added or moved rarely, and a count only prices a request. */
const KEEP_MS = 60_000;

/**
 * Counts the regions a ranking (or a run of warning letters) would list for the caller — under
 * `withinId`, else under the caller's own unit — so its cost is known before it runs. A bad id or no
 * caller counts 0: the resolver refuses those requests anyway.
 */
export function regionCounter(): RegionCounter {
  const known = new Map<string, { n: number; until: number }>();
  return async (ctx, level, within) => {
    let unitId: number | undefined;
    try {
      unitId = within !== undefined ? fromGlobalId(within, 'Unit').id : ctx.actor?.unitId;
    } catch {
      return 0;
    }
    if (unitId === undefined) return 0;
    const key = `${level}|${unitId}`;
    const now = Date.now();
    const hit = known.get(key);
    if (hit && hit.until > now) return hit.n;
    const n = await countRegions(ctx.em, level === 'COUNTY' ? RankingLevel.COUNTY : RankingLevel.TOWNSHIP, unitId);
    if (known.size > 10_000) known.clear();
    known.set(key, { n, until: now + KEEP_MS });
    return n;
  };
}
