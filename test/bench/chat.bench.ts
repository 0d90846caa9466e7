import http from 'node:http';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { placeStem } from '../../src/domain/registry/place-search';
import { alive, freshDataDir, postmasterPid, runScript, startServer, userEnv, waitFor, ROOT, type RunningServer } from '../support/server-process';

/*
 * Throughput and latency of whole report dialogs over the web chat, on the full-scale unit registry
 * (58,108 units). The compiled server (dist/src/server.js, JOBS=off) runs as a process of its own on
 * a fresh DATA_DIR seeded with `seed --scale full --cases BENCH_CASES` (default 0: the dialogs'
 * cost does not depend on the case table, the place search does on the units). BENCH_RESIDENTS
 * simulated residents (default 10) each run dialogs back to back — 反映 → kind → village → description
 * → 匿名 → 1 — each dialog as a new contact (a real resident reports once or twice, and one contact
 * could not send 6 messages a dialog at this rate under CHAT_RATE_PER_MINUTE). Every reply is
 * checked; the case numbers are counted against the database afterwards. After a warm-up of
 * BENCH_WARMUP_SECONDS, BENCH_ROUNDS rounds (default 5) of BENCH_SECONDS (default 10); medians over
 * rounds. SQL statements per message are counted on a separate start with LOG_SQL=true (the query
 * log slows the server, so it is never on while timing). Needs a current dist/ (`npm run build`).
 *
 * BENCH_DATA_DIR reuses a seeded data dir (kept afterwards); BENCH_CPU_PROF=<dir> profiles the timed
 * server (cpu-profile.cjs, preloaded: V8's sampling profiler, as `node --cpu-prof`) and leaves the
 * .cpuprofile there.
 */

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);
const RESIDENTS = Number(process.env.BENCH_RESIDENTS ?? 10);
const CASES = process.env.BENCH_CASES ?? '0';
const SQL_DIALOGS = 5;
const ALL_PLACES = process.env.BENCH_PLACES === 'all';
const SEED = path.join(ROOT, 'dist/src/cli/seed.js');

/**
 * Each dialog is a new contact from one address (127.0.0.1): the default allowance of 20 new
 * contacts per address and hour would refuse the load, so the bench raises it to its maximum.
 * 6 messages per contact stay within the default CHAT_RATE_PER_MINUTE (20).
 */
const SERVER_ENV = { JOBS: 'off', DEMO_DATA: 'false', CHAT_NEW_CONTACTS_PER_HOUR_PER_IP: '100000' };

const DESCRIPTIONS = [
  '村口的路灯坏了三盏，晚上出行很不方便，希望尽快修理',
  '邻居在公共通道上堆放杂物，多次沟通没有结果，需要调解',
  '小区后面的排水沟堵塞，下雨后积水漫到路面上',
  '两户因为宅基地边界起了争执，想请村里出面协调',
  '有人在河道边倾倒建筑垃圾，影响环境，请派人看看',
];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
/** Nearest-rank percentile of a sorted array. */
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

/** utime + stime of a process in clock ticks (0 when it is gone). */
function ticksOf(pid: number | string): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
}

/** Parent pid of a process (0 when it is gone). */
function parentOf(pid: string): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 0;
  }
}

interface CpuSample {
  machineBusy: number;
  machineTotal: number;
  server: number;
  postgres: number;
  client: number;
}

/**
 * CPU ticks used so far: by the whole machine, the server, its embedded PostgreSQL (postmaster and
 * backends) and this process (the client). The difference between two samples tells where the
 * time of a round went, and whether something else on the machine took a share of it.
 */
function cpuSample(serverPid: number, postmaster: number | undefined): CpuSample {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = cpu[3] + cpu[4];
  const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
  let postgres = 0;
  if (postmaster) {
    postgres = ticksOf(postmaster);
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) if (parentOf(pid) === postmaster) postgres += ticksOf(pid);
  }
  return { machineBusy: total - idle, machineTotal: total, server: ticksOf(serverPid), postgres, client: ticksOf('self') };
}

/** Shares of one CPU (100 = one core busy) between two samples, per second of wall time. */
function cpuShares(a: CpuSample, b: CpuSample, wallMs: number) {
  // /proc/stat and /proc/<pid>/stat both count in USER_HZ (100 per second on Linux).
  const pct = (ticks: number) => ticks / (wallMs / 1000);
  const server = pct(b.server - a.server);
  const postgres = pct(b.postgres - a.postgres);
  const client = pct(b.client - a.client);
  const machine = pct(b.machineBusy - a.machineBusy);
  return { server, postgres, client, other: Math.max(0, machine - server - postgres - client), machine };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** POST /chat/api/messages with node:http (lighter on the shared CPU than fetch); answers the replies. */
function post(port: number, body: object): Promise<{ status: number; replies: string[] }> {
  const data = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/chat/api/messages',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': data.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            const json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { replies?: string[] };
            resolve({ status: res.statusCode ?? 0, replies: json.replies ?? [] });
          } catch (err) {
            reject(err as Error);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

interface Place {
  typed: string;
  /** Other villages share the name: the bot lists them and the resident answers 1 (one message more). */
  namesakes: boolean;
}

/** One dialog's messages and what the last reply of each must show. */
function script(place: Place, n: number): [string, RegExp][] {
  return [
    ['反映', /请选择问题类型/],
    [String((n % 8) + 1), /哪个村、社区或单位/],
    [place.typed, /描述一下具体情况/],
    [DESCRIPTIONS[n % DESCRIPTIONS.length], /手机号码/],
    ['匿名', /请确认/],
    ['1', /已提交，案件编号 SL\d{12}/],
  ];
}

interface Stats {
  dialogs: number;
  messages: number;
  latencies: number[];
  numbers: string[];
  failures: string[];
}

/** Runs one dialog as a new contact; each message's latency goes to stats. A list of namesakes is answered with 1. */
async function dialog(port: number, contact: string, place: Place, n: number, stats: Stats, onMessage?: (step: number) => void): Promise<void> {
  const steps = script(place, n);
  let seq = 0;
  const say = async (step: number, text: string, expected: RegExp): Promise<string | undefined> => {
    onMessage?.(step);
    const t0 = performance.now();
    const res = await post(port, { from: contact, name: '网友', text, id: `${contact}-${seq++}` });
    stats.latencies.push(performance.now() - t0);
    stats.messages += 1;
    const last = res.replies[res.replies.length - 1] ?? '';
    if (res.status === 200 && expected.test(last)) return last;
    stats.failures.push(`${contact} step ${step} (${text}): HTTP ${res.status} ${JSON.stringify(res.replies).slice(0, 300)}`);
    return undefined;
  };
  for (let i = 0; i < steps.length; i++) {
    const [text, expected] = steps[i];
    const namesakes = i === 2 && place.namesakes;
    const last = await say(i, text, namesakes ? /找到以下地点/ : expected);
    if (last === undefined || (namesakes && (await say(i, '1', expected)) === undefined)) return;
    if (i === steps.length - 1) stats.numbers.push(/SL\d{12}/.exec(last)![0]);
  }
  stats.dialogs += 1;
}

/** RESIDENTS workers running dialogs back to back until `seconds` pass (a dialog under way finishes). */
async function load(port: number, places: Place[], tag: string, seconds: number, start: number): Promise<Stats & { elapsedMs: number }> {
  const stats: Stats = { dialogs: 0, messages: 0, latencies: [], numbers: [], failures: [] };
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  let counter = start;
  await Promise.all(
    Array.from({ length: RESIDENTS }, async (_, w) => {
      let k = 0;
      while (performance.now() < end && stats.failures.length === 0) {
        const n = counter++;
        await dialog(port, `bench-${tag}-w${w}-d${k++}`, places[n % places.length], n, stats);
      }
    }),
  );
  return { ...stats, elapsedMs: performance.now() - t0 };
}

/** Connection URL of the embedded PostgreSQL a running server holds in dataDir. */
function embeddedUrl(dataDir: string): string {
  const { password } = JSON.parse(readFileSync(path.join(dataDir, 'embedded-credentials.json'), 'utf8')) as { password: string };
  // postmaster.pid: pid, data dir, start time, port, …
  const port = readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8')
    .split('\n')[3]
    .trim();
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/sanling`;
}

async function stopServer(s: RunningServer | undefined): Promise<void> {
  if (!s || s.proc.exitCode !== null) return;
  s.proc.kill('SIGINT');
  if (!(await waitFor(() => s.proc.exitCode !== null, 30_000))) s.proc.kill('SIGKILL');
}

const keepDir = Boolean(process.env.BENCH_DATA_DIR);
let dataDir = '';
let server: RunningServer | undefined;

beforeAll(async () => {
  if (keepDir) {
    dataDir = path.resolve(process.env.BENCH_DATA_DIR!);
    return;
  }
  dataDir = freshDataDir('bench-chat-');
  const t0 = Date.now();
  const seeded = await runScript(SEED, ['--scale', 'full', '--cases', CASES], userEnv(dataDir));
  if (seeded.code !== 0) throw new Error(`seed failed:\n${seeded.out}\n${seeded.err}`);
  console.log(`seeded the full-scale registry with ${CASES} cases in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
});
afterAll(async () => {
  await stopServer(server);
  agent.destroy();
  if (dataDir && !keepDir) {
    // The server stops its embedded PostgreSQL; one left by a crash goes too.
    const pid = postmasterPid(dataDir);
    if (pid && alive(pid)) process.kill(pid, 'SIGQUIT');
    rmSync(dataDir, { recursive: true, force: true });
  }
});

it('prints report dialogs per second and latency per message over the web chat, full-scale registry', async () => {
  const runId = Date.now().toString(36);
  // 1. SQL statements per message, from the query log of a start with LOG_SQL=true.
  server = await startServer(dataDir, { ...SERVER_ENV, LOG_SQL: 'true' });
  const pg = new Client({ connectionString: embeddedUrl(dataDir) });
  await pg.connect();
  let places: Place[];
  let casesBefore: number;
  let sqlPerStep: number[];
  let sqlDialogs = 0;
  try {
    // Villages and communities whose name no other place shares (ignoring 村/社区), so each dialog
    // takes the same six messages; typed with and without the suffix, alternately. BENCH_PLACES=all
    // takes every village, namesakes too (their dialogs answer the list of namesakes: 7 messages).
    const { rows } = await pg.query<{ name: string; category: string }>(`select name, category from units where category <> 'REGION' order by code`);
    const byStem = new Map<string, number>();
    for (const r of rows) byStem.set(placeStem(r.name), (byStem.get(placeStem(r.name)) ?? 0) + 1);
    const villages = rows.filter((r) => r.category === 'VILLAGE_COMMUNITY' && placeStem(r.name).length >= 2);
    const chosen = ALL_PLACES ? villages : villages.filter((r) => byStem.get(placeStem(r.name)) === 1);
    places = chosen.map((r, i) => ({ typed: i % 2 ? placeStem(r.name) : r.name, namesakes: byStem.get(placeStem(r.name))! > 1 }));
    // A fixed shuffle so consecutive dialogs name villages of different townships.
    for (let i = places.length - 1; i > 0; i--) {
      const j = (i * 7919) % (i + 1);
      [places[i], places[j]] = [places[j], places[i]];
    }
    expect(places.length).toBeGreaterThanOrEqual(20);
    casesBefore = Number((await pg.query<{ n: string }>(`select count(*) as n from cases`)).rows[0].n);

    const sqlStats: Stats = { dialogs: 0, messages: 0, latencies: [], numbers: [], failures: [] };
    await dialog(server.port, `bench-${runId}-sqlwarm`, places[0], 0, sqlStats);
    const counts = Array.from({ length: 6 }, () => 0);
    const queriesInLog = () => (server!.log().match(/\[query\]/g) ?? []).length;
    for (let d = 0; d < SQL_DIALOGS; d++) {
      let step = -1;
      let mark = 0;
      const close = () => {
        if (step >= 0) counts[step] += queriesInLog() - mark;
      };
      await dialog(server.port, `bench-${runId}-sql${d}`, places[d + 1], d + 1, sqlStats, (i) => {
        close();
        step = i;
        mark = queriesInLog();
      });
      // The log line arrives a moment after the answer.
      await new Promise((r) => setTimeout(r, 200));
      close();
    }
    expect(sqlStats.failures).toEqual([]);
    sqlPerStep = counts.map((c) => c / SQL_DIALOGS);
    sqlDialogs = sqlStats.dialogs;
  } finally {
    await pg.end();
    await stopServer(server);
  }

  // 2. The timed runs, on a fresh start without the query log.
  const profDir = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : undefined;
  server = await startServer(dataDir, {
    ...SERVER_ENV,
    ...(profDir ? { NODE_OPTIONS: `--require ${path.join(__dirname, 'cpu-profile.cjs')}`, BENCH_CPU_PROF_DIR: profDir } : {}),
  });
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, server!.rss())), 250);
  const rounds: (Stats & { elapsedMs: number; cpu: ReturnType<typeof cpuShares> })[] = [];
  let warm: Stats;
  const postmaster = postmasterPid(dataDir);
  try {
    warm = await load(server.port, places, `${runId}-warm`, WARMUP_SECONDS, 1000);
    expect(warm.failures).toEqual([]);
    for (let r = 0; r < ROUNDS; r++) {
      const before = cpuSample(server.proc.pid!, postmaster);
      const res = await load(server.port, places, `${runId}-r${r}`, SECONDS, 100_000 * (r + 1));
      const cpu = cpuShares(before, cpuSample(server.proc.pid!, postmaster), res.elapsedMs);
      expect(res.failures).toEqual([]);
      rounds.push({ ...res, cpu });
    }
  } finally {
    clearInterval(sampler);
  }

  // 3. Every completed dialog filed exactly one case.
  const pg2 = new Client({ connectionString: embeddedUrl(dataDir) });
  await pg2.connect();
  const filed = Number((await pg2.query<{ n: string }>(`select count(*) as n from cases`)).rows[0].n) - casesBefore!;
  const numbers = [...warm.numbers, ...rounds.flatMap((r) => r.numbers)];
  const found = Number(
    (await pg2.query<{ n: string }>(`select count(*) as n from cases where number = any($1) and channel = 'WEB_CHAT'`, [numbers])).rows[0].n,
  );
  await pg2.end();
  const completed = sqlDialogs + warm.dialogs + rounds.reduce((s, r) => s + r.dialogs, 0);
  expect(filed).toBe(completed);
  expect(found).toBe(numbers.length);
  expect(new Set(numbers).size).toBe(numbers.length);
  await stopServer(server);

  const perRound = rounds.map((r) => {
    const sorted = [...r.latencies].sort((a, b) => a - b);
    return {
      reports: (r.dialogs / r.elapsedMs) * 1000,
      messages: (r.messages / r.elapsedMs) * 1000,
      p50: pct(sorted, 50),
      p95: pct(sorted, 95),
      p99: pct(sorted, 99),
      max: sorted[sorted.length - 1],
      ...r.cpu,
    };
  });
  const med = (f: (r: (typeof perRound)[number]) => number) => median(perRound.map(f));
  const sqlTotal = sqlPerStep!.reduce((a, b) => a + b, 0);
  const f1 = (n: number) => n.toFixed(1);
  console.log(
    [
      `chat report dialogs, full-scale registry (58,108 units, ${places.length} uniquely named villages/communities), ${RESIDENTS} residents, each dialog a new contact;`,
      `${ROUNDS} rounds of ${SECONDS} s after ${WARMUP_SECONDS} s warm-up; ${completed} dialogs, ${filed} cases filed (checked in the database)`,
      '',
      '| round | reports/s | messages/s | p50 ms | p95 ms | p99 ms | max ms | CPU % server | postgres | client | other |',
      '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...perRound.map(
        (r, i) =>
          `| ${i + 1} | ${f1(r.reports)} | ${f1(r.messages)} | ${f1(r.p50)} | ${f1(r.p95)} | ${f1(r.p99)} | ${f1(r.max)} | ${r.server.toFixed(0)} | ${r.postgres.toFixed(0)} | ${r.client.toFixed(0)} | ${r.other.toFixed(0)} |`,
      ),
      `| **median** | **${f1(med((r) => r.reports))}** | **${f1(med((r) => r.messages))}** | **${f1(med((r) => r.p50))}** | **${f1(med((r) => r.p95))}** | **${f1(med((r) => r.p99))}** | ${f1(med((r) => r.max))} | ${med((r) => r.server).toFixed(0)} | ${med((r) => r.postgres).toFixed(0)} | ${med((r) => r.client).toFixed(0)} | ${med((r) => r.other).toFixed(0)} |`,
      '',
      'CPU %: 100 = one core busy for the round (the machine has ' +
        String(availableParallelism()) +
        '); "other" is everything else on the machine, which should be near 0 for figures worth keeping.',
      '',
      `SQL statements per message: ${f1(sqlTotal / 6)} (per dialog ${f1(sqlTotal)}: ${['反映', 'kind', 'village', 'description', '匿名', 'confirm'].map((s, i) => `${s} ${f1(sqlPerStep[i])}`).join(', ')})`,
      `CPU per message (medians): server ${f1(med((r) => (r.server * 10) / r.messages))} ms, postgres ${f1(med((r) => (r.postgres * 10) / r.messages))} ms, client ${f1(med((r) => (r.client * 10) / r.messages))} ms`,
      `Server peak RSS: ${(peakRss / 1024 / 1024).toFixed(0)} MB`,
    ].join('\n'),
  );
});
