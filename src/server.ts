import 'reflect-metadata';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { loadDemoDataIfEmpty } from './seed/demo';
import { EmbeddedStartError, openServer } from './embedded/embedded';
import { initOrm } from './db/orm';
import { logger, nameProcess } from './logger';
import { systemClock } from './domain/access/actor';
import { WechatyAdapter } from '../bot/wechaty.adapter';
import { pushRenderer } from '../bot/push';
import { Dispatcher } from './jobs/dispatcher';
import { JobRunner } from './jobs/runner';

/** `npm start`: database (embedded unless DATABASE_URL), migrations, demo data, HTTP. */
let releaseDb: (() => Promise<void>) | undefined;

async function main(): Promise<void> {
  nameProcess('api');
  const config = loadConfig();
  if (config.jwtSecretGenerated) {
    logger.warn('JWT_SECRET is not set: using a random secret for this run (tokens end with the process). Set it in .env to keep sessions.');
  }
  // Listening from the start: while the database starts and migrations run, /healthz answers 200 (the
  // process lives: a supervisor must not kill a long migration) and /readyz, like everything else,
  // 503, so a balancer sends nothing yet.
  let handler: RequestListener = whileStarting;
  const server = createServer((req, res) => handler(req, res));
  // A client must send its headers, and its whole request, within these (slow senders hold sockets and memory).
  server.headersTimeout = config.httpTimeouts.headersMs;
  server.requestTimeout = config.httpTimeouts.requestMs;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  logger.info(`starting: health checks answer on port ${(server.address() as AddressInfo).port} (/readyz 503 until ready)`);
  const db = await openServer(config, { ownSignals: true, supervise: true });
  releaseDb = db.release;
  // Until the server is up, a signal just stops the database we may have started.
  const early = () => void db.release().finally(() => process.exit(130));
  process.once('SIGINT', early).once('SIGTERM', early);
  const orm = await initOrm({
    url: db.url,
    poolMax: config.dbPoolMax,
    statementTimeoutMs: config.dbStatementTimeoutMs,
    onQuery: config.logSql ? (q) => logger.info(q) : undefined,
  });
  if (config.demoData) await loadDemoDataIfEmpty(orm.em.fork());
  const app = await createApp(orm, config);
  // Scheduled jobs run here unless JOBS=off (then `npm run worker` runs them as a process of their own).
  let jobs: JobRunner | undefined;
  if (config.jobs) {
    jobs = new JobRunner(orm, { url: db.url, clock: systemClock, settings: { campaign: config.campaign, backup: config.backup } });
    await jobs.start();
  } else logger.info('scheduled jobs are off in this process (JOBS=off)');
  // WeChat only when configured: without a puppet wechaty would fall back to one that retries forever offline.
  let wechat: WechatyAdapter | undefined;
  if (config.wechaty) {
    wechat = new WechatyAdapter({
      engine: app.chat,
      orm,
      clock: systemClock,
      name: config.wechaty.name,
      puppet: config.wechaty.puppet,
      puppetOptions: config.wechaty.puppetOptions,
    });
    app.channels.push(wechat.status.bind(wechat));
    // Returns once the first attempt is under way or failed: an unreachable WeChat is retried in the background, backing off.
    await wechat.start();
    logger.info(`WeChat adapter started with ${config.wechaty.puppet} (channel ${wechat.status().state})`);
  }
  // Pushes leave through the channels this process holds (the web chat hands its own over when polled).
  const dispatcher = wechat
    ? new Dispatcher({ orm, channels: [wechat.channel], render: pushRenderer(app.chat.messages), clock: systemClock, intervalMs: 3000 })
    : undefined;
  dispatcher?.start();
  handler = app.express;
  // Handlers go in before the 'listening' line: whoever reads it may signal at once.
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: shutting down`);
    // Stop taking requests (and say so on /readyz), let those in flight finish — bounded by the
    // request deadline and a little more — while a job run in progress finishes too; the database
    // stays until both are done.
    app.lifecycle.draining = true;
    // A moment still listening first: requests already sent but not yet read (a busy process reads
    // its sockets late) are taken, every answer now closes its connection, and balancers see /readyz
    // fail. Closing at once would reset those connections as idle.
    await new Promise((r) => setTimeout(r, DRAIN_DELAY_MS));
    const drained = new Promise<void>((resolve) => server.close(() => resolve()));
    const graceMs = config.graphql.timeoutMs + 5000;
    const cutOff = setTimeout(() => {
      logger.warn(`shutdown: requests still running after ${graceMs} ms are cut off`);
      server.closeAllConnections();
    }, graceMs);
    await Promise.all([drained, jobs?.stop().catch((e) => logger.warn({ err: e }, 'jobs stop'))]);
    clearTimeout(cutOff);
    logger.debug('shutdown: requests in flight finished');
    await dispatcher?.stop().catch((e) => logger.warn({ err: e }, 'dispatcher stop'));
    await wechat?.stop().catch((e) => logger.warn({ err: e }, 'wechat stop'));
    await app.stop().catch((e) => logger.warn({ err: e }, 'apollo stop'));
    logger.debug('shutdown: apollo stopped');
    await orm.close().catch((e) => logger.warn({ err: e }, 'orm close'));
    logger.debug('shutdown: database connections closed');
    await db.release().catch((e) => logger.warn({ err: e }, 'database stop'));
    logger.info('shutdown complete');
    process.exit(0);
  };
  process.removeListener('SIGINT', early).removeListener('SIGTERM', early);
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  const { port } = server.address() as AddressInfo;
  logger.info(`Sanling listening on http://localhost:${port} (GraphQL at /graphql, health at /healthz)`);
}

/** Answers while the process starts: alive, not ready. */
const whileStarting: RequestListener = (req, res) => {
  const path = (req.url ?? '').split('?')[0];
  const live = path === '/healthz';
  res.writeHead(live ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store', ...(live ? {} : { 'retry-after': '5' }) });
  res.end(
    JSON.stringify(
      live
        ? { status: 'starting' }
        : path === '/readyz'
          ? { status: 'not ready', reasons: ['starting'] }
          : { error: 'Sanling is starting: try again in a few seconds' },
    ),
  );
};

/** How long a stopping server keeps listening before it closes, answering with Connection: close. */
const DRAIN_DELAY_MS = 1000;

main().catch(async (err) => {
  await releaseDb?.().catch(() => undefined);
  if (err instanceof ConfigError || err instanceof EmbeddedStartError) console.error(err.message);
  else if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(`Port in use: another process listens on it. Stop it or set PORT. (${(err as Error).message})`);
  } else console.error('Failed to start:', err);
  process.exit(1);
});
