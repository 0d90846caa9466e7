import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { useDataDir, waitFor, type RunningServer } from '../support/server-process';

/*
 * The log as an operator's log system reads it: the compiled server with LOG_FORMAT=json on the
 * embedded PostgreSQL. Every line is a JSON object; every request is one line with its id, operation,
 * officer, duration, outcome and code; an unexpected error is logged once under the id the client
 * got; no phone, password or token appears anywhere; the database's slow statements and lock waits
 * come through the same log.
 */

const data = useDataDir('logging-');
let server: RunningServer;

beforeAll(async () => {
  server = await data.start({ JOBS: 'off', LOG_FORMAT: 'json', LOG_LEVEL: 'info', DB_SLOW_STATEMENT_MS: '300' });
});

interface Line {
  level: string;
  time: string;
  proc?: string;
  msg: string;
  req?: string;
  method?: string;
  path?: string;
  status?: number;
  ms?: number;
  op?: string;
  officer?: number;
  outcome?: string;
  code?: string;
  component?: string;
  event?: string;
  err?: { message: string; stack?: string };
}

const lines = (): Line[] =>
  server
    .log()
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Line);

async function post(body: object, token?: string): Promise<{ id: string; json: any }> {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { id: res.headers.get('x-request-id')!, json: await res.json() };
}

/** A client on the server's embedded PostgreSQL. */
async function pg(): Promise<Client> {
  const { password } = JSON.parse(readFileSync(path.join(data.dir, 'embedded-credentials.json'), 'utf8')) as { password: string };
  const port = readFileSync(path.join(data.dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[3];
  const client = new Client({ connectionString: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/sanling` });
  await client.connect();
  return client;
}

const forRequest = async (id: string) => {
  await waitFor(() => lines().some((l) => l.req === id && l.outcome), 5000);
  return lines().filter((l) => l.req === id);
};

let token = '';

it('writes every line as one JSON object, named by process', () => {
  const all = lines();
  expect(all.length).toBeGreaterThan(3);
  expect(all.find((l) => /listening on http/.test(l.msg))).toMatchObject({ level: 'info', proc: 'api' });
  for (const l of all) expect(l.time).toMatch(/^\d{4}-\d\d-\d\dT/);
});

it('logs each request once: id, operation, officer, duration, outcome and code', async () => {
  const login = await post({
    query: 'mutation SignIn($i: LoginInput!) { login(input: $i) { token officer { id } } }',
    variables: { i: { phone: '13800000000', password: 'sanling-demo' } },
  });
  token = login.json.data.login.token;
  const [signIn, ...more] = await forRequest(login.id);
  expect(more).toEqual([]);
  expect(signIn).toMatchObject({ level: 'info', method: 'POST', path: '/graphql', status: 200, op: 'SignIn', outcome: 'ok', officer: expect.any(Number) });
  expect(signIn.ms).toBeGreaterThan(0);

  const list = await post({ query: 'query Todo { cases(first: 5) { totalCount } }' }, token);
  expect(await forRequest(list.id)).toEqual([expect.objectContaining({ op: 'Todo', officer: signIn.officer, outcome: 'ok' })]);

  const refused = await post({ query: 'query Todo { cases(first: 5) { totalCount } }' });
  expect(await forRequest(refused.id)).toEqual([expect.objectContaining({ op: 'Todo', outcome: 'error', code: 'UNAUTHENTICATED' })]);

  const wrong = await post({ query: 'mutation { login(input: {phone: "13800000000", password: "wrong-password-9"}) { token } }' });
  expect(await forRequest(wrong.id)).toEqual([expect.objectContaining({ op: 'mutation', outcome: 'error', code: 'UNAUTHENTICATED' })]);

  // Outside GraphQL too, and a proxy's request id is kept.
  const photo = await fetch(`${server.url}/cases/nope/photos/also-nope?token=${token}`, { headers: { 'x-request-id': 'proxy-id-12345' } });
  expect(photo.headers.get('x-request-id')).toBe('proxy-id-12345');
  const [line] = await forRequest('proxy-id-12345');
  expect(line).toMatchObject({ method: 'GET', path: '/cases/nope/photos/also-nope', outcome: 'refused', status: photo.status });
});

it('logs an unexpected error once, under the request id the client saw', async () => {
  const client = await pg();
  try {
    // The trail's table gone from under the server: reading a case's events fails inside.
    await client.query('alter table case_events rename to case_events_away');
    const broken = await post({ query: 'query Trail { cases(first: 1) { edges { node { events(first: 1) { totalCount } } } } }' }, token);
    await client.query('alter table case_events_away rename to case_events');
    expect(broken.json.errors[0].extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', requestId: broken.id });
    const mine = await forRequest(broken.id);
    const errors = mine.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0].err?.message).toMatch(/case_events/);
    expect(mine.find((l) => l.outcome)).toMatchObject({ op: 'Trail', outcome: 'error', code: 'INTERNAL_SERVER_ERROR' });
  } finally {
    await client.query('alter table if exists case_events_away rename to case_events');
    await client.end();
  }
});

it('passes on the database’s slow statements and lock waits, without their parameters', async () => {
  const a = await pg();
  const b = await pg();
  try {
    await a.query('select pg_sleep(0.4), $1::text as phone', ['13800000999']);
    await a.query('begin');
    await a.query('lock table units');
    await b.query('begin');
    const waiting = b.query('lock table units');
    await new Promise((r) => setTimeout(r, 1300)); // past deadlock_timeout (1 s): the wait is logged
    await a.query('commit');
    await waiting;
    await b.query('commit');
  } finally {
    await a.end();
    await b.end();
  }
  expect(await waitFor(() => lines().some((l) => l.event === 'lock-wait' && / acquired AccessExclusiveLock /.test(l.msg)), 5000)).toBe(true);
  const pgLines = lines().filter((l) => l.component === 'postgres');
  expect(pgLines.find((l) => l.event === 'slow-statement' && /pg_sleep\(0\.4\)/.test(l.msg))).toMatchObject({ level: 'warn' });
  expect(pgLines.find((l) => l.event === 'lock-wait' && /still waiting for AccessExclusiveLock/.test(l.msg))).toMatchObject({ level: 'warn' });
});

it('never writes a phone number, a password or a token', () => {
  // (From the listening line on: at start, development names the demo login on purpose.)
  const log = server.log().slice(server.log().indexOf('listening on http'));
  expect(log).not.toContain('13800000000');
  expect(log).not.toContain('13800000999');
  expect(log).not.toContain('sanling-demo');
  expect(log).not.toContain('wrong-password-9');
  expect(log).not.toContain(token.split('.')[2]);
});
