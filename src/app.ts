import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { MikroORM } from '@mikro-orm/postgresql';
import express, { type Express } from 'express';
import type { Config } from './config';
import { systemClock, type Clock } from './domain/actor';
import { authenticate } from './domain/auth.service';
import { DomainError, unauthenticated } from './domain/errors';
import { createLoaders, type GraphQLContext } from './graphql/context';
import { formatError } from './graphql/errors';
import { getSchema } from './graphql/schema';
import { healthRouter } from './web/health.route';

export interface App {
  express: Express;
  apollo: ApolloServer<GraphQLContext>;
  stop(): Promise<void>;
}

/** Composition root of the HTTP side: health, GraphQL; later the dashboard and web chat. */
export async function createApp(orm: MikroORM, config: Config, clock: Clock = systemClock): Promise<App> {
  const apollo = new ApolloServer<GraphQLContext>({
    schema: await getSchema(),
    formatError: formatError(config.env === 'development'),
    includeStacktraceInErrorResponses: false,
    introspection: config.introspection,
    // The composition root owns shutdown order (HTTP, Apollo, ORM, database).
    stopOnTerminationSignals: false,
    plugins: config.env === 'production' ? [ApolloServerPluginLandingPageDisabled()] : [],
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(healthRouter(orm));
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        // One EntityManager fork per request: its identity map dies with the request.
        const em = orm.em.fork();
        const ctx: GraphQLContext = {
          em,
          actor: null,
          loaders: createLoaders(em, () => ctx.actor),
          services: { tokens: { secret: config.jwtSecret, ttlHours: config.tokenTtlHours }, clock },
        };
        const header = req.headers.authorization;
        if (header) {
          const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
          try {
            if (!match) throw unauthenticated('Authorization header must be "Bearer <token>"');
            ctx.actor = await authenticate(em, config.jwtSecret, match[1]);
          } catch (err) {
            if (!(err instanceof DomainError)) throw err;
            ctx.authError = err;
          }
        }
        return ctx;
      },
    }),
  );
  return { express: app, apollo, stop: () => apollo.stop() };
}
