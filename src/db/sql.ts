import type { EntityManager } from '@mikro-orm/postgresql';
import type { Knex } from 'knex';
import type { PoolClient } from 'pg';

/*
 * The read side's way to the database: `?` placeholders become `$1…` once per distinct statement and
 * the values travel as bind parameters on a connection of MikroORM's own pool (or of the transaction
 * the EntityManager is in). em.execute would instead inline every value into the text through the
 * query builder, which on a page of 20 cases cost more CPU than reading the rows. Statements are
 * logged like MikroORM's own (LOG_SQL, and the tests' statement counts).
 *
 * A JS array is one parameter (a PostgreSQL array): write `col = any(?)`, never `in (?)`.
 */

const numbered = new Map<string, string>();

/** `?` outside quoted text and `--` comments → `$n`. */
export function numberPlaceholders(sql: string): string {
  let text = numbered.get(sql);
  if (text === undefined) {
    let n = 0;
    let quoted = false;
    let comment = false;
    text = '';
    for (let i = 0; i < sql.length; i++) {
      const ch = sql[i];
      if (comment) comment = ch !== '\n';
      else if (ch === "'") quoted = !quoted;
      else if (!quoted && ch === '-' && sql[i + 1] === '-') comment = true;
      text += ch === '?' && !quoted && !comment ? `$${++n}` : ch;
    }
    // Statements are a fixed set built from code; the guard only keeps a mistake from growing the map.
    if (numbered.size < 5000) numbered.set(sql, text);
  }
  return text;
}

interface LoggingConnection {
  executeQuery<T>(query: string, cb: () => Promise<T>, context?: { query: string; params: readonly unknown[] }): Promise<T>;
  getKnex(): Knex;
}

/** Runs one statement and returns its rows. */
export async function query<T = Record<string, unknown>>(em: EntityManager, sql: string, params: readonly unknown[] = []): Promise<T[]> {
  const text = numberPlaceholders(sql);
  const connection = em.getConnection() as unknown as LoggingConnection;
  const knex: Knex = em.getTransactionContext<Knex.Transaction>() ?? connection.getKnex();
  return connection.executeQuery(
    text,
    async () => {
      // A transaction's client hands out the transaction's own connection and keeps it on release.
      const conn = (await knex.client.acquireConnection()) as PoolClient;
      try {
        return (await conn.query({ text, values: params as unknown[] })).rows as T[];
      } finally {
        await knex.client.releaseConnection(conn);
      }
    },
    { query: text, params },
  );
}
