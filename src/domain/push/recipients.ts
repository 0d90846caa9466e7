import type { EntityManager } from '@mikro-orm/postgresql';
import { SupervisionLevel } from '../../entities';
import { above } from '../time/supervision';

/*
 * Who hears of what, in one place. Supervisors "up the chain" are those at a unit on the case's
 * handling path; county level and below unless the rule names the city.
 */

interface At {
  handlingUnitId: number;
  handlingPath: string;
  assigneeId?: number | null;
}

const ids = (rows: { id: number }[]) => [...new Set(rows.map((r) => r.id))];

/**
 * A supervision level: the assignee and the handling unit's officers always; from SUPERVISED the
 * county's supervisors, at LISTED the city's too.
 */
export async function supervisionRecipients(em: EntityManager, at: At, level: SupervisionLevel): Promise<number[]> {
  const county = !above(SupervisionLevel.SUPERVISED, level);
  const city = level === SupervisionLevel.LISTED;
  return ids(
    await em.execute<{ id: number }[]>(
      `select o.id from officers o join units u on u.id = o.unit_id
       where o.active and (o.id = ? or o.unit_id = ?
         or (o.role = 'SUPERVISOR' and ? like u.path || '%' and ((? and u.kind = 'COUNTY') or (? and u.kind = 'CITY'))))`,
      [at.assigneeId ?? 0, at.handlingUnitId, at.handlingPath, county, city],
    ),
  );
}

/** An emergency (应急处置): the handling unit's officers and the supervisors above it as far as the county. */
export async function emergencyRecipients(em: EntityManager, at: At): Promise<number[]> {
  return ids(
    await em.execute<{ id: number }[]>(
      `select o.id from officers o join units u on u.id = o.unit_id
       where o.active and (o.unit_id = ? or (o.role = 'SUPERVISOR' and ? like u.path || '%' and u.kind <> 'CITY'))`,
      [at.handlingUnitId, at.handlingPath],
    ),
  );
}

/** A return visit nobody answered: the supervisors who may close the case (销号), at or above the handling unit up to the county. */
export async function closingSupervisors(em: EntityManager, at: At): Promise<number[]> {
  return ids(
    await em.execute<{ id: number }[]>(
      `select o.id from officers o join units u on u.id = o.unit_id
       where o.active and o.role = 'SUPERVISOR' and ? like u.path || '%' and u.kind <> 'CITY'`,
      [at.handlingPath],
    ),
  );
}
