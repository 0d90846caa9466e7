import type { MikroORM } from '@mikro-orm/postgresql';
import { Router } from 'express';
import { sharedProbe } from '../db/probe';
import type { FairShare } from '../domain/limits/fair-share';
import { appVersion } from '../paths';
import type { ChannelStatus } from '../domain/push/delivery';

/** Longest a health check waits for connect + query, so /healthz itself never hangs. */
const PROBE_TIMEOUT_MS = 1500;
/** How long a success is reused: under load one probe serves every check in the window. */
const PROBE_CACHE_MS = 250;

/** What knex's pool (tarn) tells about itself. */
interface PoolState {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  max: number;
}

/** The connections of the server's pool: in use, idle, requests waiting for one, and the most it opens. */
export function poolFigures(orm: MikroORM) {
  const pool = (orm.em.getConnection().getKnex().client as { pool?: PoolState }).pool;
  if (!pool) return { used: 0, free: 0, waiting: 0, max: 0 };
  return { used: pool.numUsed(), free: pool.numFree(), waiting: pool.numPendingAcquires(), max: pool.max };
}

/**
 * GET /healthz (liveness): 200 once the database accepts a new session and answers a query, 503 as
 * soon as it refuses one (the pool's idle connections may outlive a server that is shutting down).
 * GET /readyz (readiness): 200 only while this instance should be sent requests: the database
 * answers, every migration is applied, it is not shutting down, and neither its pool nor its
 * request queue is saturated; else 503 with the reasons. Both bodies carry the pool and request figures,
 * and `channels`: the chat channels' states (informational only: they never turn an answer into a 503).
 */
export function healthRouter(
  orm: MikroORM,
  share: FairShare,
  state: { draining: boolean } = { draining: false },
  channels: () => ChannelStatus[] = () => [],
): Router {
  const router = Router();
  const version = appVersion();
  const probe = sharedProbe(orm.config.get('clientUrl')!, { timeoutMs: PROBE_TIMEOUT_MS, cacheMs: PROBE_CACHE_MS });
  let migrated = false;
  const figures = () => ({ pool: poolFigures(orm), requests: share.status() });
  router.get('/healthz', async (_req, res) => {
    const started = Date.now();
    res.set('cache-control', 'no-store');
    try {
      await probe();
      res.json({ status: 'ok', database: 'up', version, latencyMs: Date.now() - started, ...figures(), channels: channels() });
    } catch {
      res.status(503).json({ status: 'unavailable', database: 'down', version, channels: channels() });
    }
  });
  router.get('/readyz', async (_req, res) => {
    res.set('cache-control', 'no-store');
    const reasons: string[] = [];
    if (state.draining) reasons.push('shutting down');
    try {
      await probe();
      // Applied migrations stay applied: once all are in, no need to ask again.
      migrated ||= (await orm.getMigrator().getPendingMigrations()).length === 0;
      if (!migrated) reasons.push('migrations pending');
    } catch {
      reasons.push('database down');
    }
    const now = figures();
    if (now.pool.waiting > 0 && now.pool.used >= now.pool.max) reasons.push('database pool saturated');
    if (share.saturated()) reasons.push('request queue full');
    res.status(reasons.length ? 503 : 200).json({ status: reasons.length ? 'not ready' : 'ready', reasons, version, ...now, channels: channels() });
  });
  return router;
}
