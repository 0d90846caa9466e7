import 'reflect-metadata';
import type { MikroORM } from '@mikro-orm/postgresql';
import { ConfigError, loadConfig, type Config } from '../config';
import { openServer } from '../embedded/embedded';
import { initOrm } from '../db/orm';
import { DomainError } from '../domain/errors';

/** Thrown for a wrong command line; printed with the usage text, exit code 2. */
export class UsageError extends Error {}

/**
 * Runs a CLI command against the same database as `npm start` (DATABASE_URL, or the embedded
 * server in DATA_DIR, attached to when it already runs), then lets go of it.
 */
export async function withDatabase(usage: string, fn: (orm: MikroORM, config: Config) => Promise<void>): Promise<void> {
  let release: (() => Promise<void>) | undefined;
  let orm: MikroORM | undefined;
  let code = 0;
  try {
    const config = loadConfig();
    const db = await openServer(config);
    release = db.release;
    orm = await initOrm({ url: db.url, poolMax: 4 });
    await fn(orm, config);
  } catch (err) {
    code = 1;
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${usage}`);
      code = 2;
    } else if (err instanceof DomainError || err instanceof ConfigError) console.error(`Error: ${err.message}`);
    else console.error('Unexpected error:', err);
  } finally {
    await orm?.close().catch(() => undefined);
    await release?.().catch(() => undefined);
  }
  process.exit(code || (process.exitCode as number | undefined) || 0);
}
