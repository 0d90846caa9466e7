import type { EntityManager } from '@mikro-orm/postgresql';
import { inJurisdiction, requireCapability } from '../access/access';
import type { Actor } from '../access/actor';
import { notFound } from '../errors';
import { selectRows } from '../read/load';
import { UNIT_ROW, type UnitRow } from '../read/rows';

/**
 * The region whose command-centre figures an officer asks for: SUPERVISOR and above, their own unit
 * by default, else a unit of their jurisdiction (NOT_FOUND outside it, as for everything else).
 */
export async function statsRegion(em: EntityManager, actor: Actor, unitId?: number): Promise<UnitRow> {
  const officer = requireCapability(actor, 'viewStatistics');
  const [region] = await selectRows(em, UNIT_ROW, 'u', 'where u.id = ?', [unitId ?? officer.unitId]);
  return requireStatsOf(officer, region);
}

/** A unit (already read) whose figures the actor may see: SUPERVISOR and above, in their jurisdiction. */
export function requireStatsOf<T extends { path: string }>(actor: Actor, unit: T | undefined): T {
  const officer = requireCapability(actor, 'viewStatistics');
  if (!unit || !inJurisdiction(officer, unit.path)) throw notFound('Unit');
  return unit;
}
