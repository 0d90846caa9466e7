import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { transformFileSync } from '@swc/core';
import { loadDemoDataIfEmpty } from '../../src/seed/demo';
import { keepToken, startTestApp, type TestApp } from '../support/app';
import { createTestDb, type TestDb } from '../support/db';
import { freshDataDir, startServer, waitFor, type RunningServer } from '../support/server-process';

/*
 * A/B benchmark of the GraphQL read path: the product (compiled server, its own process) against
 * the hand-written baseline in baseline.server.ts (also its own process), both on one fresh
 * database with the demo data, driven by autocannon from this process so that neither server
 * shares an event loop with the load generator. Runs alternate A/B; medians over BENCH_PAIRS pairs
 * (default 3) of BENCH_SECONDS each (default 5) after a short warm-up. SQL statements per request
 * are counted on the product running in-process on the same database (the test database's query
 * log). Prints a markdown table. Needs a current dist/ (`npm run build`).
 */

// autocannon ships no type declarations and the project adds no @types package for it: the part used here.
interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Cannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
}) => Promise<CannonResult>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Cannon;

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const PAIRS = Number(process.env.BENCH_PAIRS ?? 3);
const SECRET = 'bench-secret-that-is-long-enough-0123456789';
const COUNTY_OFFICER = '13800000002';

const Q = '{ cases(first: 20) { edges { node { number title status dueAt unit { name parent { name } } handlingUnit { name } assignee { name } } } } }';
const Q_COUNT =
  '{ cases(first: 20) { totalCount edges { node { number title status dueAt unit { name parent { name } } handlingUnit { name } assignee { name } } } } }';
const TYPENAME = '{ __typename }';

interface Scenario {
  name: string;
  query: string;
  token: boolean;
  connections: number;
}
const SCENARIOS: Scenario[] = [
  { name: 'Q (20 cases)', query: Q, token: true, connections: 50 },
  { name: 'Q (20 cases)', query: Q, token: true, connections: 10 },
  { name: 'Q (20 cases)', query: Q, token: true, connections: 1 },
  { name: 'Q + totalCount', query: Q_COUNT, token: true, connections: 50 },
  { name: '{ __typename } with token', query: TYPENAME, token: true, connections: 50 },
  { name: '{ __typename } no token', query: TYPENAME, token: false, connections: 50 },
];

interface Proc {
  url: string;
  rss: () => number;
  /** CPU time the process has used so far (user + system), in ms. */
  cpuMs: () => number;
  stop: () => Promise<void>;
}

/** Process CPU time from /proc: on a shared machine it measures a server's own work better than req/s. */
function cpuMsOf(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * (1000 / 100);
  } catch {
    return 0;
  }
}

let db: TestDb;
let inProcess: TestApp;
let dataDir = '';
let product: RunningServer | undefined;
let baselineProc: ChildProcess | undefined;
let token = '';

function rssOf(pid: number | undefined): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Compiles the baseline next to the product's data (so its packages resolve) and runs it. */
async function startBaselineProcess(): Promise<Proc> {
  const js = path.join(dataDir, 'baseline.server.js');
  const { code } = transformFileSync(path.join(__dirname, 'baseline.server.ts'), {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  writeFileSync(js, code);
  const proc = spawn(process.execPath, [js], {
    env: { ...process.env, BASELINE_DATABASE_URL: db.url, JWT_SECRET: SECRET },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  baselineProc = proc;
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`baseline did not start:\n${log}`)), 30_000);
    const onData = (d: Buffer) => {
      log += d.toString();
      const m = /baseline listening on (http:\/\/\S+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.on('exit', (c) => reject(new Error(`baseline exited with ${c}:\n${log}`)));
  });
  return {
    url,
    rss: () => rssOf(proc.pid),
    cpuMs: () => cpuMsOf(proc.pid),
    stop: async () => {
      if (proc.exitCode === null) proc.kill('SIGINT');
      if (!(await waitFor(() => proc.exitCode !== null, 10_000))) proc.kill('SIGKILL');
    },
  };
}

async function post(url: string, query: string, auth: boolean): Promise<unknown> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return res.json();
}

function cannon(url: string, s: Scenario, seconds: number): Promise<CannonResult> {
  return autocannon({
    url: `${url}/graphql`,
    connections: s.connections,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(s.token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: s.query }),
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

beforeAll(async () => {
  db = await createTestDb();
  await loadDemoDataIfEmpty(db.orm.em.fork());
  inProcess = await startTestApp(db, undefined, { JWT_SECRET: SECRET });
  token = await (async () => {
    const res = await inProcess.gql('mutation($i: LoginInput!) { login(input: $i) { token } }', { i: { phone: COUNTY_OFFICER, password: 'sanling-demo' } });
    if (!res.data?.login) throw new Error(`login failed: ${JSON.stringify(res.errors)}`);
    return res.data.login.token as string;
  })();
  dataDir = freshDataDir('bench-');
  // Scheduled jobs off: their timers and queries would add noise that the baseline does not have (a deployment can run them in `npm run worker`).
  // One officer drives all 50 connections here: the fair share (4 requests, 2 statements per client)
  // would refuse most of them, so it is opened as wide as the pool allows. Its machinery still runs.
  product = await startServer(dataDir, {
    DATABASE_URL: db.url,
    JWT_SECRET: SECRET,
    DEMO_DATA: 'false',
    JOBS: 'off',
    // As in production: a JSON line per request (development would pretty-print each one).
    LOG_FORMAT: 'json',
    FAIR_SHARE_REQUESTS: '100',
    FAIR_SHARE_QUEUE: '1000',
    FAIR_SHARE_CONNECTIONS: '9',
  });
});
afterAll(async () => {
  if (product && product.proc.exitCode === null) {
    product.proc.kill('SIGINT');
    if (!(await waitFor(() => product!.proc.exitCode !== null, 10_000))) product.proc.kill('SIGKILL');
  }
  if (baselineProc && baselineProc.exitCode === null) baselineProc.kill('SIGKILL');
  await inProcess?.close();
  await db?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

it('prints the read path of the product against the hand-written baseline', async () => {
  const baseline = await startBaselineProcess();
  const sanling: Proc = {
    url: product!.url,
    rss: product!.rss,
    cpuMs: () => cpuMsOf(product!.proc.pid),
    stop: async () => undefined,
  };
  try {
    // Same answers before any timing, so both sides do the same work.
    for (const q of [Q, Q_COUNT]) {
      const a = (await post(sanling.url, q, true)) as { data?: { cases: { edges: unknown[] } } };
      const b = await post(baseline.url, q, true);
      expect(a.data?.cases.edges).toHaveLength(20);
      expect(b).toEqual(a);
    }
    expect(await post(baseline.url, TYPENAME, false)).toEqual(await post(sanling.url, TYPENAME, false));

    // SQL statements per request of the product, from the query log of the in-process app on the same database.
    const sqlPerRequest = new Map<string, number>();
    await keepToken(inProcess, db, token);
    for (const s of SCENARIOS) {
      const key = `${s.query}|${s.token}`;
      if (sqlPerRequest.has(key)) continue;
      await inProcess.gql(s.query, {}, s.token ? token : undefined);
      db.queries.length = 0;
      const res = await inProcess.gql(s.query, {}, s.token ? token : undefined);
      expect(res.errors).toBeUndefined();
      sqlPerRequest.set(key, db.queries.length);
    }
    // The baseline by construction: the officer, then one join for the page (none for { __typename } without a token).
    const baselineSql = (s: Scenario) => (s.query === TYPENAME ? (s.token ? 1 : 0) : 2);

    const rows: string[] = [
      '| Query | Conns | Sanling req/s | Baseline req/s | × | Sanling p50 ms | Baseline p50 ms | Sanling p99 ms | Baseline p99 ms | p99 × | CPU ms/req Sanling / baseline | SQL/req Sanling / baseline |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ];
    let peakA = 0;
    let peakB = 0;
    for (const s of SCENARIOS) {
      await cannon(sanling.url, s, Math.min(2, SECONDS));
      await cannon(baseline.url, s, Math.min(2, SECONDS));
      const a: (CannonResult & { cpu: number })[] = [];
      const b: (CannonResult & { cpu: number })[] = [];
      for (let i = 0; i < PAIRS; i++) {
        // Alternate which side goes first so drift on a shared machine does not favour one.
        const order: [Proc, (CannonResult & { cpu: number })[]][] =
          i % 2
            ? [
                [baseline, b],
                [sanling, a],
              ]
            : [
                [sanling, a],
                [baseline, b],
              ];
        for (const [p, out] of order) {
          const cpu0 = p.cpuMs();
          const r = await cannon(p.url, s, SECONDS);
          expect({ non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts }).toEqual({ non2xx: 0, errors: 0, timeouts: 0 });
          out.push({ ...r, cpu: (p.cpuMs() - cpu0) / Math.max(1, r.requests.total) });
        }
        peakA = Math.max(peakA, sanling.rss());
        peakB = Math.max(peakB, baseline.rss());
      }
      const m = <R extends CannonResult>(rs: R[], f: (r: R) => number) => median(rs.map(f));
      const [cpuA, cpuB] = [m(a, (r) => r.cpu), m(b, (r) => r.cpu)];
      const [ra, rb] = [m(a, (r) => r.requests.average), m(b, (r) => r.requests.average)];
      const [p50a, p50b] = [m(a, (r) => r.latency.p50), m(b, (r) => r.latency.p50)];
      const [p99a, p99b] = [m(a, (r) => r.latency.p99), m(b, (r) => r.latency.p99)];
      expect(ra).toBeGreaterThan(0);
      rows.push(
        `| ${s.name} | ${s.connections} | ${ra.toFixed(0)} | ${rb.toFixed(0)} | ${(ra / rb).toFixed(2)} | ${p50a} | ${p50b} | ${p99a} | ${p99b} | ${(p99a / Math.max(p99b, 1)).toFixed(2)} | ${cpuA.toFixed(2)} / ${cpuB.toFixed(2)} | ${sqlPerRequest.get(`${s.query}|${s.token}`)} / ${baselineSql(s)} |`,
      );
    }
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
    console.log(
      [
        `read path on Node ${process.version}, demo data, county officer ${COUNTY_OFFICER}; ${PAIRS} alternating pairs of ${SECONDS} s after a warm-up; medians; × = Sanling / baseline`,
        ...rows,
        '',
        `Peak RSS after the runs: Sanling ${mb(peakA)}, baseline ${mb(peakB)} (each its own process; load from the jest process).`,
      ].join('\n'),
    );
  } finally {
    await baseline.stop();
    await sanling.stop();
  }
});
