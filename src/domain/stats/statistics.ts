import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { OPEN_STATUSES, RUNNING_STATUSES, sqlStatuses, UNCOUNTED_STATUSES } from '../../entities';
import { projectRoot } from '../../paths';
import { LOCAL_TIME_SQL } from '../time/local-time';
import { ZERO_RULE_SQL } from './zero-rule';

/*
 * The statistics the database keeps (case_stats, open_stats, unit_month_breaks, region_breaks,
 * region_zero_since, unit_counts), defined in one place: statistics.sql beside this file holds every
 * function and trigger in its current form, and the rules it needs are SQL functions generated here
 * from their TypeScript homes (the status sets, the zero rule, Beijing months). The whole is applied
 * after the migrations whenever it changed — like a repeatable migration: the versioned migrations
 * made the tables, this keeps their functions current — and a test checks the live database's
 * definitions equal it. rebuild-stats takes its column lists from KEPT_FIGURES below.
 */

/** The status sets as SQL functions, for SQL not built in code. */
export const STATUS_FUNCTIONS_SQL = `
create or replace function case_is_open(status text) returns boolean language sql immutable parallel safe as $$ select status in ${sqlStatuses(OPEN_STATUSES)} $$;
create or replace function case_is_running(status text) returns boolean language sql immutable parallel safe as $$ select status in ${sqlStatuses(RUNNING_STATUSES)} $$;
create or replace function case_counts(status text) returns boolean language sql immutable parallel safe as $$ select status not in ${sqlStatuses(UNCOUNTED_STATUSES)} $$;
`;

/** Everything applied, in order: the generated rule functions first, then the statistics file. */
export function statisticsSql(): string {
  const file = readFileSync(path.join(projectRoot(), 'src/domain/stats/statistics.sql'), 'utf8');
  return [STATUS_FUNCTIONS_SQL, ZERO_RULE_SQL, LOCAL_TIME_SQL, file].join('\n');
}

/** Runs SQL (several statements, no parameters) or one statement with parameters; answers the rows. */
export type SqlRunner = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

const NAME = 'statistics';
// Two processes starting at once apply it once.
const LOCK = 730_526_112_977;

/**
 * Applies statisticsSql() in one transaction of `run` when its checksum differs from the one the
 * database recorded (sql_definitions); answers whether it did.
 */
export async function applyStatistics(run: SqlRunner): Promise<boolean> {
  const sql = statisticsSql();
  const checksum = createHash('sha256').update(sql).digest('hex');
  await run('select pg_advisory_xact_lock(?)', [LOCK]);
  const [known] = await run('select checksum from sql_definitions where name = ?', [NAME]);
  if (known?.checksum === checksum) return false;
  await run(sql);
  await run(
    `insert into sql_definitions (name, checksum, applied_at) values (?, ?, now())
     on conflict (name) do update set checksum = excluded.checksum, applied_at = excluded.applied_at`,
    [NAME, checksum],
  );
  return true;
}

/** The figures the database keeps (key columns, rows that hold something), recounted and compared by rebuild-stats. */
export const KEPT_FIGURES: Record<string, { key: string; kept: string }> = {
  case_stats: {
    key: 'd.unit_id, d.own, d.month, d.kind',
    kept: 'reported <> 0 or accepted_in_time <> 0 or resolved <> 0 or resolved_in_time <> 0 or went_overdue <> 0 or visited <> 0 or satisfied <> 0 or beyond_unit <> 0 or stock <> 0 or stock_cleared <> 0',
  },
  open_stats: { key: 'd.unit_id, d.own, d.kind, d.priority, d.supervision_level', kept: 'open <> 0' },
  unit_month_breaks: { key: 'd.unit_id, d.month', kept: 'true' },
  region_breaks: { key: 'd.region_id, d.month, d.category', kept: 'broken <> 0' },
  region_zero_since: { key: 'd.region_id, d.zero_since', kept: 'units <> 0' },
};
