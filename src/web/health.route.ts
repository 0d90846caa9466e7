import type { MikroORM } from '@mikro-orm/postgresql';
import { Router } from 'express';
import { appVersion } from '../paths';

/** GET /healthz: 200 with JSON once the database answers, 503 otherwise. */
export function healthRouter(orm: MikroORM): Router {
  const router = Router();
  const version = appVersion();
  router.get('/healthz', async (_req, res) => {
    const started = Date.now();
    try {
      await orm.em.getConnection().execute('select 1');
      res.json({ status: 'ok', database: 'up', version, latencyMs: Date.now() - started });
    } catch {
      res.status(503).json({ status: 'unavailable', database: 'down', version });
    }
  });
  return router;
}
