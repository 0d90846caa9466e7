import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { Case, Officer, Resident, Unit, type UnitKind } from '../entities';
import type { Actor, Clock } from '../domain/actor';
import { DomainError } from '../domain/errors';
import { loadChildren } from '../domain/unit.service';
import { loadRepeatedPetition, loadSimilarCases } from '../domain/case-steps.service';
import { loadEventPages, verifyTrails, type BrokenTrail } from '../domain/trail.service';
import type { TokenSettings } from '../domain/auth.service';

/** Per-request batching: one statement per kind of nested lookup, however long the page. */
export function createLoaders(em: EntityManager, actor: () => Actor) {
  // Loads by id in the order asked; no access check here, resolvers apply it.
  const byIds = <T extends { id: number }>(entity: new () => T) =>
    new DataLoader<number, T | undefined>(async (ids) => {
      const rows = await em.find(entity as never, { id: { $in: [...new Set(ids)] } } as never);
      const byId = new Map((rows as T[]).map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id));
    });
  const childLoaders = new Map<string, DataLoader<number, Unit[]>>();
  const eventLoaders = new Map<number, DataLoader<number, Awaited<ReturnType<typeof loadEventPages>>[number]>>();
  return {
    unit: byIds(Unit),
    case: byIds(Case),
    officer: byIds(Officer),
    resident: byIds(Resident),
    similarCases: new DataLoader<number, Case[]>((ids) => loadSimilarCases(em, actor(), ids)),
    repeatedPetition: new DataLoader<number, boolean>((ids) => loadRepeatedPetition(em, ids)),
    trail: new DataLoader<number, BrokenTrail | undefined>((ids) => verifyTrails(em, ids)),
    /** First page of trail entries of cases, one loader per page size. */
    events(first: number) {
      let loader = eventLoaders.get(first);
      if (!loader) {
        loader = new DataLoader((ids: readonly number[]) => loadEventPages(em, ids, first));
        eventLoaders.set(first, loader);
      }
      return loader;
    },
    /** Children of units, one loader per distinct (first, kind) argument set. */
    children(first: number, kind?: UnitKind[] | null): DataLoader<number, Unit[]> {
      const key = `${first}|${(kind ?? []).join(',')}`;
      let loader = childLoaders.get(key);
      if (!loader) {
        loader = new DataLoader<number, Unit[]>((ids) => loadChildren(em, actor(), ids, { first, kind }));
        childLoaders.set(key, loader);
      }
      return loader;
    },
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

export interface Services {
  tokens: TokenSettings;
  clock: Clock;
}

export interface GraphQLContext {
  em: EntityManager;
  /** The caller, or null; a bad token is kept in authError and thrown where an officer is needed. */
  actor: Actor;
  authError?: DomainError;
  loaders: Loaders;
  services: Services;
  /** The client's address (behind a loopback proxy, the forwarded one): login throttling keys on it. */
  clientIp: string;
  /** Names this request in the log, in x-request-id and in masked errors. */
  requestId?: string;
  /** Date.now() after which the request stops before its next field, and the budget it had. */
  deadline?: number;
  timeoutMs?: number;
}

/** The acting officer, or the reason there is none (bad or expired token). */
export function actorOf(ctx: GraphQLContext): Actor {
  if (ctx.authError) throw ctx.authError;
  return ctx.actor;
}
