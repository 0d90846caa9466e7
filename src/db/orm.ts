import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { ReflectMetadataProvider } from '@mikro-orm/core';
import { ENTITIES } from '../entities';
import { afterMigrations, MIGRATIONS } from '../../migrations';
import { logger } from '../logger';

export interface OrmOptions {
  url: string;
  poolMax?: number;
  /** Called with every SQL statement (tests count them; LOG_SQL prints them). */
  onQuery?: (sql: string) => void;
  /** PostgreSQL statement_timeout of every connection, in ms; the server sets it so a runaway query ends, the CLI's long batches do not. */
  statementTimeoutMs?: number;
}

/** Longest wait for a pooled connection. */
export const POOL_WAIT_MS = 10_000;

/** MikroORM options shared by the server, the CLI and the tests. */
export function ormOptions(opts: OrmOptions): Options {
  return {
    clientUrl: opts.url,
    entities: ENTITIES,
    metadataProvider: ReflectMetadataProvider,
    extensions: [Migrator],
    pool: { min: 0, max: opts.poolMax ?? 10 },
    driverOptions: {
      // A request that cannot get a connection in this time is told the server is busy (knex's default waits a minute).
      acquireConnectionTimeout: POOL_WAIT_MS,
      ...(opts.statementTimeoutMs ? { connection: { statement_timeout: opts.statementTimeoutMs } } : {}),
    },
    migrations: {
      tableName: 'mikro_orm_migrations',
      path: 'migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      emit: 'ts',
      migrationsList: MIGRATIONS,
    },
    debug: opts.onQuery ? ['query'] : false,
    logger: (message: string) => {
      if (opts.onQuery) opts.onQuery(message);
    },
    // Entities are plain data here; never let a request reach into the global identity map.
    allowGlobalContext: false,
    forceUtcTimezone: true,
    ignoreUndefinedInQuery: true,
    discovery: { warnWhenNoEntities: true },
    colors: false,
  };
}

/** Connects and applies pending migrations (without the statement timeout: an index build on a big table may take minutes). */
export async function initOrm(opts: OrmOptions): Promise<MikroORM> {
  const migrating = await MikroORM.init(ormOptions({ ...opts, statementTimeoutMs: undefined }));
  try {
    const applied = await migrating.getMigrator().up();
    if (applied.length) logger.info(`applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}`);
    const refreshed = await migrating.em.fork().transactional((tx) => afterMigrations((sql, params) => tx.execute(sql, (params ?? []) as never[])));
    if (refreshed.length) logger.info(`applied ${refreshed.join(', ')}`);
  } catch (err) {
    await migrating.close(true);
    throw err;
  }
  if (!opts.statementTimeoutMs) return migrating;
  await migrating.close(true);
  return MikroORM.init(ormOptions(opts));
}
