import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { generate } from '../../src/seed/generator';
import { localDate } from '../../src/domain/time/local-time';
import { createTestDb, type TestDb } from '../support/db';
import { freshDataDir, startServer, waitFor, type RunningServer } from '../support/server-process';

/*
 * The ledger export at BENCH_CASES cases (default 100,000; demo-scale units, cases over the last
 * twelve months). The city supervisor downloads from the compiled server (its own process,
 * JOBS=off; `npm run build` first) over HTTP, as CSV and as XLSX: the last full month, then the
 * last 13 months (every case), then those again by a client that stops reading for
 * BENCH_PAUSE_SECONDS (default 5) after the first megabyte. Prints rows, bytes, seconds, rows/s and
 * the server's resident memory before each export, at its peak during it and at its peak while the
 * client waits (VmRSS sampled every 100 ms). All of it twice: with Node's default heap, where V8
 * lets garbage pile up before collecting, and with the heap capped at BENCH_HEAP_MB (default 128,
 * --max-old-space-size), which an export that kept its rows could not live in. The files are read
 * back (CSV parsed, XLSX through exceljs's streaming reader) and their rows counted.
 */

const CASES = Number(process.env.BENCH_CASES ?? 100_000);
const PAUSE_MS = Number(process.env.BENCH_PAUSE_SECONDS ?? 5) * 1000;
const HEAP_MB = Number(process.env.BENCH_HEAP_MB ?? 128);
const SECRET = 'bench-secret-that-is-long-enough-0123456789';
const CITY_SUPERVISOR = '13800000001';

let db: TestDb;
let dataDir = '';
let server: RunningServer | undefined;
/** The last 13 months (every case), and the last full month alone. */
let whole = '';
let month = '';
let monthCases = 0;

beforeAll(async () => {
  db = await createTestDb();
  const now = new Date();
  const t0 = performance.now();
  await generate(db.orm.em.fork(), { scale: 'demo', cases: CASES, now });
  console.log(`generated ${CASES} cases in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  // Cases go back 365 days: from the month of a year and a day ago to this month covers them all.
  whole = `from=${localDate(new Date(now.getTime() - 366 * 86_400_000)).slice(0, 7)}&to=${localDate(now).slice(0, 7)}`;
  const last = localDate(new Date(Date.parse(`${localDate(now).slice(0, 7)}-01T00:00:00Z`) - 86_400_000)).slice(0, 7);
  month = `from=${last}&to=${last}`;
  const [{ m }] = await db.orm.em.fork().execute<{ m: number }[]>(
    `select count(*)::int as m from cases where reported_at >= (?::date)::timestamp at time zone 'Asia/Shanghai'
       and reported_at < ((?::date) + interval '1 month')::timestamp at time zone 'Asia/Shanghai'`,
    [`${last}-01`, `${last}-01`],
  );
  monthCases = m;
  dataDir = freshDataDir('bench-ledger-');
});
afterAll(async () => {
  await stop();
  await db?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function stop(): Promise<void> {
  if (server && server.proc.exitCode === null) {
    server.proc.kill('SIGINT');
    if (!(await waitFor(() => server!.proc.exitCode !== null, 10_000))) server.proc.kill('SIGKILL');
  }
  server = undefined;
}

interface Run {
  bytes: number;
  seconds: number;
  rssBefore: number;
  rssPeak: number;
  /** Peak RSS while the client was not reading (paused runs). */
  rssPaused: number;
}

/** Downloads to a file, sampling the server's RSS every 100 ms; optionally stops reading for a while. */
async function download(token: string, format: 'csv' | 'xlsx', file: string, range: string, pauseAfter?: number): Promise<Run> {
  const rss = server!.rss;
  const rssBefore = rss();
  let rssPeak = rssBefore;
  let rssPaused = 0;
  let paused = false;
  const sampler = setInterval(() => {
    const now = rss();
    rssPeak = Math.max(rssPeak, now);
    if (paused) rssPaused = Math.max(rssPaused, now);
  }, 100);
  const out = createWriteStream(file);
  const t0 = performance.now();
  try {
    const res = await fetch(`${server!.url}/ledger.${format}?${range}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    let bytes = 0;
    let waited = pauseAfter === undefined;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      if (!out.write(chunk)) await once(out, 'drain');
      if (!waited && bytes >= pauseAfter!) {
        waited = true;
        paused = true;
        await new Promise((r) => setTimeout(r, PAUSE_MS));
        paused = false;
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    out.end();
    await once(out, 'finish');
    return { bytes, seconds, rssBefore, rssPeak, rssPaused };
  } finally {
    clearInterval(sampler);
    out.destroy();
  }
}

async function csvRows(file: string): Promise<number> {
  let n = 0;
  for await (const _ of createReadStream(file).pipe(parse({ bom: true }))) n++;
  return n - 1;
}

async function xlsxRows(file: string): Promise<number> {
  let n = 0;
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'ignore', hyperlinks: 'ignore', styles: 'ignore', worksheets: 'emit' });
  for await (const sheet of reader) for await (const _ of sheet) n++;
  return n - 1;
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;

it('streams the city ledger as CSV and XLSX in constant memory', async () => {
  const [{ n }] = await db.orm.em.fork().execute<{ n: number }[]>('select count(*)::int as n from cases');
  expect(n).toBe(CASES);
  const lines = [
    `ledger export on Node ${process.version}, ${CASES.toLocaleString('en')} cases (demo-scale units), city supervisor`,
    '| server heap | format | range | client | rows | bytes | seconds | rows/s | server RSS before | peak during | peak while the client waits |',
    '|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const runs: [string, number, number | undefined][] = [
    [month, monthCases, undefined],
    [whole, CASES, undefined],
    [whole, CASES, 1024 * 1024],
  ];
  for (const [heap, env] of [
    ['default', {}],
    [`${HEAP_MB} MB`, { NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}` }],
  ] as const) {
    server = await startServer(dataDir, { DATABASE_URL: db.url, JWT_SECRET: SECRET, DEMO_DATA: 'false', JOBS: 'off', ...env });
    const token = await server.login(CITY_SUPERVISOR);
    for (const format of ['csv', 'xlsx'] as const) {
      for (const [range, expected, pause] of runs) {
        const file = path.join(dataDir, `ledger.${format}`);
        const run = await download(token, format, file, range, pause);
        const rows = format === 'csv' ? await csvRows(file) : await xlsxRows(file);
        expect(rows).toBe(expected);
        lines.push(
          `| ${heap} | ${format.toUpperCase()} | ${range.replace('from=', '').replace('&to=', ' – ')} | ${pause ? `pauses ${PAUSE_MS / 1000} s after 1 MB` : 'reads at full speed'} | ${rows.toLocaleString('en')} | ${run.bytes.toLocaleString('en')} | ${run.seconds.toFixed(1)} | ${Math.round(rows / run.seconds).toLocaleString('en')} | ${mb(run.rssBefore)} | ${mb(run.rssPeak)} (+${mb(run.rssPeak - run.rssBefore)}) | ${pause ? mb(run.rssPaused) : '–'} |`,
        );
        rmSync(file, { force: true });
      }
    }
    // The server stayed up through every export (a heap too small for them would have ended it).
    expect(server.proc.exitCode).toBeNull();
    await stop();
  }
  console.log(lines.join('\n'));
});
