import { enqueue } from '../../src/domain/push/push';
import { startTestApp, useWorldApp } from '../support/app';
import { say } from '../support/chat';

/*
 * GET /metrics as Prometheus scrapes it: behind its token, in the exposition format, with the
 * request durations, error codes, the pool, the outbox, jobs and login refusals a city's operator
 * watches. Parsed line by line as a scraper would.
 */

const TOKEN = 'metrics-token-for-the-test-0123456789';
const t = useWorldApp(undefined, { METRICS_TOKEN: TOKEN });

/** Samples of the exposition text: `name{labels} value`, labels as an object. */
function parse(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  const samples = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return samples;
}

async function scrape(token = TOKEN) {
  return fetch(`${t.app.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
}

it('refuses a scrape without the token', async () => {
  expect((await fetch(`${t.app.url}/metrics`)).status).toBe(401);
  expect((await scrape('wrong-token-wrong-token-wrong-token-00')).status).toBe(401);
});

it('exposes request durations by route and operation, error codes, the pool, the outbox, jobs and login refusals', async () => {
  const officer = await t.app.login('offA1');
  await t.app.gql('query Workbench { cases(first: 2) { totalCount } }', undefined, officer);
  await t.app.gql('query Broken { case(number: "nope") { id } cases(first: -1) { totalCount } }', undefined, officer);
  await fetch(`${t.app.url}/healthz`);
  // A wrong password, a pending push and a dead one, a finished sweep.
  await t.app.gql('mutation { login(input: {phone: "13800000102", password: "wrong-password-1"}) { token } }');
  const em = t.db.orm.em.fork();
  await em.transactional((tx) =>
    enqueue(
      tx,
      [{ topic: 'digest.daily', payload: { lines: [] } as never, recipient: `officer:${t.world.officers.gridA1a.id}`, dedupeKey: 'metrics-1' }],
      new Date(),
    ),
  );
  // A copy of it that gave up: a dead letter.
  await em.execute(
    `insert into outbox (topic, payload, recipient, dedupe_key, status, available_at, created_at, attempts)
     select topic, payload, recipient, 'metrics-dead', 'DEAD', available_at, created_at, 8 from outbox where dedupe_key = 'metrics-1'`,
  );
  await em.execute(
    `insert into job_runs (job, period, started_at, finished_at, result) values ('deadline-sweep', 'metrics', now() - interval '2 seconds', now(), '{"urged": 3, "reminded": 1}')`,
  );

  const res = await scrape();
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  const samples = parse(await res.text());
  const find = (name: string, labels: Record<string, string> = {}) =>
    samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

  expect(find('sanling_graphql_request_duration_seconds_count', { operation: 'Workbench', outcome: 'ok' })[0]?.value).toBe(1);
  expect(find('sanling_graphql_request_duration_seconds_count', { operation: 'Broken', outcome: 'error' })[0]?.value).toBe(1);
  expect(find('sanling_graphql_errors_total', { code: 'BAD_USER_INPUT' })[0]?.value).toBeGreaterThanOrEqual(1);
  expect(find('sanling_http_request_duration_seconds_count', { route: '/graphql', method: 'POST', status: '200' })[0]?.value).toBeGreaterThanOrEqual(3);
  expect(find('sanling_http_request_duration_seconds_count', { route: '/healthz', status: '200' })[0]?.value).toBe(1);
  expect(
    find('sanling_db_pool_connections')
      .map((s) => s.labels.state)
      .sort(),
  ).toEqual(['idle', 'in_use', 'waiting']);
  expect(find('sanling_outbox_messages', { state: 'dead' }).reduce((n, s) => n + s.value, 0)).toBeGreaterThanOrEqual(1);
  expect(find('sanling_outbox_messages', { state: 'pending', channel: 'WORKBENCH' })[0]?.value).toBeGreaterThanOrEqual(1);
  expect(find('sanling_sweep_last_cases', { figure: 'urged' })[0]?.value).toBe(3);
  expect(find('sanling_job_last_run_seconds', { job: 'deadline-sweep' })[0]?.value).toBeGreaterThan(1);
  expect(find('sanling_login_refusals_last_hour', { outcome: 'WRONG_PASSWORD' })[0]?.value).toBeGreaterThanOrEqual(1);
  // Process metrics from prom-client's defaults.
  expect(find('process_resident_memory_bytes')[0]?.value).toBeGreaterThan(0);
  // Client-chosen operation names cannot blow up the series: odd ones are "other".
  await t.app.gql('query AnOperation { __typename }', undefined, officer);
  const again = parse(await (await scrape()).text());
  expect(again.some((s) => s.labels.operation === 'AnOperation')).toBe(true);
});

it('counts chat messages and refusals by channel and reason', async () => {
  const before = parse(await (await scrape()).text());
  const count = (samples: ReturnType<typeof parse>, name: string, labels: Record<string, string>) =>
    samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((n, s) => n + s.value, 0);
  await say(t.app.url, 'metrics-contact-01', '你好');
  await say(t.app.url, 'metrics-contact-01', '长'.repeat(2500));
  const after = parse(await (await scrape()).text());
  const web = { channel: 'WEB_CHAT' };
  expect(count(after, 'sanling_chat_messages_total', web) - count(before, 'sanling_chat_messages_total', web)).toBe(2);
  const tooLong = { ...web, reason: 'text-too-long' };
  expect(count(after, 'sanling_chat_refusals_total', tooLong) - count(before, 'sanling_chat_refusals_total', tooLong)).toBe(1);
  expect(count(after, 'sanling_chat_refusals_total', { ...web, reason: 'rate' })).toBe(0);
});

it('is off (404) on a server started without METRICS_TOKEN', async () => {
  const plain = await startTestApp(t.db);
  try {
    const res = await fetch(`${plain.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(404);
    expect((await res.json()).error).toMatch(/METRICS_TOKEN/);
  } finally {
    await plain.close();
  }
});
