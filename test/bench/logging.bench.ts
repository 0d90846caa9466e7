import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../../src/embedded/embedded';
import { createTestDb, type TestDb } from '../support/db';
import { freshDataDir, SERVER, userEnv, waitFor } from '../support/server-process';

/*
 * What the per-request log line costs: the compiled server twice on one database with the demo data,
 * A with the production default (LOG_LEVEL=info, JSON lines, stderr into a file as journald would
 * take it) and B with LOG_LEVEL=warn (no request lines), driven alternately by autocannon at 50
 * connections, BENCH_PAIRS pairs (default 3) of BENCH_SECONDS (default 5). Prints medians of req/s
 * and of the server's CPU time per request, and the ratio A/B. Needs `npm run build` first.
 */

// autocannon ships no type declarations: the part used here.
type Cannon = (
  opts: Record<string, unknown>,
) => Promise<{ requests: { average: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number }>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Cannon;

const PAIRS = Number(process.env.BENCH_PAIRS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const Q = '{ cases(first: 20) { edges { node { number title status dueAt unit { name parent { name } } handlingUnit { name } assignee { name } } } } }';

interface Server {
  name: string;
  url: string;
  proc: ChildProcess;
  logFile: string;
  dir: string;
}

let db: TestDb;
const servers: Server[] = [];

const cpuMs = (pid: number | undefined) => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return 0;
  }
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function start(name: string, env: Record<string, string>): Promise<Server> {
  const dir = freshDataDir('bench-log-');
  const port = await freePort();
  const logFile = path.join(dir, 'server.log');
  const fd = openSync(logFile, 'w');
  const proc = spawn(process.execPath, [SERVER], {
    // Development for the demo data and its known password; the log format is set explicitly.
    env: userEnv(dir, { DATABASE_URL: db.url, JWT_SECRET: 'bench-secret-that-is-long-enough-0123456789', JOBS: 'off', PORT: String(port), ...env }),
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const url = `http://127.0.0.1:${port}`;
  const ready = await waitFor(async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200, 60_000, 200);
  if (!ready) throw new Error(`${name} did not start:\n${readFileSync(logFile, 'utf8')}`);
  const server = { name, url, proc, logFile, dir };
  servers.push(server);
  return server;
}

beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  for (const s of servers) {
    s.proc.kill('SIGINT');
    await waitFor(() => s.proc.exitCode !== null || s.proc.signalCode !== null, 10_000);
    rmSync(s.dir, { recursive: true, force: true });
  }
  await db?.drop().catch(() => undefined);
});

it('measures the request log line', async () => {
  const common = { FAIR_SHARE_REQUESTS: '100', FAIR_SHARE_QUEUE: '1000', FAIR_SHARE_CONNECTIONS: '9' };
  const a = await start('A: LOG_LEVEL=info (a JSON line per request)', { ...common, LOG_LEVEL: 'info', LOG_FORMAT: 'json' });
  const b = await start('B: LOG_LEVEL=warn (none)', { ...common, LOG_LEVEL: 'warn', LOG_FORMAT: 'json' });
  // The county officer of the demo data, as in the read-path benchmark; one token serves both (same secret).
  const login = await fetch(`${a.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'mutation { login(input: {phone: "13800000002", password: "sanling-demo"}) { token } }' }),
  });
  const token = ((await login.json()) as { data: { login: { token: string } } }).data.login.token;
  const results = new Map<string, { rps: number[]; cpuPerReq: number[]; p99: number[] }>();
  for (const query of [Q, '{ __typename }']) {
    for (let pair = 0; pair < PAIRS; pair++) {
      for (const s of pair % 2 ? [b, a] : [a, b]) {
        const before = cpuMs(s.proc.pid);
        const r = await autocannon({
          url: `${s.url}/graphql`,
          method: 'POST',
          connections: 50,
          duration: SECONDS,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query }),
        });
        expect(r.non2xx + r.errors).toBe(0);
        const key = `${query === Q ? 'Q (20 cases)' : '{ __typename }'} · ${s.name}`;
        const row = results.get(key) ?? { rps: [], cpuPerReq: [], p99: [] };
        row.rps.push(r.requests.average);
        row.cpuPerReq.push((cpuMs(s.proc.pid) - before) / (r.requests.average * SECONDS));
        row.p99.push(r.latency.p99);
        results.set(key, row);
      }
    }
  }
  const lines = ['| query · server | req/s | CPU ms/req | p99 ms |', '|---|---:|---:|---:|'];
  for (const [key, r] of results) lines.push(`| ${key} | ${median(r.rps).toFixed(0)} | ${median(r.cpuPerReq).toFixed(3)} | ${median(r.p99)} |`);
  const keys = [...results.keys()];
  for (let i = 0; i < keys.length; i += 2) {
    const [ka, kb] = [keys[i], keys[i + 1]];
    const ra = results.get(ka)!;
    const rb = results.get(kb)!;
    lines.push(
      `ratio A/B ${ka.split(' · ')[0]}: req/s ${(median(ra.rps) / median(rb.rps)).toFixed(2)}, CPU/req ${(median(ra.cpuPerReq) / median(rb.cpuPerReq)).toFixed(2)}`,
    );
  }
  lines.push(`log written by A: ${(statSync(a.logFile).size / 1048576).toFixed(1)} MB; by B: ${(statSync(b.logFile).size / 1024).toFixed(1)} KB`);
  console.log(lines.join('\n'));
  // A's log holds one line per request it answered; B's none.
  expect(
    readFileSync(a.logFile, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"path":"/graphql"')).length,
  ).toBeGreaterThan(1000);
  expect(readFileSync(b.logFile, 'utf8')).not.toContain('"path":"/graphql"');
});
