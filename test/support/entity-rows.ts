import type { EntityManager } from '@mikro-orm/postgresql';
import { Case, CaseEvent, Officer, Resident, Unit } from '../../src/entities';
import type { RowSource } from '../../src/domain/read/load';
import { caseRowOf, eventRowOf, officerRowOf, residentRowOf, unitRowOf } from '../../src/domain/read/rows';

/**
 * The read side's row source built the other way: MikroORM entities turned into rows by the same
 * functions the mutations use. Tests run the API over both and compare.
 */
export function entityRowSource(em: EntityManager): RowSource {
  const inOrder = <T extends { id: number }>(ids: readonly number[], rows: T[]) => {
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id));
  };
  return {
    cases: async (ids) => inOrder(ids, (await em.find(Case, { id: { $in: [...ids] } })).map(caseRowOf)),
    unitsWithParents: async (ids) => {
      const units = await em.find(Unit, { id: { $in: [...ids] } });
      const parentIds = units.flatMap((u) => (u.parent ? [u.parent.id] : []));
      const parents = parentIds.length ? await em.find(Unit, { id: { $in: parentIds } }) : [];
      return [...new Set([...units, ...parents])].map(unitRowOf);
    },
    officers: async (ids) => inOrder(ids, (await em.find(Officer, { id: { $in: [...ids] } })).map(officerRowOf)),
    residents: async (ids) => inOrder(ids, (await em.find(Resident, { id: { $in: [...ids] } })).map(residentRowOf)),
    eventPages: (caseIds, first) =>
      Promise.all(
        caseIds.map(async (id) => ({
          events: (await em.find(CaseEvent, { case: id }, { orderBy: { seq: 'asc' }, limit: first + 1 })).map(eventRowOf),
          total: await em.count(CaseEvent, { case: id }),
        })),
      ),
  };
}
