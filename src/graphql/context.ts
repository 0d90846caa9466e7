import type { RequestRecord } from './request-scope';
import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import type { UnitKind } from '../entities';
import type { Actor, Clock } from '../domain/access/actor';
import { DomainError } from '../domain/errors';
import { checkDeadline } from './guard.middleware';
import { loadChildren } from '../domain/registry/unit.service';
import { loadUnitOfficers } from '../domain/registry/officer.service';
import { loadRepeatedPetition, loadSimilarCases } from '../domain/cases/case-steps.service';
import { verifyTrails, type BrokenTrail } from '../domain/cases/trail.service';
import { lookupsIn } from '../domain/cases/case-change';
import { sqlRowSource, type EventPage, type RowSource } from '../domain/read/load';
import type { CaseRow, OfficerRow, ResidentRow, UnitRow } from '../domain/read/rows';
import type { TokenSettings } from '../domain/access/auth.service';
import type { CampaignSettings } from '../domain/stats/settings';
import type { Lane } from '../domain/limits/fair-share';
import type { PushRenderer } from '../domain/push/delivery';

/**
 * Per-request batching over plain rows: one statement per kind of nested lookup, however long the
 * page. No access checks here: resolvers apply access.ts to what they get.
 */
export function createLoaders(
  em: EntityManager,
  actor: () => Actor,
  source: RowSource = sqlRowSource(em),
  deadline: Pick<GraphQLContext, 'deadline' | 'timeoutMs'> = {},
) {
  // A request past its deadline starts no further round trip. Async, so the deadline's error rejects
  // the batch: DataLoader answers a batch function that throws synchronously with a TypeError of its own.
  const guarded =
    <K, V>(batch: (keys: readonly K[]) => Promise<V[]>) =>
    async (keys: readonly K[]) => {
      checkDeadline(deadline);
      return batch(keys);
    };
  const unit: DataLoader<number, UnitRow | undefined> = new DataLoader(
    guarded(async (ids: readonly number[]) => {
      // Parents come with their units: `unit { parent { name } }` costs no second statement.
      const rows = await source.unitsWithParents(ids);
      const byId = new Map(rows.map((r) => [r.id, r]));
      const asked = new Set(ids);
      for (const r of rows) if (!asked.has(r.id)) unit.prime(r.id, r);
      return ids.map((id) => byId.get(id));
    }),
  );
  const childLoaders = new Map<string, DataLoader<number, UnitRow[]>>();
  const eventLoaders = new Map<number, DataLoader<number, EventPage>>();
  const officerLoaders = new Map<number, DataLoader<number, OfficerRow[]>>();
  return {
    unit,
    case: new DataLoader<number, CaseRow | undefined>(guarded((ids) => source.cases(ids))),
    officer: new DataLoader<number, OfficerRow | undefined>(guarded((ids) => source.officers(ids))),
    resident: new DataLoader<number, ResidentRow | undefined>(guarded((ids) => source.residents(ids))),
    similarCases: new DataLoader<number, CaseRow[]>(guarded((ids) => loadSimilarCases(em, actor(), ids))),
    repeatedPetition: new DataLoader<number, boolean>(guarded((ids) => loadRepeatedPetition(em, ids))),
    trail: new DataLoader<number, BrokenTrail | undefined>(guarded((ids) => verifyTrails(em, ids))),
    /** The calendar and deadline policies the workflow's rules read, once per request. */
    workflow: lookupsIn(em),
    /** First page of trail entries of cases, one loader per page size. */
    events(first: number) {
      let loader = eventLoaders.get(first);
      if (!loader) {
        loader = new DataLoader(guarded((ids: readonly number[]) => source.eventPages(ids, first)));
        eventLoaders.set(first, loader);
      }
      return loader;
    },
    /** Children of units, one loader per distinct (first, kind) argument set. */
    children(first: number, kind?: UnitKind[] | null): DataLoader<number, UnitRow[]> {
      const key = `${first}|${(kind ?? []).join(',')}`;
      let loader = childLoaders.get(key);
      if (!loader) {
        loader = new DataLoader<number, UnitRow[]>(guarded((ids) => loadChildren(em, actor(), ids, { first, kind })));
        childLoaders.set(key, loader);
      }
      return loader;
    },
    /** Active officers of units (whom to assign to), one loader per page size. */
    unitOfficers(first: number): DataLoader<number, OfficerRow[]> {
      let loader = officerLoaders.get(first);
      if (!loader) {
        loader = new DataLoader<number, OfficerRow[]>(guarded((ids) => loadUnitOfficers(em, actor(), ids, first)));
        officerLoaders.set(first, loader);
      }
      return loader;
    },
    /** Remembers rows a list just read, so nested fields that point back at them need no statement. */
    primeCases(rows: readonly CaseRow[]) {
      for (const r of rows) this.case.prime(r.id, r);
    },
  };
}
export type Loaders = ReturnType<typeof createLoaders>;

export interface Services {
  tokens: TokenSettings;
  clock: Clock;
  campaign: CampaignSettings;
  /** The text a push was (or will be) sent as: the chat's words, handed in by the composition root. */
  renderPush: PushRenderer;
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
  /** The request's log line, filled in by the request-id plugin. */
  requestRecord?: RequestRecord;
  /** The request's way to the database: its client's share, heavy or not (src/domain/limits/fair-share.ts). */
  lane?: Lane;
  /** Date.now() after which the request stops before its next field, and the budget it had. */
  deadline?: number;
  timeoutMs?: number;
}

/** The acting officer, or the reason there is none (bad or expired token). */
export function actorOf(ctx: GraphQLContext): Actor {
  if (ctx.authError) throw ctx.authError;
  return ctx.actor;
}
