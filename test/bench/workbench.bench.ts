import { print } from 'graphql';
import { Client } from 'pg';
import { CaseDetailScreenDocument, TodoCountsDocument, TodoListDocument } from '../../src/workbench/gql/graphql';
import { pct, useFullScale } from './full-scale';

/*
 * The workbench's own requests at city scale (see full-scale.ts; BENCH_DATABASE_URL for the
 * 1,000,000-case database): the 待办 screen's first page with its four tab counts (two requests sent
 * together, as the page sends them) and a case detail with its trail. The operations are the
 * workbench's generated documents, not copies. Prints p50/p95 over BENCH_RUNS runs, the SQL
 * statements per screen, and what was found.
 */

const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const scale = useFullScale();

async function officerAt(kind: string, role: string): Promise<string> {
  const client = new Client({ connectionString: scale.url });
  await client.connect();
  const { rows } = await client.query(
    `select o.phone from officers o join units u on u.id = o.unit_id where u.kind = $1 and o.role = $2 order by o.phone like '1380000%' desc, o.id limit 1`,
    [kind, role],
  );
  await client.end();
  const res = await scale.app.gql('mutation($p: String!) { login(input: {phone: $p, password: "sanling-demo"}) { token } }', { p: rows[0].phone });
  return res.data.login.token;
}

const TABS = {
  reported: { status: ['REPORTED'] },
  working: { status: ['ACCEPTED', 'ASSIGNED', 'IN_PROGRESS'] },
  visit: { status: ['RESOLVED'] },
  overdue: { overdue: true },
};

/** The 待办 screen's two requests for a scope (mine or the whole jurisdiction), sent together. */
async function todo(token: string, base: Record<string, unknown>): Promise<{ ms: number; sql: number; shown: number; counts: number[] }> {
  scale.queries.length = 0;
  const t = process.hrtime.bigint();
  const [list, counts] = await Promise.all([
    scale.app.gql(print(TodoListDocument), { filter: { ...base, ...TABS.reported }, first: 20 }, token),
    scale.app.gql(print(TodoCountsDocument), Object.fromEntries(Object.entries(TABS).map(([k, f]) => [k, { ...base, ...f }])), token),
  ]);
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  expect(list.errors).toBeUndefined();
  expect(counts.errors).toBeUndefined();
  return {
    ms,
    sql: scale.queries.length,
    shown: list.data.cases.edges.length,
    counts: Object.keys(TABS).map((k) => counts.data[k].totalCount),
  };
}

it('prints the 待办 screen and the case detail at city scale', async () => {
  const rows = ['screen                                   p50 ms   p95 ms   SQL   found'];
  const measure = async (name: string, run: () => Promise<{ ms: number; sql: number; found: string }>) => {
    await run(); // cold plans and caches are not what a user sees twice
    const times: number[] = [];
    let last = { sql: 0, found: '' };
    for (let i = 0; i < RUNS; i++) {
      const r = await run();
      times.push(r.ms);
      last = r;
    }
    rows.push(
      `${name.padEnd(40)} ${pct(times, 50).toFixed(1).padStart(6)}  ${pct(times, 95).toFixed(1).padStart(7)}   ${String(last.sql).padStart(3)}   ${last.found}`,
    );
  };
  for (const [kind, role] of [
    ['COUNTY', 'OFFICER'],
    ['TOWNSHIP', 'OFFICER'],
    ['VILLAGE', 'GRID_WORKER'],
  ]) {
    const token = await officerAt(kind, role);
    for (const [scope, base] of [
      ['mine', { mine: true }],
      ['jurisdiction', {}],
    ] as const) {
      await measure(`${kind.toLowerCase()} ${role.toLowerCase()} 待办 (${scope})`, async () => {
        const r = await todo(token, base);
        return { ms: r.ms, sql: r.sql, found: `${r.shown} shown; tabs ${r.counts.join(' / ')}` };
      });
    }
  }

  // A case with a long trail, read by an officer of its county.
  const client = new Client({ connectionString: scale.url });
  await client.connect();
  const {
    rows: [c],
  } = await client.query(
    `select c.id, c.handling_path, (select count(*) from case_events e where e.case_id = c.id)::int as events
     from cases c where c.status = 'CLOSED' order by c.id desc limit 1`,
  );
  const {
    rows: [county],
  } = await client.query(`select o.phone from officers o join units u on u.id = o.unit_id where $1 like u.path || '%' and u.kind = 'COUNTY' limit 1`, [
    c.handling_path,
  ]);
  await client.end();
  const token = county
    ? (await scale.app.gql('mutation($p: String!) { login(input: {phone: $p, password: "sanling-demo"}) { token } }', { p: county.phone })).data.login.token
    : await officerAt('CITY', 'SUPERVISOR');
  const id = Buffer.from(`Case:${c.id}`).toString('base64url');
  await measure(`case detail (${c.events} trail entries)`, async () => {
    scale.queries.length = 0;
    const t = process.hrtime.bigint();
    const res = await scale.app.gql(print(CaseDetailScreenDocument), { id }, token);
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    expect(res.errors).toBeUndefined();
    return { ms, sql: scale.queries.length, found: `${res.data.node.number}, ${res.data.node.events.edges.length} entries shown` };
  });
  console.log(rows.join('\n'));
  // Where a screen's time goes (BENCH_EXPLAIN=1): the statements of the last run (the case detail), each with its time.
  if (process.env.BENCH_EXPLAIN) console.log(scale.queries.join('\n'));
});
