import { CaseKind, CaseStatus, OPEN_STATUSES, RUNNING_STATUSES, UNCOUNTED_STATUSES } from '../../src/entities';
import { query } from '../../src/db/sql';
import { applyStatistics, statisticsSql } from '../../src/domain/stats/statistics';
import { BREAK_BY_ESCALATION, BREAK_BY_REPORT, ZERO_RULE_OF_KIND } from '../../src/domain/stats/zero-rule';
import { monthOf } from '../../src/domain/time/local-time';
import { createTestDb, type TestDb } from '../support/db';

/*
 * The statistics' SQL lives in one place (src/domain/stats/statistics.sql and the rule functions
 * generated before it): after all migrations, the database holds exactly those definitions, and the
 * generated functions answer as the TypeScript rules do, for every status and kind.
 */

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(() => db?.drop());

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => query<T>(db.orm.em.fork(), text, params);

/** Every function the applied SQL defines, with its body as written. */
function definedFunctions(): { name: string; body: string }[] {
  const found = [...statisticsSql().matchAll(/create or replace function (\w+)\([^]*?\bas (\$\w*\$)([^]*?)\2/gi)];
  return found.map((m) => ({ name: m[1], body: m[3] }));
}

it('holds, after all migrations, exactly the functions and triggers of the one statistics file', async () => {
  const functions = definedFunctions();
  expect(functions.length).toBeGreaterThan(25);
  expect(functions.map((f) => f.name)).toEqual(
    expect.arrayContaining(['apply_case_changes', 'case_stat_rows', 'case_is_running', 'case_counts', 'stats_break_zero', 'sanling_month']),
  );
  for (const f of functions) {
    const rows = await sql<{ src: string }>(
      'select prosrc as src from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = current_schema() and p.proname = ?',
      [f.name],
    );
    expect([f.name, rows.map((r) => r.src)]).toEqual([f.name, [f.body]]);
  }
  const triggers = [...statisticsSql().matchAll(/create trigger (\w+) ([^;]+);/g)];
  expect(triggers.length).toBe(9);
  for (const [, name, rest] of triggers) {
    const [row] = await sql<{ def: string }>('select pg_get_triggerdef(t.oid) as def from pg_trigger t where t.tgname = ? and not t.tgisinternal', [name]);
    expect([name, row?.def.replace(/ON \w+\./, 'ON ')]).toEqual([name, `CREATE TRIGGER ${name} ${rest}`]);
  }
});

it('answers the status sets as the TypeScript constants do, for every status', async () => {
  const statuses = Object.values(CaseStatus);
  const rows = await sql<{ s: CaseStatus; open: boolean; running: boolean; counts: boolean }>(
    'select s, case_is_open(s) as open, case_is_running(s) as running, case_counts(s) as counts from unnest(?::text[]) s',
    [statuses],
  );
  expect(rows).toHaveLength(statuses.length);
  for (const r of rows) {
    expect(r).toEqual({ s: r.s, open: OPEN_STATUSES.includes(r.s), running: RUNNING_STATUSES.includes(r.s), counts: !UNCOUNTED_STATUSES.includes(r.s) });
  }
  // Written out, so a change to a set shows here too.
  expect(
    rows
      .filter((r) => r.running)
      .map((r) => r.s)
      .sort(),
  ).toEqual(['ACCEPTED', 'ASSIGNED', 'IN_PROGRESS', 'REPORTED']);
  expect(
    rows
      .filter((r) => !r.counts)
      .map((r) => r.s)
      .sort(),
  ).toEqual(['MERGED', 'REJECTED']);
});

it('judges the zero rule as the TypeScript rule does, for every kind', async () => {
  const kinds = Object.values(CaseKind);
  const rows = await sql<{ kind: CaseKind; reported: number; beyond: number; breaks: boolean }>(
    `select k as kind, r as reported, b as beyond, stats_break_zero(k, r, b) as breaks
     from unnest(?::text[]) k, (values (0), (1)) r(r), (values (0), (1)) b(b)`,
    [kinds],
  );
  expect(rows).toHaveLength(kinds.length * 4);
  for (const r of rows) {
    const expected = (BREAK_BY_ESCALATION.includes(r.kind) && r.beyond > 0) || (BREAK_BY_REPORT.includes(r.kind) && r.reported > 0);
    expect(r).toEqual({ ...r, breaks: expected });
  }
  expect(Object.keys(ZERO_RULE_OF_KIND).sort()).toEqual(['ACCIDENT', 'CRIMINAL_CASE', 'DISPUTE', 'PETITION', 'PUBLIC_ORDER_CASE']);
  expect(
    rows
      .filter((r) => r.breaks && r.beyond === 1 && r.reported === 0)
      .map((r) => r.kind)
      .sort(),
  ).toEqual(['DISPUTE', 'PETITION']);
});

it('files an instant under the Beijing month, as monthOf does', async () => {
  for (const at of ['2026-01-31T15:59:59Z', '2026-01-31T16:00:00Z', '2026-12-31T16:00:00Z', '2026-07-01T00:00:00Z']) {
    const [row] = await sql<{ m: string }>(`select to_char(sanling_month(?::timestamptz), 'YYYY-MM') as m`, [at]);
    expect([at, row.m]).toEqual([at, monthOf(new Date(at))]);
  }
});

it('applies the file once: again only when it changed', async () => {
  const em = db.orm.em.fork();
  const applied = await em.transactional((tx) => applyStatistics((text, params) => tx.execute(text, (params ?? []) as never[])));
  expect(applied).toBe(false);
  const [row] = await sql<{ n: number }>("select count(*)::int as n from sql_definitions where name = 'statistics'");
  expect(row.n).toBe(1);
});
