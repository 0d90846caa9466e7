import { generate } from '../../src/seed/generator';
import { verifyAllTrails } from '../../src/domain/cases/trail.service';
import { keepToken, startTestApp, type TestApp } from '../support/app';
import { createTestDb, type TestDb } from '../support/db';

/* Nested fields are batched per request (DataLoader): the SQL count of a page must not grow with its size. */

const NOW = new Date('2026-11-23T04:00:00Z');
let db: TestDb;
let app: TestApp;
let token: string;

beforeAll(async () => {
  db = await createTestDb();
  await generate(db.orm.em.fork(), { scale: 'demo', cases: 400, now: NOW });
  app = await startTestApp(db, { now: () => NOW });
  const res = await app.gql('mutation { login(input: {phone: "13800000001", password: "sanling-demo"}) { token } }');
  token = res.data.login.token;
  await keepToken(app, db, token);
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

async function statementsFor(first: number): Promise<{ count: number; edges: number }> {
  const query = `{ cases(first: ${first}) { edges { node { unit { parent { name } } handlingUnit { name } assignee { name } } } } }`;
  db.queries.length = 0;
  const res = await app.gql(query, {}, token);
  expect(res.errors).toBeUndefined();
  return { count: db.queries.length, edges: res.data.cases.edges.length };
}

it('runs the same number of SQL statements for 50 cases as for 5', async () => {
  const small = await statementsFor(5);
  const large = await statementsFor(50);
  expect(small.edges).toBe(5);
  expect(large.edges).toBe(50);
  // The demo data has assignees and parents on these pages, so every loader really runs.
  expect(large.count).toBe(small.count);
  // The page, its units with their parents, its officers: one statement each (the token's officer is kept).
  expect(large.count).toBe(3);
});

it('batches children and officer units too', async () => {
  const q = (first: number) => `{ units(first: ${first}) { edges { node { parent { code } children(first: 3) { code parent { code } } } } } }`;
  db.queries.length = 0;
  const a = await app.gql(q(5), {}, token);
  const small = db.queries.length;
  db.queries.length = 0;
  const b = await app.gql(q(60), {}, token);
  expect(a.errors).toBeUndefined();
  expect(b.errors).toBeUndefined();
  expect(b.data.units.edges.length).toBe(60);
  expect(db.queries.length).toBe(small);
});

it('works out the actions of a page of cases with the calendar and the policies read once', async () => {
  const statements = async (first: number) => {
    db.queries.length = 0;
    const res = await app.gql(
      `{ cases(first: ${first}, filter: {status: [RESOLVED, IN_PROGRESS, REPORTED]}) { edges { node { availableActions } } } }`,
      {},
      token,
    );
    expect(res.errors).toBeUndefined();
    return { count: db.queries.length, actions: new Set(res.data.cases.edges.flatMap((e: any) => e.node.availableActions)) };
  };
  const small = await statements(5);
  const large = await statements(50);
  // The rules ran: a page of resolved, running and new cases offers many different actions.
  expect(large.actions.size).toBeGreaterThan(5);
  expect(large.count).toBe(small.count);
  // The page, the calendar (close-out waits for the visit) and the policies (extension).
  expect(large.count).toBeLessThanOrEqual(3);
});

it('generates demo data whose every trail verifies', async () => {
  const { checked, broken } = await verifyAllTrails(db.orm.em.fork());
  expect(checked).toBe(400);
  expect(broken).toEqual([]);
});
