import type { EntityManager } from '@mikro-orm/postgresql';
import type { Knex } from 'knex';
import { Client, type PoolClient } from 'pg';

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

/**
 * What a request puts between its statements and the pool (the fair share of src/domain/limits): a
 * place to take before each statement, and the time by which every statement must have ended.
 */
export interface StatementGate {
  /** Waits for the right to run one statement; rejects (with the deadline's error) when time is up. */
  acquire(): (() => void) | Promise<() => void>;
  /** Date.now() by which a running statement is cancelled; undefined: none. */
  readonly deadline?: number;
  /** The error a statement stopped by the deadline ends with. */
  expired(): Error;
}

const gates = new WeakMap<EntityManager, StatementGate>();

/** Runs the statements `query` makes through this EntityManager behind the gate (outside transactions). */
export function bindStatementGate(em: EntityManager, gate: StatementGate): void {
  gates.set(em, gate);
}

// PostgreSQL's query_canceled: a cancel request, or statement_timeout.
const QUERY_CANCELED = '57014';

/**
 * Asks the server to cancel what a connection is running, over a connection of its own (PostgreSQL's
 * cancel request needs no free place in the pool, and no password: the backend's secret key).
 */
function cancelRunning(conn: PoolClient): void {
  const running = conn as PoolClient & { activeQuery?: unknown; connectionParameters?: unknown };
  if (!running.activeQuery) return;
  const canceller = new Client(running.connectionParameters as never) as Client & { cancel(target: PoolClient, query: unknown): void };
  canceller.cancel(conn, running.activeQuery);
}

/** Runs one statement and returns its rows. */
export async function query<T = Record<string, unknown>>(em: EntityManager, sql: string, params: readonly unknown[] = []): Promise<T[]> {
  const text = numberPlaceholders(sql);
  const connection = em.getConnection() as unknown as LoggingConnection;
  const transaction = em.getTransactionContext<Knex.Transaction>();
  const knex: Knex = transaction ?? connection.getKnex();
  // A transaction holds its connection already: only a statement that takes one from the pool waits.
  const gate = transaction ? undefined : gates.get(em);
  const permit = gate ? await gate.acquire() : undefined;
  try {
    return await connection.executeQuery(
      text,
      async () => {
        // A transaction's client hands out the transaction's own connection and keeps it on release.
        const conn = (await knex.client.acquireConnection()) as PoolClient;
        let timer: NodeJS.Timeout | undefined;
        let cancelled = false;
        try {
          if (gate?.deadline !== undefined) {
            const left = gate.deadline - Date.now();
            if (left <= 0) throw gate.expired();
            timer = setTimeout(() => {
              cancelled = true;
              cancelRunning(conn);
            }, left);
          }
          return (await conn.query({ text, values: params as unknown[] })).rows as T[];
        } catch (err) {
          if (cancelled && (err as { code?: string }).code === QUERY_CANCELED) throw gate!.expired();
          throw err;
        } finally {
          clearTimeout(timer);
          // The cancel may still be on its way when the statement ends by itself: the connection is
          // not handed to another request (knex's pool drops a connection marked disposed).
          if (cancelled) (conn as PoolClient & { __knex__disposed?: string }).__knex__disposed = 'cancelled at the request deadline';
          await knex.client.releaseConnection(conn);
        }
      },
      { query: text, params },
    );
  } finally {
    permit?.();
  }
}
