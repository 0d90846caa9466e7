import { graphql } from 'graphql';
import type { EntityManager } from '@mikro-orm/postgresql';
import { generate } from '../../src/seed/generator';
import { tokenKey } from '../../src/domain/access/auth.service';
import type { OfficerActor } from '../../src/domain/access/actor';
import { selectRows, sqlRowSource, type RowSource } from '../../src/domain/read/load';
import {
  CASE_ROW,
  caseRowOf,
  EVENT_ROW,
  eventRowOf,
  OFFICER_ROW,
  officerRowOf,
  RESIDENT_ROW,
  residentRowOf,
  UNIT_ROW,
  unitRowOf,
} from '../../src/domain/read/rows';
import { Case, CaseEvent, Officer, OfficerRole, Resident, Unit } from '../../src/entities';
import { createLoaders, type GraphQLContext } from '../../src/graphql/context';
import { toGlobalId } from '../../src/graphql/relay';
import { getSchema } from '../../src/graphql/schema';
import { DEFAULT_LOGIN_LIMITS } from '../../src/domain/limits/login-throttle';
import { DEFAULT_CAMPAIGN } from '../../src/domain/stats/settings';
import { pushRenderer } from '../../bot/push';
import { zh } from '../../bot/messages';
import { createTestDb, type TestDb } from '../support/db';
import { entityRowSource } from '../support/entity-rows';
import { startTestApp, type TestApp } from '../support/app';

/*
 * GraphQL reads answer from plain rows (pre-built SQL); writes use entities and turn their result into
 * the same rows. These tests hold the two ways of reading together, field by field, for every role.
 */

const NOW = new Date('2026-11-23T04:00:00Z');
let db: TestDb;

beforeAll(async () => {
  db = await createTestDb();
  await generate(db.orm.em.fork(), { scale: 'demo', cases: 400, now: NOW });
  // What the demo data lacks: anonymous reports, attachments, merged duplicates (trail entries with details come below).
  const em = db.orm.em.fork();
  await em.execute(`update cases set anonymous = true where id % 7 = 0 and reporter_id is not null`);
  await em.execute(
    `update cases set attachments = '[{"id":"0b7c3a8e-1b1e-4c59-9d7e-2f0c8a4e5d11","name":"现场.jpg","mimeType":"image/jpeg","size":1234,"addedAt":"2026-11-20T01:02:03.000Z"}]' where id % 5 = 0`,
  );
  await em.execute(`update cases set status = 'MERGED', merged_into_id = id - 1 where id % 11 = 0`);
});
afterAll(async () => db?.drop());

async function actorOfRole(em: EntityManager, role: OfficerRole): Promise<OfficerActor> {
  // The officer of that role whose jurisdiction holds the most cases, so every role sees something.
  const [row] = await em.execute<{ id: number; name: string; unit_id: number; path: string }[]>(
    `select o.id, o.name, o.unit_id, u.path from officers o join units u on u.id = o.unit_id
     where o.role = ? order by (select count(*) from cases c where c.unit_path like u.path || '%' or c.handling_path like u.path || '%') desc, o.id limit 1`,
    [role],
  );
  return { type: 'officer', id: row.id, name: row.name, role, unitId: row.unit_id, unitPath: row.path };
}

const UNIT = 'id code name kind category depth baselineDate';
const OFFICER = `id name phone role unit { ${UNIT} }`;
const CASE_QUERY = `query($id: ID!) { case(id: $id) {
  id number kind priority title description channel status reportedAt acceptDueAt dueAt deadlineExtended acceptedAt resolvedAt
  closedAt supervisionLevel escalation returnVisit createdAt updatedAt version overdue repeatedPetition
  attachments { id name mimeType size addedAt url }
  unit { ${UNIT} parent { ${UNIT} parent { ${UNIT} } } responsibleOfficer { ${OFFICER} } }
  handlingUnit { ${UNIT} parent { ${UNIT} } }
  assignee { ${OFFICER} }
  reporter { displayName phone }
  mergedInto { id number status }
  events(first: 50) { totalCount edges { cursor node {
    id seq type fromStatus toStatus note amount details createdAt hash prevHash
    attachments { id url }
    actor { kind name officer { ${OFFICER} } resident { displayName phone } }
  } } }
} }`;

async function run(actor: OfficerActor, source: (em: EntityManager) => RowSource, query: string, variables: Record<string, unknown>) {
  const em = db.orm.em.fork();
  const ctx: GraphQLContext = {
    em,
    actor,
    loaders: createLoaders(em, () => actor, source(em)),
    services: {
      tokens: { secret: tokenKey('read-path-test-secret-0123456789abcdef'), ttlHours: 1, limits: DEFAULT_LOGIN_LIMITS },
      clock: { now: () => NOW },
      campaign: DEFAULT_CAMPAIGN,
      renderPush: pushRenderer(zh),
    },
    clientIp: '127.0.0.1',
  };
  const result = await graphql({ schema: await getSchema(), source: query, variableValues: variables, contextValue: ctx });
  return JSON.parse(JSON.stringify(result));
}

it("a mutation's payload (an entity made into a row) equals the read that follows (rows from SQL)", async () => {
  const em = db.orm.em.fork();
  const admin = await actorOfRole(em, OfficerRole.ADMIN);
  const fields = CASE_QUERY.slice(CASE_QUERY.indexOf('{ case(id: $id) {') + '{ case(id: $id) {'.length, CASE_QUERY.lastIndexOf('} }'));
  const open = await em.execute<{ id: number }[]>(`select id from cases where status in ('ACCEPTED','ASSIGNED','IN_PROGRESS') order by id limit 8`);
  expect(open).toHaveLength(8);
  for (const { id } of open) {
    const variables = { input: { id: toGlobalId('Case', id), type: 'JUDICIAL_AID', note: '司法救助', amount: 1500.5 } };
    const written = await run(admin, sqlRowSource, `mutation($input: AddCaseNoteInput!) { addCaseNote(input: $input) { case { ${fields} } } }`, variables);
    expect(written.errors).toBeUndefined();
    const read = await run(admin, sqlRowSource, CASE_QUERY, { id: toGlobalId('Case', id) });
    expect(written.data.addCaseNote.case).toEqual(read.data.case);
    expect(read.data.case.events.edges.at(-1).node).toMatchObject({ type: 'JUDICIAL_AID', amount: 1500.5 });
  }
});

it('rows equal the entities on every column, for every case, unit, officer, resident and trail entry', async () => {
  const em = db.orm.em.fork();
  const compare = async <E extends object, R extends { id: number | string }>(
    entity: new () => E,
    reader: Parameters<typeof selectRows<R>>[1],
    rowOf: (e: E) => R,
  ) => {
    const rows = await selectRows(em, reader, 'x', 'order by x.id');
    const entities = (await em.find(entity as never, {}, { orderBy: { id: 'asc' } } as never)) as E[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows).toEqual(entities.map(rowOf));
  };
  await compare(Case, CASE_ROW, caseRowOf);
  await compare(Unit, UNIT_ROW, unitRowOf);
  await compare(Officer, OFFICER_ROW, officerRowOf);
  await compare(Resident, RESIDENT_ROW, residentRowOf);
  await compare(CaseEvent, EVENT_ROW, eventRowOf);
});

it.each([OfficerRole.GRID_WORKER, OfficerRole.OFFICER, OfficerRole.SUPERVISOR, OfficerRole.ADMIN])(
  'a %s sees every field of every case in scope alike over rows and over entities (phones masked alike)',
  async (role) => {
    const em = db.orm.em.fork();
    const actor = await actorOfRole(em, role);
    const ids = (
      await em.execute<{ id: number }[]>(`select id from cases c where c.unit_path like ? || '%' or c.handling_path like ? || '%' order by id limit 40`, [
        actor.unitPath,
        actor.unitPath,
      ])
    ).map((r) => r.id);
    expect(ids.length).toBeGreaterThan(0);
    const masks = { masked: 0, full: 0, anonymous: 0 };
    for (const id of ids) {
      const variables = { id: toGlobalId('Case', id) };
      const [rows, entities] = [await run(actor, sqlRowSource, CASE_QUERY, variables), await run(actor, entityRowSource, CASE_QUERY, variables)];
      expect(rows.errors).toBeUndefined();
      expect(rows).toEqual(entities);
      const phone: string | null = rows.data.case.reporter?.phone ?? null;
      if (rows.data.case.reporter?.displayName === '匿名') masks.anonymous++;
      else if (phone?.includes('*')) masks.masked++;
      else if (phone) masks.full++;
    }
    // The comparison covered what differs by role: somebody's phone is shown in full or masked.
    expect(masks.masked + masks.full + masks.anonymous).toBeGreaterThan(0);
  },
);

it('a list page answers the same nodes as the case query', async () => {
  const em = db.orm.em.fork();
  const actor = await actorOfRole(em, OfficerRole.SUPERVISOR);
  const fields = CASE_QUERY.slice(CASE_QUERY.indexOf('{ case(id: $id) {') + '{ case(id: $id) {'.length, CASE_QUERY.lastIndexOf('} }'));
  const list = await run(actor, sqlRowSource, `{ cases(first: 30) { edges { node { ${fields} } } } }`, {});
  expect(list.errors).toBeUndefined();
  expect(list.data.cases.edges).toHaveLength(30);
  for (const { node } of list.data.cases.edges) {
    const one = await run(actor, entityRowSource, CASE_QUERY, { id: node.id });
    expect(node).toEqual(one.data.case);
  }
});

describe('the officer of a token', () => {
  let app: TestApp;
  beforeAll(async () => {
    // A long time to live: only the database's notice can make the server forget within this test.
    app = await startTestApp(db, { now: () => NOW }, { OFFICER_CACHE_SECONDS: '300' });
  });
  afterAll(async () => app?.close());

  async function kept(token: string) {
    for (let i = 0; i < 100; i++) {
      db.queries.length = 0;
      const res = await app.gql('{ me { name } }', {}, token);
      expect(res.errors).toBeUndefined();
      if (!db.queries.some((q) => /from officers o join units u/.test(q))) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the officer of the token is never kept');
  }

  async function loginAs(phone: string) {
    const res = await app.gql('mutation($i: LoginInput!) { login(input: $i) { token } }', { i: { phone, password: 'sanling-demo' } });
    return res.data.login.token as string;
  }

  async function until(check: () => Promise<boolean>) {
    for (let i = 0; i < 100; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('the change was not seen within 2 s');
  }

  it('is kept between requests and forgotten as soon as the officer is deactivated elsewhere', async () => {
    const em = db.orm.em.fork();
    const [o] = await em.execute<{ id: number; phone: string }[]>(`select id, phone from officers where role = 'OFFICER' and active order by id limit 1`);
    const token = await loginAs(o.phone);
    await kept(token);
    // Another connection, as the admin CLI or SQL by hand would.
    await em.execute('update officers set active = false where id = ?', [o.id]);
    await until(async () => (await app.gql('{ me { name } }', {}, token)).errors?.[0]?.extensions?.code === 'UNAUTHENTICATED');
    await em.execute('update officers set active = true where id = ?', [o.id]);
  });

  it('sees a new role, and a move of units, without waiting for the time to live', async () => {
    const em = db.orm.em.fork();
    const [o] = await em.execute<{ id: number; phone: string }[]>(`select id, phone from officers where role = 'OFFICER' and active order by id limit 1`);
    const token = await loginAs(o.phone);
    await kept(token);
    const pushes = async () => (await app.gql('{ pushes(first: 1) { totalCount } }', {}, token)).errors?.[0]?.extensions?.code;
    expect(await pushes()).toBe('FORBIDDEN');
    await em.execute(`update officers set role = 'SUPERVISOR' where id = ?`, [o.id]);
    await until(async () => (await pushes()) === undefined);
    await em.execute(`update officers set role = 'OFFICER' where id = ?`, [o.id]);
    await until(async () => (await pushes()) === 'FORBIDDEN');

    await kept(token);
    // A unit's path changes (the tree was reorganised): every kept officer is looked up again.
    await em.execute(`update units set path = path where id = (select unit_id from officers where id = ?)`, [o.id]);
    db.queries.length = 0;
    await until(async () => {
      db.queries.length = 0;
      await app.gql('{ me { name } }', {}, token);
      return db.queries.some((q) => /from officers o join units u/.test(q));
    });
  });
});
