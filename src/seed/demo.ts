import type { EntityManager } from '@mikro-orm/postgresql';
import { logger } from '../logger';
import { generate } from './generator';

/** Loads the demo data set on first start (an empty registry), under a lock so instances do not race. */
export async function loadDemoDataIfEmpty(em: EntityManager, now = new Date()): Promise<boolean> {
  return em.transactional(async (tx) => {
    await tx.execute('select pg_advisory_xact_lock(hashtext(?))', ['sanling:demo-data']);
    const [{ n }] = await tx.execute<{ n: number }[]>('select count(*)::int as n from units');
    if (n > 0) return false;
    logger.info('empty database: loading the demo data set (Lüliang, 400 cases)');
    const result = await generate(tx, { scale: 'demo', cases: 400, now, progress: (m) => logger.info(`demo data: ${m}`) });
    logger.info(`demo data loaded: ${result.units} units, ${result.officers} officers, ${result.cases} cases; log in as 13800000000 / sanling-demo`);
    return true;
  });
}
