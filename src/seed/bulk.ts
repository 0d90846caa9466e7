import { once } from 'node:events';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Client } from 'pg';
import { from as copyFrom, type CopyStreamQuery } from 'pg-copy-streams';

export interface BulkColumn {
  name: string;
  /** PostgreSQL type of the column, e.g. int, text, timestamptz, jsonb. */
  type: string;
}

const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One value in COPY's text format: \N for null, backslash escapes for the delimiter, newlines and backslash. */
function copyValue(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'number') return String(v);
  const s = v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return SPECIAL.test(s) ? s.replace(SPECIAL_ALL, (c) => ESCAPES[c]) : s;
}

/** A row as one line of COPY text input (tab-separated, newline-terminated). */
export function copyLine(row: readonly unknown[]): string {
  let line = copyValue(row[0]);
  for (let i = 1; i < row.length; i++) line += `\t${copyValue(row[i])}`;
  return `${line}\n`;
}

function copyStatement(table: string, columns: readonly BulkColumn[]): string {
  return `copy ${table} (${columns.map((c) => `"${c.name}"`).join(', ')}) from stdin`;
}

/**
 * A running `COPY … FROM STDIN` on a connection: rows go in as text lines with backpressure
 * (the caller awaits `write` only when the server is behind), `end` waits until the server took them all.
 */
export class CopyIn {
  private readonly stream: CopyStreamQuery;
  private readonly done: Promise<void>;
  private failure: Error | undefined;

  constructor(client: Client, table: string, columns: readonly BulkColumn[]) {
    this.stream = client.query(copyFrom(copyStatement(table, columns)));
    this.done = new Promise((resolve, reject) => {
      this.stream.on('finish', resolve);
      this.stream.on('error', (err) => {
        this.failure = err;
        reject(err);
      });
    });
    // Seen by end(); without this an early server error would be an unhandled rejection.
    this.done.catch(() => undefined);
  }

  /** Sends a block of lines; resolves at once unless the connection's buffer is full. */
  async write(lines: string): Promise<void> {
    if (this.failure) throw this.failure;
    if (!lines || this.stream.write(lines)) return;
    await Promise.race([once(this.stream, 'drain'), this.done]);
    if (this.failure) throw this.failure;
  }

  async end(): Promise<number> {
    this.stream.end();
    await this.done;
    return this.stream.rowCount;
  }

  /** Aborts the COPY (the server rolls it back) and waits until the connection is free again. */
  async abort(err: Error): Promise<void> {
    if (!this.stream.destroyed) this.stream.destroy(err);
    await this.done.catch(() => undefined);
  }
}

/** Copies a block of COPY text lines into a table on the connection, in one COPY. */
export async function copyLines(client: Client, table: string, columns: readonly BulkColumn[], lines: string): Promise<void> {
  if (!lines) return;
  const copy = new CopyIn(client, table, columns);
  try {
    await copy.write(lines);
    await copy.end();
  } catch (err) {
    await copy.abort(err as Error);
    throw err;
  }
}

/** Copies rows already in memory into a table on the connection. */
export async function copyRows(client: Client, table: string, columns: readonly BulkColumn[], rows: readonly (readonly unknown[])[]): Promise<void> {
  await copyLines(client, table, columns, rows.map(copyLine).join(''));
}

/** A raw driver connection and how to give it back. */
export interface Connection {
  client: Client;
  release(): Promise<void>;
}

/**
 * The raw driver connection behind the entity manager: its transaction's connection inside a
 * transaction (so the rows belong to it), else one of its own from the pool.
 */
export async function acquireConnection(em: EntityManager): Promise<Connection> {
  const trx = em.getTransactionContext<{ client: KnexClient }>();
  const pool = trx ? trx.client : (em.getConnection().getKnex().client as KnexClient);
  const client = await pool.acquireConnection();
  return { client, release: async () => void (await pool.releaseConnection(client)) };
}

/** The part of knex's client that hands out driver connections. */
interface KnexClient {
  acquireConnection(): Promise<Client>;
  releaseConnection(conn: Client): Promise<unknown>;
}
