import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { MikroORM } from '@mikro-orm/postgresql';
import express, { type Express } from 'express';
import type { Config } from './config';
import { systemClock, type Clock } from './domain/access/actor';
import { authenticate, tokenKey } from './domain/access/auth.service';
import { ActorCache } from './domain/access/actor-cache';
import { listen } from './db/listen';
import { DomainError, unauthenticated } from './domain/errors';
import { createLoaders, type GraphQLContext } from './graphql/context';
import { formatError, internalError, refusedRequest } from './graphql/errors';
import { limitOptions } from './graphql/limits';
import { regionCounter } from './graphql/region-counter';
import { FairShare } from './domain/limits/fair-share';
import { addressKey } from './domain/limits/address';
import { UploadBudget } from './domain/limits/upload-budget';
import { bindStatementGate } from './db/sql';
import { admitToServer } from './web/admission';
import { requestIdPlugin, requestScope } from './graphql/request-scope';
import { getSchema } from './graphql/schema';
import { healthRouter } from './web/health.route';
import type { ChannelStatus } from './domain/push/delivery';
import { photoRouter } from './web/photo.route';
import { metricsRouter, ServerMetrics } from './web/metrics';
import { ledgerRouter } from './web/ledger.route';
import { letterRouter } from './web/letter.route';
import { chatPageRouter, dashboardRouter, explorerRouter, faviconRouter, workbenchRouter } from './web/dashboard.route';
import { securityHeaders } from './web/headers';
import { ConversationEngine } from '../bot/engine';
import { webChatRouter } from '../bot/web.adapter';
import { pushRenderer } from '../bot/push';
import { logger } from './logger';

export interface App {
  express: Express;
  apollo: ApolloServer<GraphQLContext>;
  /** The chat engine, shared by the web chat and the WeChat adapter. */
  chat: ConversationEngine;
  /** Set when the process is shutting down: /readyz answers 503 so balancers send nothing new. */
  lifecycle: { draining: boolean };
  /** Chat channels whose state /healthz and /readyz report (server.ts adds WeChat's when configured). */
  channels: Array<() => ChannelStatus>;
  stop(): Promise<void>;
}

/** Composition root of the HTTP side: health, GraphQL; later the dashboard and web chat. */
export async function createApp(orm: MikroORM, config: Config, clock: Clock = systemClock): Promise<App> {
  const limits = limitOptions({ ...config.graphql, heavyCost: config.fairShare.heavyCost }, config.env === 'production', regionCounter());
  const fairShare = new FairShare(config.fairShare);
  const tokenSecret = tokenKey(config.jwtSecret);
  const actors = new ActorCache(config.officerCacheMs);
  const officerChanges =
    config.officerCacheMs > 0
      ? listen(
          orm.config.get('clientUrl')!,
          'sanling_officer',
          (payload) => actors.invalidate(payload === '*' ? '*' : Number(payload)),
          (listening) => actors.setListening(listening),
        )
      : undefined;
  const metrics = new ServerMetrics(orm);
  const apollo = new ApolloServer<GraphQLContext>({
    schema: await getSchema(),
    formatError: formatError(config.dbStatementTimeoutMs),
    includeStacktraceInErrorResponses: false,
    introspection: config.introspection,
    hideSchemaDetailsFromClientErrors: config.env === 'production',
    // Queries may come by GET, as urql and Apollo Client send them by default. CSRF needs an identity
    // the browser attaches by itself (a cookie); here it travels only in the Authorization header,
    // which a cross-site page cannot set, so a forged GET carries none. Mutations by GET stay refused.
    csrfPrevention: false,
    // Oversized requests (depth, aliases, tokens, cost) are refused before anything runs.
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    // The composition root owns shutdown order (HTTP, Apollo, ORM, database).
    stopOnTerminationSignals: false,
    // No cache hints are set anywhere: the cache-control plugin would only cost time per request.
    // Apollo's own landing page loads from a CDN; browsers get the local explorer (explorerRouter) instead.
    plugins: [...limits.plugins, requestIdPlugin, metrics.graphqlPlugin(), ApolloServerPluginCacheControlDisabled(), ApolloServerPluginLandingPageDisabled()],
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  // GraphQL answers are not cached by validators: hashing every body for an ETag is wasted work.
  app.set('etag', false);
  // X-Forwarded-For counts only from the reverse proxies named in TRUST_PROXY: otherwise any client
  // could name itself a fresh address for every per-address limit.
  app.set('trust proxy', config.trustProxy.length ? [...config.trustProxy] : false);
  app.use(metrics.httpMiddleware());
  // Every request gets an id and one log line.
  app.use(requestScope());
  app.use(securityHeaders());
  const lifecycle = { draining: false };
  // While draining, every answer closes its connection: no client sends another request on it.
  app.use((_req, res, next) => {
    if (lifecycle.draining) res.set('Connection', 'close');
    next();
  });
  const channels: Array<() => ChannelStatus> = [];
  app.use(healthRouter(orm, fairShare, lifecycle, () => channels.map((status) => status())));
  // For the Prometheus scrape, behind its own token; outside the fair share, like the health checks.
  app.use(metricsRouter(metrics, config.metricsToken));
  // The command-centre page at /, and GraphiQL for browsers at GET /graphql (before Apollo).
  app.use(dashboardRouter());
  app.use(workbenchRouter());
  app.use(faviconRouter());
  app.use(explorerRouter({ introspection: config.introspection }));
  const chat = new ConversationEngine({
    orm,
    clock,
    uploadsDir: config.uploadDir,
    maxPhotoBytes: config.uploadMaxBytes,
    ratePerMinute: config.chatRatePerMinute,
    uploadQuotaPerContactBytes: config.uploadQuotaPerContactBytes,
    uploadQuotaTotalBytes: config.uploadQuotaTotalBytes,
    uploadMinFreeBytes: config.uploadMinFreeBytes,
    newContactsPerHour: config.chatNewContactsPerHourPerIp,
    meter: metrics.chatMeter(),
  });
  const renderPush = pushRenderer(chat.messages);
  if (config.webChatEnabled) app.use(chatPageRouter());
  // Everything below needs the database: admitted to the server's share first.
  app.use(admitToServer(fairShare, chat.messages.busy()));
  // Photo bodies arriving at once, from the web chat and the workbench together.
  const budget = new UploadBudget({ perAddress: 1, totalBytes: config.uploadInFlightBytes });
  // Case photos for officers (read and add), by bearer token like GraphQL.
  app.use(
    photoRouter(orm, {
      uploadDir: config.uploadDir,
      jwtSecret: tokenSecret,
      actors,
      upload: { clock, maxBytes: chat.maxPhotoBytes, budget, minBytesPerSecond: config.uploadMinBytesPerSecond },
    }),
  );
  app.use(ledgerRouter(orm, { jwtSecret: tokenSecret, actors, clock, maxRunning: config.ledger.exports, minBytesPerSecond: config.ledger.minBytesPerSecond }));
  app.use(letterRouter(orm, { jwtSecret: tokenSecret, actors }));
  // Photos of crashed requests and of dialogs that ended without a report: at start, then every 15 minutes.
  // (Test apps share the developer's uploads directory with throw-away databases: their tests sweep explicitly.)
  if (config.env !== 'test') chat.startSweeper(15 * 60_000);
  if (config.webChatEnabled) {
    app.use(webChatRouter(chat, orm, clock, { budget, minBytesPerSecond: config.uploadMinBytesPerSecond }));
  }
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const requestId = String(res.locals.requestId);
        // One EntityManager fork per request: its identity map dies with the request.
        const em = orm.em.fork();
        const limit = { deadline: Date.now() + config.graphql.timeoutMs, timeoutMs: config.graphql.timeoutMs };
        const ctx: GraphQLContext = {
          em,
          actor: null,
          lane: undefined,
          loaders: createLoaders(em, () => ctx.actor, undefined, limit),
          services: {
            tokens: {
              secret: tokenSecret,
              ttlHours: config.tokenTtlHours,
              limits: config.loginLimits,
              refuseDemoPassword: config.env === 'production',
              actors,
            },
            clock,
            campaign: config.campaign,
            renderPush,
          },
          clientIp: req.ip ?? req.socket.remoteAddress ?? 'unknown',
          requestId,
          requestRecord: res.locals.requestRecord,
          ...limit,
        };
        const header = req.headers.authorization;
        if (header) {
          const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
          try {
            if (!match) throw unauthenticated('Authorization header must be "Bearer <token>"');
            ctx.actor = await authenticate(em, tokenSecret, match[1], actors);
          } catch (err) {
            if (!(err instanceof DomainError)) {
              // Apollo would answer this itself, with the cause (e.g. the database's address) in the message.
              logger.error({ req: requestId, err }, 'creating the GraphQL context failed');
              throw internalError(requestId);
            }
            ctx.authError = err;
          }
        }
        // The caller's share: a few requests at once (more wait, then RATE_LIMITED), a few statements at once.
        const client = ctx.actor ? `officer:${ctx.actor.id}` : addressKey(ctx.clientIp);
        try {
          res.once('close', await fairShare.admitClient(client));
        } catch (err) {
          if (err instanceof DomainError && err.code === 'RATE_LIMITED') throw refusedRequest(err);
          throw err;
        }
        ctx.lane = fairShare.lane(client, limit.deadline, limit.timeoutMs);
        bindStatementGate(em, ctx.lane);
        return ctx;
      },
    }),
  );
  // Errors outside GraphQL (bad JSON, a database outage): JSON, no stack.
  app.use((err: Error & { status?: number; type?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = err.status && err.status < 500 ? err.status : 500;
    const requestId = res.locals.requestId as string | undefined;
    if (status === 500) logger.error({ req: requestId, err }, 'unexpected error in an HTTP request');
    res.status(status).json({
      error: status === 500 ? 'Internal server error' : err.type === 'entity.parse.failed' ? 'The body is not valid JSON' : err.message,
      ...(status === 500 ? { requestId } : {}),
    });
  });
  return {
    express: app,
    apollo,
    chat,
    lifecycle,
    channels,
    stop: async () => {
      chat.stopSweeper();
      await officerChanges?.close();
      await apollo.stop();
    },
  };
}
