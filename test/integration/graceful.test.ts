import { createTestDb, type TestDb } from '../support/db';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { freePort } from '../../src/embedded/embedded';
import { SERVER, freshDataDir, useDataDir, userEnv } from '../support/server-process';

/*
 * A restart drops nothing: SIGTERM while 50 requests are in flight, and every one of them is
 * answered in full before the process exits; /readyz says 503 while it drains; new connections are
 * refused once it has stopped listening. The compiled server (`npm start`), demo data.
 */

const data = useDataDir('graceful-');
let db: TestDb;

beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db?.drop();
});

const QUERY = '{ cases(first: 60) { edges { node { number similarCases { id } events(first: 10) { edges { node { id } } } } } } }';

it('answers every request in flight after SIGTERM, then exits cleanly', async () => {
  // Room for all 50 at once from one supervisor: this is about shutdown, not about the fair share.
  const server = await data.start({ DATABASE_URL: db.url, JOBS: 'off', FAIR_SHARE_REQUESTS: '60', FAIR_SHARE_QUEUE: '100' });
  try {
    const token = await server.login('13800000001');
    let signalledAt = 0;
    const answers = Array.from({ length: 50 }, async () => {
      const res = await server.gql(QUERY, undefined, token);
      return { status: res.status, cases: res.data?.cases?.edges?.length, errors: res.errors, at: Date.now() };
    });
    // Wait until all 50 have reached the server (each takes longer than this with 49 others), then ask it to stop.
    await new Promise((r) => setTimeout(r, 300));
    signalledAt = Date.now();
    server.proc.kill('SIGTERM');
    // While it drains, readiness says no: balancers stop sending it anything new.
    let ready: { status: number; reasons: string[] } | undefined;
    for (let i = 0; i < 40 && ready?.status !== 503; i++) {
      const r = await fetch(`${server.url}/readyz`).catch(() => undefined);
      if (!r) break;
      ready = { status: r.status, reasons: ((await r.json()) as { reasons: string[] }).reasons };
      if (r.status !== 503) await new Promise((res) => setTimeout(res, 25));
    }
    const done = await Promise.all(answers);
    expect(done.map((d) => ({ status: d.status, cases: d.cases, errors: d.errors }))).toEqual(done.map(() => ({ status: 200, cases: 60, errors: undefined })));
    // Some were still running when the signal came: the test really drained something.
    expect(done.filter((d) => d.at > signalledAt).length).toBeGreaterThan(0);
    expect(ready).toEqual({ status: 503, reasons: expect.arrayContaining(['shutting down']) });
    expect(await server.exited).toBe(0);
    expect(server.log()).toMatch(/SIGTERM: shutting down[\s\S]*shutdown complete/);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  } finally {
    if (server.proc.exitCode === null) server.proc.kill('SIGKILL');
  }
});

it('is alive but not ready while it starts: /healthz 200 and /readyz 503 until the database is migrated and the demo loaded', async () => {
  const dir = freshDataDir('starting-');
  const port = await freePort();
  const proc = spawn(process.execPath, [SERVER], { env: userEnv(dir, { PORT: String(port), JOBS: 'off' }), stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stderr.on('data', (d) => (log += d));
  proc.stdout.on('data', (d) => (log += d));
  const seen: string[] = [];
  try {
    const deadline = Date.now() + 90_000;
    for (;;) {
      const get = (path: string) =>
        fetch(`http://127.0.0.1:${port}${path}`)
          .then(async (r) => `${r.status} ${JSON.stringify(await r.json())}`)
          .catch(() => 'no answer');
      const [ready, live, api] = await Promise.all([get('/readyz'), get('/healthz'), get('/graphql?query=%7B__typename%7D')]);
      const state = `${ready.slice(0, 3)} ${live.slice(0, 3)} ${api.slice(0, 3)}`;
      if (seen[seen.length - 1] !== state) seen.push(state);
      if (ready.startsWith('200')) break;
      if (ready.startsWith('503')) expect(ready).toContain('"reasons":["starting"]');
      if (Date.now() > deadline) throw new Error(`never ready:\n${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    // Starting (alive, not ready, API refused for now), then ready; never ready before the log says so.
    expect(seen).toContain('503 200 503');
    expect(seen[seen.length - 1]).toBe('200 200 200');
    expect(log).toMatch(/starting: health checks answer on port \d+[\s\S]*demo data loaded[\s\S]*listening on http/);
  } finally {
    proc.kill('SIGINT');
    await new Promise((r) => proc.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
});
