import type { EntityManager } from '@mikro-orm/postgresql';
import { toPgArray } from '../domain/unit-import';

export interface BulkColumn {
  name: string;
  /** PostgreSQL type of the column, e.g. int, text, timestamptz, jsonb. */
  type: string;
}

/**
 * Inserts many rows in one statement: each column travels as one array parameter and
 * `unnest` turns them back into rows (far fewer round trips than row-by-row inserts).
 */
export async function bulkInsert(em: EntityManager, table: string, columns: BulkColumn[], rows: unknown[][]): Promise<void> {
  if (!rows.length) return;
  const params = columns.map((_, i) =>
    toPgArray(
      rows.map((r) => {
        const v = r[i];
        if (v === null || v === undefined) return null;
        if (v instanceof Date) return v.toISOString();
        if (typeof v === 'object') return JSON.stringify(v);
        return v as string | number;
      }),
    ),
  );
  // json travels as text: unnest of jsonb[] literals would need double escaping.
  const arrays = columns.map((c) => `?::${c.type === 'jsonb' ? 'text' : c.type}[]`).join(', ');
  const selects = columns.map((c, i) => (c.type === 'jsonb' ? `c${i}::jsonb` : `c${i}`)).join(', ');
  const aliases = columns.map((_, i) => `c${i}`).join(', ');
  await em.execute(
      `insert into ${table} (${columns.map((c) => `"${c.name}"`).join(', ')}) select ${selects} from unnest(${arrays}) as t(${aliases})`,
      params,
    );
}
