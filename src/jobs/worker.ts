import 'reflect-metadata';
import type { MikroORM } from '@mikro-orm/postgresql';
import { ConfigError, loadConfig } from '../config';
import { EmbeddedStartError, openServer } from '../embedded/embedded';
import { initOrm } from '../db/orm';
import { systemClock } from '../domain/access/actor';
import { logger, nameProcess } from '../logger';
import { JobRunner } from './runner';

/**
 * `npm run worker`: the scheduled jobs alone, against the same database as `npm start`
 * (DATABASE_URL, or the embedded server in DATA_DIR, attached to when a server runs it). Runs until
 * SIGINT or SIGTERM, then lets running jobs finish and stops.
 */
async function main(): Promise<void> {
  nameProcess('worker');
  const config = loadConfig();
  const db = await openServer(config, { ownSignals: true, supervise: true });
  let orm: MikroORM | undefined;
  let runner: JobRunner | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: stopping the job worker`);
    let code = 0;
    try {
      await runner?.stop();
      await orm?.close();
    } catch (err) {
      logger.error({ err }, 'worker stop');
      code = 1;
    }
    await db.release().catch((e) => logger.warn({ err: e }, 'database stop'));
    logger.info('job worker stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  try {
    orm = await initOrm({ url: db.url, poolMax: 4, onQuery: config.logSql ? (q) => logger.info(q) : undefined });
    if (stopping) return;
    runner = new JobRunner(orm, { url: db.url, clock: systemClock, settings: { campaign: config.campaign, backup: config.backup } });
    await runner.start();
  } catch (err) {
    await orm?.close().catch(() => undefined);
    await db.release().catch(() => undefined);
    throw err;
  }
  logger.info('job worker running (Ctrl-C stops it)');
}

main().catch((err) => {
  if (err instanceof ConfigError || err instanceof EmbeddedStartError) console.error(err.message);
  else console.error('Job worker failed to start:', err);
  process.exit(1);
});
