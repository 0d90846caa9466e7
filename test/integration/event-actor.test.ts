import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'graphql';
import { loadConfig } from '../../src/config';
import { Case, CaseEventType } from '../../src/entities';
import { operationCost } from '../../src/graphql/limits';
import { getSchema } from '../../src/graphql/schema';
import { acceptCase } from '../../src/domain/cases/case-workflow.service';
import { addCaseNote } from '../../src/domain/cases/case-steps.service';
import { appendEvents } from '../../src/domain/cases/trail.service';
import type { OfficerActor } from '../../src/domain/access/actor';
import type { OfficerKey } from '../support/fixture';
import { keepToken, useWorldApp } from '../support/app';
import { last, say as sayTo } from '../support/chat';

/* Every trail entry says who acted: an officer, the resident (as officers may see them), or the system. */

const now = new Date('2026-11-23T02:00:00Z');
const t = useWorldApp({ now: () => now });

/** A web chat message from a resident; answers the last reply. */
const say = async (contact: string, text: string) => last(await sayTo(t.app.url, contact, text));

/** A resident reports through the web chat; returns the case. */
async function report(contact: string, phone: string): Promise<Case> {
  await say(contact, '反映');
  await say(contact, '1');
  await say(contact, '磁窑村');
  await say(contact, '两家因为排水沟堵塞吵了起来，需要调解');
  await say(contact, phone);
  const done = await say(contact, '1');
  const number = /SL\d{12}/.exec(done)?.[0];
  expect(number).toBeDefined();
  return t.db.orm.em.fork().findOneOrFail(Case, { number });
}

function officer(key: OfficerKey): OfficerActor {
  const o = t.world.officers[key];
  const unit = Object.values(t.world.units).find((u) => u.id === o.unit.id)!;
  return { type: 'officer', id: o.id, name: key, role: o.role, unitId: unit.id, unitPath: unit.path };
}

/** Accepted by the township officer, annotated by the county supervisor: two officer entries after the resident's report. */
async function work(c: Case): Promise<void> {
  await acceptCase(t.db.orm.em.fork(), officer('offA1'), { id: c.id, version: c.version }, now);
  await addCaseNote(t.db.orm.em.fork(), officer('supA'), { id: c.id, note: '请尽快调解' }, now);
}

const ACTORS = `query($n: String!, $first: Int) { case(number: $n) { events(first: $first) { edges { node {
  type actor { kind name officer { name role } resident { displayName phone } } } } } } }`;

async function actors(number: string, who: OfficerKey, first = 20) {
  const res = await t.app.gql(ACTORS, { n: number, first }, await t.app.login(who));
  expect(res.errors).toBeUndefined();
  return res.data.case.events.edges.map((e: { node: unknown }) => e.node);
}

let named: Case;
let anonymous: Case;

beforeAll(async () => {
  named = await report('contact-actor-0001', '139 1234 5678');
  anonymous = await report('contact-actor-0002', '匿名');
  await work(named);
  await work(anonymous);
});

it('shows the reporting resident, then the officers who worked the case', async () => {
  expect(await actors(named.number, 'offA1')).toEqual([
    { type: 'REPORT', actor: { kind: 'RESIDENT', name: '李四', officer: null, resident: { displayName: '李四', phone: '13912345678' } } },
    { type: 'ACCEPT', actor: { kind: 'OFFICER', name: 'offA1', officer: { name: 'offA1', role: 'OFFICER' }, resident: null } },
    { type: 'NOTE', actor: { kind: 'OFFICER', name: 'supA', officer: { name: 'supA', role: 'SUPERVISOR' }, resident: null } },
  ]);
});

it('masks the resident’s phone below the handling unit, as on Case.reporter', async () => {
  // The grid worker of the village where it happened reads the case, but the township handles it.
  const [first] = await actors(named.number, 'gridA1a');
  expect(first.actor.resident).toEqual({ displayName: '李四', phone: '139****5678' });
  const res = await t.app.gql(`{ case(number: "${named.number}") { reporter { phone } } }`, {}, await t.app.login('gridA1a'));
  expect(res.data.case.reporter.phone).toBe(first.actor.resident.phone);
});

it('keeps an anonymous reporter anonymous on the trail', async () => {
  const [first] = await actors(anonymous.number, 'supA');
  expect(first).toEqual({ type: 'REPORT', actor: { kind: 'RESIDENT', name: '匿名', officer: null, resident: { displayName: '匿名', phone: null } } });
});

it('shows SYSTEM for an entry written with neither an officer nor a resident', async () => {
  await t.db.orm.em.fork().transactional(async (em) => {
    const c = await em.findOneOrFail(Case, { id: named.id });
    await appendEvents(em, c, [{ type: CaseEventType.NOTE, note: '受理时限已过，系统提醒' }], new Date(now.getTime() + 60_000));
  });
  const list = await actors(named.number, 'offA1');
  expect(list.map((e: { actor: { kind: string } }) => e.actor.kind)).toEqual(['RESIDENT', 'OFFICER', 'OFFICER', 'SYSTEM']);
  expect(list[3]).toEqual({ type: 'NOTE', actor: { kind: 'SYSTEM', name: '系统', officer: null, resident: null } });
  // The fixture's directly inserted cases have such entries from the start.
  const fixture = await t.app.gql(
    `{ node(id: "${Buffer.from(`Case:${t.world.cases.a1aE.id}`).toString('base64url')}") { ... on Case { events { edges { node { actor { kind name } } } } } } }`,
    {},
    await t.app.login('offA1'),
  );
  expect(fixture.data.node.events.edges[0].node.actor).toEqual({ kind: 'SYSTEM', name: '系统' });
  // Reading the trail left its hash chain intact.
  const check = await t.app.gql(`{ case(number: "${named.number}") { trailCheck { intact } } }`, {}, await t.app.login('supA'));
  expect(check.data.case.trailCheck.intact).toBe(true);
});

describe('SQL statements', () => {
  // Names come through the officer and resident loaders (the depth limit stops one level short of actor.officer).
  const query = (cases: number, events: number) => `{ cases(first: ${cases}) { edges { node { events(first: ${events}) { edges { node {
    actor { kind name } } } } } } } }`;

  async function count(q: string): Promise<{ statements: number; actors: string[] }> {
    const token = await t.app.login('supA');
    await keepToken(t.app, t.db, token);
    t.db.queries.length = 0;
    const res = await t.app.gql(q, {}, token);
    expect(res.errors).toBeUndefined();
    const statements = t.db.queries.length;
    const actorKinds = res.data.cases.edges.flatMap((c: any) => c.node.events.edges.map((e: any) => e.node.actor.kind));
    return { statements, actors: actorKinds };
  }

  it('does not grow with the number of entries or cases on the page', async () => {
    // Newest first: the two chat cases (resident, officers, system) and a fixture case.
    const few = await count(query(3, 2));
    const many = await count(query(20, 10));
    for (const page of [few, many]) expect(page.actors).toEqual(expect.arrayContaining(['RESIDENT', 'OFFICER', 'SYSTEM']));
    expect(many.actors.length).toBeGreaterThan(few.actors.length + 5);
    expect(many.statements).toBe(few.statements);
    // Case page, trail pages, officers, residents: one statement each (the token's officer is kept).
    expect(many.statements).toBe(4);
  });
});

it('keeps the example trail query, with actors, under the default cost limit', async () => {
  const schema = await getSchema();
  const doc = parse(readFileSync(path.join(__dirname, '../../schema/examples.graphql'), 'utf8'));
  const { cost } = operationCost(schema, doc, { number: 'x' }, 'Trail');
  // 50 entries, each paid for its edge, node, actor, officer, resident and attachments.
  expect(cost).toBeGreaterThan(50 * 6);
  expect(cost).toBeLessThanOrEqual(loadConfig({}).graphql.maxCost);
});
