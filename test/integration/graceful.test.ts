import { createTestDb, type TestDb } from '../support/db';
import { useDataDir } from '../support/server-process';

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
