import { Client } from 'pg';
import { pct, useFullScale } from './full-scale';

/*
 * Read-side latency at city scale (see full-scale.ts for the database it runs on). Prints p50/p95 per
 * query and jurisdiction level, the SQL statements per request and the count answered.
 */

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const scale = useFullScale();

async function tokenFor(level: string): Promise<string> {
  const client = new Client({ connectionString: scale.url });
  await client.connect();
  // A demo account exists for the city; for other levels take any officer there.
  const { rows } = await client.query(`select o.phone from officers o join units u on u.id = o.unit_id where u.kind = $1 order by o.id limit 1`, [level]);
  await client.end();
  const res = await scale.app.gql('mutation($p: String!) { login(input: {phone: $p, password: "sanling-demo"}) { token } }', { p: rows[0].phone });
  return res.data.login.token;
}

const CASES = (filter: string, extra = '') =>
  `{ cases(first: 20${extra}${filter}) { totalCount totalCountIsEstimate edges { node { number status unit { name parent { name } } handlingUnit { name } assignee { name } } } } }`;
const EXACT = (filter: string) => `{ cases(first: 20${filter}) { totalCountExact edges { node { number } } } }`;
// BENCH_LEVELS=CITY,COUNTY limits the run to some levels (a whole run at city scale takes minutes).
const LEVELS = (process.env.BENCH_LEVELS ?? 'CITY,COUNTY,TOWNSHIP,VILLAGE').split(',');

it('prints read-side latency per jurisdiction level', async () => {
  const rows: string[] = ['level      query                      p50 ms   p95 ms   SQL/request   totalCount'];
  for (const level of LEVELS) {
    const token = await tokenFor(level);
    const cases: [string, string][] = [
      ['newest 20 + totalCount', CASES('')],
      ['open, oldest due first', CASES(', filter: {status: [REPORTED, ACCEPTED, ASSIGNED, IN_PROGRESS]}', ', orderBy: {field: DUE_AT, direction: ASC}')],
      ['overdue', CASES(', filter: {overdue: true}')],
      ['search 纠纷', CASES(', filter: {search: "纠纷"}')],
      ['search 漏水', CASES(', filter: {search: "漏水"}')],
      ['search 水', CASES(', filter: {search: "水"}')],
      ['search 宅基地 (trigrams)', CASES(', filter: {search: "宅基地"}')],
      ['newest 20 + exact count', EXACT('')],
    ];
    for (const [name, query] of cases) {
      const times: number[] = [];
      let sql = 0;
      let count = '';
      // One untimed request first: the first of a kind pays for cold caches and plans, which is not what a user sees twice.
      await scale.app.gql(query, {}, token);
      for (let i = 0; i < RUNS; i++) {
        scale.queries.length = 0;
        const t = process.hrtime.bigint();
        const res = await scale.app.gql(query, {}, token);
        times.push(Number(process.hrtime.bigint() - t) / 1e6);
        expect(res.errors).toBeUndefined();
        sql = scale.queries.length;
        const c = res.data.cases;
        count = c.totalCountExact != null ? `${c.totalCountExact} exact` : `${c.totalCount}${c.totalCountIsEstimate ? ' estimated' : ''}`;
      }
      rows.push(
        `${level.padEnd(10)} ${name.padEnd(26)} ${pct(times, 50).toFixed(1).padStart(6)}  ${pct(times, 95).toFixed(1).padStart(7)}   ${String(sql).padEnd(13)} ${count}`,
      );
    }
  }
  console.log(rows.join('\n'));
});
