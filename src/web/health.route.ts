import type { MikroORM } from '@mikro-orm/postgresql';
import { Router } from 'express';
import { sharedProbe } from '../db/probe';
import { appVersion } from '../paths';

/** Longest a health check waits for connect + query, so /healthz itself never hangs. */
const PROBE_TIMEOUT_MS = 1500;
/** How long a success is reused: under load one probe serves every check in the window. */
const PROBE_CACHE_MS = 250;

/**
 * GET /healthz: 200 once the database accepts a new session and answers a query, 503 as soon as it
 * refuses one (the pool's idle connections may outlive a server that is shutting down).
 */
export function healthRouter(orm: MikroORM): Router {
  const router = Router();
  const version = appVersion();
  const probe = sharedProbe(orm.config.get('clientUrl')!, { timeoutMs: PROBE_TIMEOUT_MS, cacheMs: PROBE_CACHE_MS });
  router.get('/healthz', async (_req, res) => {
    const started = Date.now();
    res.set('cache-control', 'no-store');
    try {
      await probe();
      res.json({ status: 'ok', database: 'up', version, latencyMs: Date.now() - started });
    } catch {
      res.status(503).json({ status: 'unavailable', database: 'down', version });
    }
  });
  return router;
}
