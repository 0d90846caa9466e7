/*
 * Bulk loads (the full-scale seed, a restore) build secondary indexes once at the end instead of
 * maintaining them row by row: on a million cases the trigram search indexes alone cost minutes
 * per load when kept up to date.
 */

/** What both a pg Client and a pooled driver connection offer. */
export interface SqlClient {
  query<R extends object = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

export interface DeferredIndex {
  table: string;
  name: string;
  /** CREATE INDEX statement. */
  create: string;
  /** The unique constraint the index backs, re-attached once it is built. */
  unique: boolean;
  /** A trigram (GIN) index: costs several btrees to build. */
  gin: boolean;
}

/**
 * Drops the indexes of the tables that no constraint needs during the load (plain ones and
 * non-deferrable unique constraints; primary keys and what a foreign key uses stay) and answers how
 * to build them again.
 */
export async function dropIndexesForLoad(client: SqlClient, tables: string[]): Promise<DeferredIndex[]> {
  const { rows } = await client.query<DeferredIndex>(
    `select t.relname as "table", i.relname as name, pg_get_indexdef(x.indexrelid) as "create",
            c.oid is not null as "unique", am.amname = 'gin' as gin
     from pg_index x
     join pg_class i on i.oid = x.indexrelid
     join pg_class t on t.oid = x.indrelid
     join pg_am am on am.oid = i.relam
     left join pg_constraint c on c.conindid = x.indexrelid and c.conrelid = x.indrelid and c.contype = 'u' and not c.condeferrable
     where t.relnamespace = current_schema()::regnamespace and t.relname = any($1::text[])
       and not x.indisprimary
       and (c.oid is not null or not exists (select 1 from pg_constraint k where k.conindid = x.indexrelid))
       and not exists (select 1 from pg_constraint f where f.contype = 'f' and f.conindid = x.indexrelid)`,
    [tables],
  );
  for (const r of rows) {
    await client.query(r.unique ? `alter table "${r.table}" drop constraint "${r.name}"` : `drop index "${r.name}"`);
  }
  return rows;
}

/**
 * Builds the deferred indexes, largest first, each client building one at a time (several clients:
 * several at once), then re-attaches the unique constraints.
 */
export async function rebuildIndexes(clients: SqlClient[], defs: DeferredIndex[], built: (name: string, ms: number) => void = () => undefined): Promise<void> {
  // Largest first: the table's size on disk now, a trigram index counted as several btrees.
  const { rows } = await clients[0].query<{ name: string; bytes: number }>(
    'select relname as name, pg_relation_size(oid)::float8 as bytes from pg_class where relnamespace = current_schema()::regnamespace and relname = any($1::text[])',
    [[...new Set(defs.map((d) => d.table))]],
  );
  const size = new Map(rows.map((r) => [r.name, r.bytes]));
  const weight = (d: DeferredIndex) => (size.get(d.table) ?? 0) * (d.gin ? 8 : 1);
  const queue = [...defs].sort((a, b) => weight(b) - weight(a));
  const worker = async (client: SqlClient) => {
    // Sorts and gram lists in memory instead of temporary files; the server may add parallel workers
    // to a large build, so the longest one does not hold up the end alone.
    await client.query(`set maintenance_work_mem = '512MB'`);
    try {
      for (let d = queue.shift(); d; d = queue.shift()) {
        const t = Date.now();
        await client.query(d.create);
        built(d.name, Date.now() - t);
      }
    } finally {
      await client.query('reset maintenance_work_mem').catch(() => undefined);
    }
  };
  await Promise.all(clients.map(worker));
  for (const d of defs.filter((x) => x.unique)) {
    await clients[0].query(`alter table "${d.table}" add constraint "${d.name}" unique using index "${d.name}"`);
  }
}
