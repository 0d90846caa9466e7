import { Client } from 'pg';
import { createLoaders } from '../../src/graphql/context';
import { DomainError } from '../../src/domain/errors';
import { startTestApp, type TestApp } from '../support/app';
import { createTestDb, type TestDb } from '../support/db';
import { buildWorld, type OfficerKey } from '../support/fixture';

/*
 * How one process shares its requests and database connections. A side transaction holds an
 * exclusive lock on `cases`, so every statement that reads cases waits where PostgreSQL shows it
 * (pg_stat_activity): the tests see how many statements a client gets to run, what waits in the
 * server, and that another client's request is answered all the same.
 */

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
  await buildWorld(db.orm.em.fork());
});
afterAll(() => db?.drop());

/** Holds `lock table cases` in a transaction of its own until released. */
async function lockCases(): Promise<{ release: () => Promise<void> }> {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  await client.query('begin');
  await client.query('lock table cases in access exclusive mode');
  return {
    release: async () => {
      await client.query('rollback').catch(() => undefined);
      await client.end();
    },
  };
}

/** Statements of this database waiting for a lock now. */
async function lockWaiters(): Promise<number> {
  const [row] = await db.orm.em
    .fork()
    .getConnection()
    .execute<{ n: number }[]>(`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
  return row.n;
}

async function until(what: string, check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function post(app: TestApp, query: string, token: string) {
  const started = performance.now();
  const res = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
  return { status: res.status, retryAfter: res.headers.get('retry-after'), ms: performance.now() - started, ...body };
}

async function withApp(env: Record<string, string>, run: (app: TestApp, tokens: Record<OfficerKey, string>) => Promise<void>) {
  const app = await startTestApp(db, undefined, env);
  try {
    const keys: OfficerKey[] = ['admin', 'supA', 'offA1', 'offB', 'gridA1a'];
    const tokens = {} as Record<OfficerKey, string>;
    for (const k of keys) tokens[k] = await app.login(k);
    await run(app, tokens);
  } finally {
    await app.close();
  }
}

const CASES = '{ cases(first: 5) { totalCount edges { node { number } } } }';

describe('the request deadline', () => {
  it('cancels a statement still running at the deadline and answers the timeout error, not an internal one', async () => {
    await withApp({ GRAPHQL_TIMEOUT_MS: '600' }, async (app, tokens) => {
      const lock = await lockCases();
      try {
        const res = await post(app, CASES, tokens.offA1);
        expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
        expect(res.errors?.[0].extensions?.timeoutMs).toBe(600);
        expect(res.errors?.[0].message).toMatch(/longer than 600 ms/);
        // Answered at the deadline (the lock would hold it for ever), and PostgreSQL works on it no more.
        expect(res.ms).toBeLessThan(3000);
        await until('the cancelled statement is gone', async () => (await lockWaiters()) === 0);
      } finally {
        await lock.release();
      }
      // The pool is whole again: the next request is answered.
      expect((await post(app, CASES, tokens.offA1)).data).toBeTruthy();
    });
  });

  it('rejects a batched load past the deadline with the timeout error (DataLoader made a TypeError of a synchronous throw)', async () => {
    const loaders = createLoaders(db.orm.em.fork(), () => null, undefined, { deadline: Date.now() - 1, timeoutMs: 5 });
    const err = await loaders.unit.load(1).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: 'BAD_USER_INPUT', details: { timeoutMs: 5 } });
  });
});

describe('a fair share per client', () => {
  it('runs a few of one officer’s requests and statements at once, queues some, refuses the rest, and answers another officer meanwhile', async () => {
    await withApp({ FAIR_SHARE_REQUESTS: '4', FAIR_SHARE_QUEUE: '8', FAIR_SHARE_CONNECTIONS: '2', QUEUE_WAIT_MS: '20000' }, async (app, tokens) => {
      const lock = await lockCases();
      let flood: ReturnType<typeof post>[] = [];
      try {
        flood = Array.from({ length: 14 }, () => post(app, CASES, tokens.offA1));
        // Two of the officer's statements reach PostgreSQL, however many requests and fields wait behind them.
        await until('two statements wait for the lock', async () => (await lockWaiters()) === 2);
        await sleep(300);
        expect(await lockWaiters()).toBe(2);
        // Another officer is served from the rest of the pool.
        const other = await post(app, '{ me { name role } unit(code: "A") { name } }', tokens.supA);
        expect(other.errors).toBeUndefined();
        expect(other.ms).toBeLessThan(1000);
      } finally {
        await lock.release();
      }
      const results = await Promise.all(flood);
      const refused = results.filter((r) => r.status === 429);
      // 4 running and 8 waiting are answered; the 13th and 14th were told at once to come back.
      expect(results.filter((r) => r.status === 200 && r.data).length).toBe(12);
      expect(refused.length).toBe(2);
      for (const r of refused) {
        expect(r.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
        expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
      }
    });
  });

  it('gives heavy requests their own share of the pool: two supervisors’ heavy reads run one statement at a time, a light read passes', async () => {
    await withApp({ HEAVY_CONNECTIONS: '1' }, async (app, tokens) => {
      const lock = await lockCases();
      let heavy: ReturnType<typeof post>[] = [];
      try {
        // totalCountExact is heavy whatever the page size.
        heavy = [post(app, '{ cases(first: 1) { totalCountExact } }', tokens.supA), post(app, '{ cases(first: 1) { totalCountExact } }', tokens.admin)];
        await until('a heavy statement waits for the lock', async () => (await lockWaiters()) === 1);
        await sleep(300);
        expect(await lockWaiters()).toBe(1);
        const light = await post(app, '{ unit(code: "A1") { name parent { name } } }', tokens.offA1);
        expect(light.errors).toBeUndefined();
        expect(light.ms).toBeLessThan(1000);
      } finally {
        await lock.release();
      }
      for (const r of await Promise.all(heavy)) expect(r.data).toEqual({ cases: { totalCountExact: expect.any(Number) } });
    });
  });
});

describe('the server’s own cap', () => {
  it('answers 503 with Retry-After past its in-flight cap and short queue, and says it is not ready meanwhile', async () => {
    await withApp({ SERVER_MAX_IN_FLIGHT: '2', SERVER_QUEUE: '1', QUEUE_WAIT_MS: '400' }, async (app, tokens) => {
      expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
      const lock = await lockCases();
      let running: ReturnType<typeof post>[] = [];
      try {
        running = [post(app, CASES, tokens.offA1), post(app, CASES, tokens.offB)];
        await until('both wait for the lock', async () => (await lockWaiters()) === 2);
        const [queued, refused] = await Promise.all([post(app, CASES, tokens.supA), sleep(50).then(() => post(app, CASES, tokens.admin))]);
        // One waited its 400 ms in the queue, the other found the queue full.
        for (const r of [queued, refused]) {
          expect(r.status).toBe(503);
          expect(r.retryAfter).toBe('1');
          expect(r.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', scope: 'server' });
        }
        expect(refused.ms).toBeLessThan(queued.ms);
        const ready = await fetch(`${app.url}/readyz`);
        expect(ready.status).toBe(503);
        expect(await ready.json()).toMatchObject({ status: 'not ready', reasons: expect.arrayContaining([expect.stringMatching(/request/)]) });
        // Liveness is another question: the process and its database are fine.
        expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
      } finally {
        await lock.release();
      }
      for (const r of await Promise.all(running)) expect(r.status).toBe(200);
      const ready = await fetch(`${app.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready', reasons: [], pool: { max: expect.any(Number) }, requests: { inFlight: 0, queued: 0 } });
    });
  });
});
