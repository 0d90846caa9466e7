import 'reflect-metadata';
import type { MikroORM } from '@mikro-orm/postgresql';
import { ConfigError, loadConfig, type Config } from '../config';
import { EmbeddedStartError, openServer } from '../embedded/embedded';
import { nameProcess } from '../logger';
import { initOrm } from '../db/orm';
import { DomainError } from '../domain/errors';
import { BackupError } from '../db/backup';

/** Thrown for a wrong command line; printed with the usage text, exit code 2. */
export class UsageError extends Error {}

/**
 * Runs a CLI command against the same database as `npm start` (DATABASE_URL, or the embedded
 * server in DATA_DIR, attached to when it already runs), then lets go of it.
 */
export function withDatabase(usage: string, fn: (orm: MikroORM, config: Config) => Promise<void>): Promise<void> {
  return withServer(usage, async (url, config) => {
    const orm = await initOrm({ url, poolMax: 4 });
    try {
      await fn(orm, config);
    } finally {
      await orm.close().catch(() => undefined);
    }
  });
}

/** The same for a command that handles the schema itself (restore): the server's URL, nothing migrated. */
export async function withServer(usage: string, fn: (url: string, config: Config) => Promise<void>): Promise<void> {
  let release: (() => Promise<void>) | undefined;
  let code = 0;
  try {
    nameProcess('cli');
    const config = loadConfig();
    const db = await openServer(config);
    release = db.release;
    await fn(db.url, config);
  } catch (err) {
    code = 1;
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${usage}`);
      code = 2;
    } else if (err instanceof DomainError || err instanceof ConfigError || err instanceof BackupError || err instanceof EmbeddedStartError)
      console.error(`Error: ${err.message}`);
    else console.error('Unexpected error:', err);
  } finally {
    await release?.().catch(() => undefined);
  }
  process.exit(code || (process.exitCode as number | undefined) || 0);
}
