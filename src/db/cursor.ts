import type { EntityManager } from '@mikro-orm/postgresql';
import type { Knex } from 'knex';
import type { PoolClient } from 'pg';

/*
 * Reading a result too large to hold: a server-side cursor (DECLARE … FETCH) in a read-only
 * transaction on a connection of MikroORM's pool, as src/db/sql.ts takes one for a single
 * statement. The connection is the caller's until close, so callers hold it only while a client
 * is being served and give it back on every path.
 */

interface LoggingConnection {
  executeQuery<T>(query: string, cb: () => Promise<T>, context?: { query: string; params: readonly unknown[] }): Promise<T>;
  getKnex(): Knex;
}

export interface Cursor<T> {
  /** The next rows, at most `batch`; fewer means the end. */
  read(): Promise<T[]>;
  /** Ends the transaction (which closes the cursor) and gives the connection back; safe twice. */
  close(): Promise<void>;
}

/**
 * Opens a cursor `name` (it shows in the statement log) over one statement (`$n` placeholders).
 * `setup` statements (e.g. `set local …`) run in the transaction first. Each read asks for the batch after it at once, so the database
 * works on the next rows while the caller writes these: two batches at most in memory.
 */
export async function openCursor<T>(
  em: EntityManager,
  sql: string,
  params: readonly unknown[],
  opts: { name: string; batch: number; setup?: readonly string[] },
): Promise<Cursor<T>> {
  if (!/^[a-z_]+$/.test(opts.name) || !Number.isInteger(opts.batch) || opts.batch < 1) throw new Error('a cursor needs a plain name and a positive batch size');
  const connection = em.getConnection() as unknown as LoggingConnection;
  const knex = connection.getKnex();
  const conn = (await knex.client.acquireConnection()) as PoolClient;
  // Logged like every other statement (LOG_SQL, the tests' query log).
  const run = (text: string, values: readonly unknown[] = []) =>
    connection.executeQuery(text, async () => (await conn.query({ text, values: values as unknown[] })).rows as T[], { query: text, params: values });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    // Queued behind a read-ahead still running. A connection that fails here is marked broken by
    // the driver and dropped by the pool.
    await conn.query('rollback').catch(() => undefined);
    await knex.client.releaseConnection(conn);
  };
  try {
    await run('begin read only');
    for (const statement of opts.setup ?? []) await run(statement);
    await run(`declare ${opts.name} no scroll cursor for ${sql}`, params);
  } catch (err) {
    await close();
    throw err;
  }
  const fetch = () => run(`fetch ${opts.batch} from ${opts.name}`);
  let ahead: Promise<T[]> | undefined;
  return {
    read: async () => {
      const rows = await (ahead ?? fetch());
      ahead = rows.length === opts.batch && !closed ? fetch() : undefined;
      // Awaited by the next read; if nobody reads it (the client left), its failure is of no interest.
      ahead?.catch(() => undefined);
      return rows;
    },
    close,
  };
}
