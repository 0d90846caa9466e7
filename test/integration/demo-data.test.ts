import { generate } from '../../src/seed/generator';
import { startTestApp, type TestApp } from '../support/app';
import { createTestDb, type TestDb } from '../support/db';

/*
 * The demo data set as someone trying the product meets it: a supervisor for every county, the demo
 * township officer and grid worker with work of their own in every state, and emergencies handled
 * the way real ones are (accepted within the hour, not open for months).
 */

const NOW = new Date('2026-12-01T02:00:00Z');
let db: TestDb;
let app: TestApp;

beforeAll(async () => {
  db = await createTestDb();
  await generate(db.orm.em.fork(), { scale: 'demo', cases: 400, now: NOW });
  app = await startTestApp(db, { now: () => NOW });
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

const login = async (phone: string) => {
  const res = await app.gql('mutation($p: String!) { login(input: {phone: $p, password: "sanling-demo"}) { token officer { role unit { name kind } } } }', {
    p: phone,
  });
  expect(res.errors).toBeUndefined();
  return res.data.login;
};

it('has a supervisor for each county, who reads that county and no other', async () => {
  const counties = await db.orm.em.fork().execute<{ name: string }[]>(`select name from units where kind = 'COUNTY' order by code`);
  expect(counties.length).toBe(13);
  for (const [i, county] of counties.entries()) {
    const phone = `1380000${String(101 + i).padStart(4, '0')}`;
    const { token, officer } = await login(phone);
    expect(officer).toEqual({ role: 'SUPERVISOR', unit: { name: county.name, kind: 'COUNTY' } });
    if (i === 0) {
      const res = await app.gql('{ rankings(level: COUNTY) { unit { name } } }', undefined, token);
      expect(res.errors).toBeUndefined();
      expect(res.data.rankings.map((r: { unit: { name: string } }) => r.unit.name)).toEqual([county.name]);
    }
  }
});

it('gives the demo township officer and grid worker cases of their own in every state they work', async () => {
  const statuses = async (phone: string) => {
    const { token } = await login(phone);
    const res = await app.gql('{ cases(first: 100, filter: {mine: true}) { edges { node { status availableActions } } } }', undefined, token);
    expect(res.errors).toBeUndefined();
    return res.data.cases.edges.map((e: { node: { status: string; availableActions: string[] } }) => e.node);
  };
  const township = await statuses('13800000003');
  expect(township.map((c: { status: string }) => c.status)).toEqual(expect.arrayContaining(['REPORTED', 'ACCEPTED']));
  expect(township.find((c: { status: string }) => c.status === 'REPORTED').availableActions).toEqual(expect.arrayContaining(['ACCEPT', 'REJECT']));
  const grid = await statuses('13800000004');
  expect(grid.map((c: { status: string }) => c.status)).toEqual(expect.arrayContaining(['ASSIGNED', 'IN_PROGRESS', 'RESOLVED']));
  expect(grid.find((c: { status: string }) => c.status === 'IN_PROGRESS').availableActions).toContain('RESOLVE');
});

it('handles emergencies as real ones are: accepted within the hour, none open after a week', async () => {
  const [row] = await db.orm.em.fork().execute<{ waiting: number; stale: number; all: number }[]>(
    `select count(*) filter (where status = 'REPORTED' and reported_at < ?::timestamptz - interval '1 hour')::int as waiting,
            count(*) filter (where status in ('ACCEPTED', 'ASSIGNED', 'IN_PROGRESS') and reported_at < ?::timestamptz - interval '7 days')::int as stale,
            count(*)::int as all
     from cases where priority = 'EMERGENCY'`,
    [NOW, NOW],
  );
  expect(row.all).toBeGreaterThan(5);
  expect({ waiting: row.waiting, stale: row.stale }).toEqual({ waiting: 0, stale: 0 });
});
