import { refreshWarnings } from '../../src/domain/stats/warnings';
import { DEFAULT_CAMPAIGN } from '../../src/domain/stats/settings';
import { toGlobalId } from '../../src/graphql/relay';
import { pct, useFullScale } from './full-scale';

/*
 * The command centre at city scale (see full-scale.ts for the database it runs on). Prints p50/p95
 * over BENCH_RUNS sequential requests (default 30, after 3 warm-up ones) and the SQL statements per
 * request, for the dashboard page's own query at city and county level and for the rankings.
 */

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const scale = useFullScale();

beforeAll(async () => {
  const started = Date.now();
  const n = await refreshWarnings(scale.orm.em.fork(), new Date(), DEFAULT_CAMPAIGN);
  console.log(`early warnings: ${n} computed in ${Date.now() - started} ms (the job that does this runs every 5 minutes)`);
});

/** The dashboard page's fields, as it asks for them on every refresh. */
const FIELDS: Record<string, string> = {
  base: 'base { unitsByCategory { category count } openByKind { kind count } openCases openHazards openEmergencies listed reportedInMonth }',
  progress: 'progress { category units zeroUnits rate target met broken(first: 5) { unit { name } rules cases { number title } } }',
  warnings: 'warnings(first: 10) { unit { name } rule reason caseCount cases { number title } } warningCount warningsComputedAt',
  supervision: 'supervision(first: 10) { number title supervisionLevel dueAt unit { name } }',
  emergencies: 'emergencies(first: 10) { number title reportedAt unit { name } }',
  trend: 'trend(months: 12) { month reported resolved responseRate onTimeRate satisfactionRate zeroRate }',
  exemplary: 'exemplary(first: 10) { months count units { name } }',
  stock: 'stock { baselineDate stock cleared clearanceRate increments }',
};
const dashboardOf = (fields: string) => `query($u: ID, $m: String) { dashboard(unitId: $u, month: $m) { unit { id name } month ${fields} } }`;
/** The query the dashboard page sends on every refresh. */
const DASHBOARD = dashboardOf(Object.values(FIELDS).join('\n'));
const RANKINGS = `query($l: RankingLevel!, $w: ID) { rankings(level: $l, withinId: $w) {
  rank unit { name } zeroRates { category rate target } zeroRate responseRate onTimeRate satisfactionRate stockClearanceRate overdue score belowTarget
} }`;

it('prints the command centre’s latency at city and county level', async () => {
  const { app, orm, queries: log } = scale;
  const login = await app.gql('mutation { login(input: {phone: "13800000001", password: "sanling-demo"}) { token officer { unit { id } } } }');
  const token = login.data.login.token as string;
  const [county] = await orm.em
    .fork()
    .execute<{ id: number; name: string }[]>(
      `select u.id, u.name from units u where u.kind = 'COUNTY' order by (select count(*) from units x where x.path like u.path || '%') desc limit 1`,
    );
  const rows = ['request                                   p50 ms   p95 ms   SQL/request'];
  const cases: [string, string, Record<string, unknown>][] = [
    ['dashboard, city', DASHBOARD, {}],
    [`dashboard, county (${county.name})`, DASHBOARD, { u: toGlobalId('Unit', county.id) }],
    ['rankings(level: COUNTY), city', RANKINGS, { l: 'COUNTY' }],
    [`rankings(level: TOWNSHIP), ${county.name}`, RANKINGS, { l: 'TOWNSHIP', w: toGlobalId('Unit', county.id) }],
  ];
  for (const [name, query, variables] of cases) {
    for (let i = 0; i < 3; i++) expect((await app.gql(query, variables, token)).errors).toBeUndefined();
    const times: number[] = [];
    let statements = 0;
    for (let i = 0; i < RUNS; i++) {
      log.length = 0;
      const t0 = performance.now();
      const res = await app.gql(query, variables, token);
      times.push(performance.now() - t0);
      statements = log.length;
      expect(res.errors).toBeUndefined();
    }
    rows.push(`${name.padEnd(40)} ${pct(times, 50).toFixed(0).padStart(7)} ${pct(times, 95).toFixed(0).padStart(8)} ${String(statements).padStart(13)}`);
  }
  console.log(rows.join('\n'));

  // Where the city's time goes: each field alone (with the request's own cost in every row), p50 of
  // BENCH_RUNS requests taken in alternating rounds so the machine's noise falls on all alike.
  const fields = { 'unit only': '', ...FIELDS };
  const alone = Object.fromEntries(Object.keys(fields).map((k) => [k, [] as number[]]));
  for (let i = 0; i < RUNS; i++) {
    for (const [k, f] of Object.entries(fields)) {
      const t0 = performance.now();
      expect((await app.gql(dashboardOf(f), {}, token)).errors).toBeUndefined();
      alone[k].push(performance.now() - t0);
    }
  }
  console.log(
    ['city dashboard, one field at a time     p50 ms', ...Object.entries(alone).map(([k, xs]) => `${k.padEnd(40)} ${pct(xs, 50).toFixed(1).padStart(6)}`)].join(
      '\n',
    ),
  );
});
