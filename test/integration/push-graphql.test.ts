import { CaseStatus, type Case } from '../../src/entities';
import { enqueue, type Push } from '../../src/domain/push/push';
import { toGlobalId } from '../../src/graphql/relay';
import { useWorldApp } from '../support/app';
import { insertCase } from '../support/fixture';

/*
 * pushes / retryPush over GraphQL: who may read them, the scope (officers under your unit, cases
 * in your jurisdiction), the resident's phone shown like Case.reporter, filters, paging, batching.
 */

const NOW = new Date('2026-12-01T02:00:00Z');
const ctx = useWorldApp({ now: () => NOW });

const LIST = `query($filter: PushFilterInput, $first: Int, $after: String) {
  pushes(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { id topic state text case { number }
      recipient { __typename ... on Officer { name officerPhone: phone } ... on Resident { displayName phone } } } }
  }
}`;
const RETRY = 'mutation($id: ID!) { retryPush(input: {id: $id}) { push { id state attempts reason availableAt } } }';

let cityCase: Case; // happened in A, handled by the city: A sees it but not the reporter's phone
let anonymousCase: Case;
const ids: Record<string, string> = {};

function about(c: Case, key: string, recipient: Push['recipient']): Push {
  return { topic: 'case.status', payload: { caseId: c.id, number: c.number, title: c.title, status: CaseStatus.ACCEPTED }, recipient, dedupeKey: key };
}

beforeAll(async () => {
  const { units, officers, resident, cases } = ctx.world;
  const em = ctx.db.orm.em.fork();
  cityCase = await insertCase(em, units.A1a, units.C, { reporter: resident, title: '市里处理的案件' });
  anonymousCase = await insertCase(em, units.A1a, units.A1, { reporter: resident, title: '匿名反映' });
  await em.execute('update cases set anonymous = true where id = ?', [anonymousCase.id]);
  await em.transactional((tx) =>
    enqueue(
      tx,
      [
        about(cases.a1a, 'toResidentA', `resident:${resident.id}`),
        about(cases.b1a, 'toOfficerB', `officer:${officers.offB.id}`),
        {
          topic: 'digest.daily',
          payload: { date: '2026-12-01', newCases: 1, dueSoon: 0, overdue: 2, numbers: [] },
          recipient: `officer:${officers.offA1.id}`,
          dedupeKey: 'digestA1',
        },
        about(cityCase, 'toResidentCity', `resident:${resident.id}`),
        about(anonymousCase, 'toResidentAnon', `resident:${resident.id}`),
        // To an officer outside A, about a case inside A: in scope by its case.
        about(cases.a1b, 'toOfficerBAboutA', `officer:${officers.offB.id}`),
      ],
      NOW,
    ),
  );
  // Pushes are Nodes: the API names them by global id.
  for (const r of await em.execute<{ id: string; dedupe_key: string }[]>('select id, dedupe_key from outbox')) ids[r.dedupe_key] = toGlobalId('Push', r.id);
  await em.execute(
    `update outbox set status = 'DEAD', attempts = 8, last_error = 'timeout', reason = 'too many failed sends' where dedupe_key in ('toOfficerB', 'digestA1')`,
  );
});

it('is for supervisors and admins only', async () => {
  for (const who of ['offA1', 'gridA1a', 'offB'] as const) {
    const res = await ctx.app.gql(LIST, {}, await ctx.app.login(who));
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const retry = await ctx.app.gql(RETRY, { id: ids.digestA1 }, await ctx.app.login(who));
    expect(retry.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  }
  expect((await ctx.app.gql(LIST, {})).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
});

it('shows a supervisor pushes to officers under their unit and about cases of their jurisdiction, newest first', async () => {
  const res = await ctx.app.gql(LIST, {}, await ctx.app.login('supA'));
  expect(res.errors).toBeUndefined();
  const nodes = res.data.pushes.edges.map((e: { node: { id: string } }) => e.node);
  expect(nodes.map((n: { id: string }) => n.id)).toEqual(
    ['toOfficerBAboutA', 'toResidentAnon', 'toResidentCity', 'digestA1', 'toResidentA'].map((k) => ids[k]),
  );
  expect(res.data.pushes.totalCount).toBe(5);
  const byId = (k: string) => nodes.find((n: { id: string }) => n.id === ids[k]);
  // Handled by A1 (under A): the reporter's phone in full; handled by the city: masked; anonymous: no name, no phone.
  expect(byId('toResidentA').recipient).toEqual({ __typename: 'Resident', displayName: '张三', phone: '13912345678' });
  expect(byId('toResidentCity').recipient).toEqual({ __typename: 'Resident', displayName: '张三', phone: '139****5678' });
  expect(byId('toResidentAnon').recipient).toEqual({ __typename: 'Resident', displayName: '匿名', phone: null });
  expect(byId('toResidentA')).toMatchObject({ topic: 'case.status', state: 'PENDING', case: { number: ctx.world.cases.a1a.number } });
  expect(byId('toResidentA').text).toContain(ctx.world.cases.a1a.number);
  expect(byId('digestA1')).toMatchObject({
    topic: 'digest.daily',
    state: 'DEAD',
    case: null,
    recipient: { __typename: 'Officer', name: 'offA1', officerPhone: '138****0102' },
  });
  expect(byId('toOfficerBAboutA').recipient).toMatchObject({ __typename: 'Officer', name: 'offB' });

  // The city admin sees everything, phones in full.
  const admin = await ctx.app.gql(LIST, {}, await ctx.app.login('admin'));
  expect(admin.data.pushes.totalCount).toBe(6);
  const toB = admin.data.pushes.edges.find((e: { node: { id: string } }) => e.node.id === ids.toOfficerB).node;
  expect(toB.recipient).toEqual({ __typename: 'Officer', name: 'offB', officerPhone: '13800000104' });
  expect(toB.case.number).toBe(ctx.world.cases.b1a.number);
});

it('filters by state, topic and case, and pages with cursors', async () => {
  const token = await ctx.app.login('supA');
  const dead = await ctx.app.gql(LIST, { filter: { state: ['DEAD'] } }, token);
  expect(dead.data.pushes.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([ids.digestA1]);
  const topic = await ctx.app.gql(LIST, { filter: { topic: ['case.status'], state: ['PENDING', 'DELIVERED'] } }, token);
  expect(topic.data.pushes.totalCount).toBe(4);
  const byCase = await ctx.app.gql(LIST, { filter: { caseId: toGlobalId('Case', cityCase.id) } }, token);
  expect(byCase.data.pushes.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([ids.toResidentCity]);

  const page1 = await ctx.app.gql(LIST, { first: 2 }, token);
  expect(page1.data.pushes.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  const page2 = await ctx.app.gql(LIST, { first: 2, after: page1.data.pushes.pageInfo.endCursor }, token);
  const page3 = await ctx.app.gql(LIST, { first: 2, after: page2.data.pushes.pageInfo.endCursor }, token);
  expect(page3.data.pushes.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  const all = [page1, page2, page3].flatMap((p) => p.data.pushes.edges.map((e: { node: { id: string } }) => e.node.id));
  expect(all).toEqual(['toOfficerBAboutA', 'toResidentAnon', 'toResidentCity', 'digestA1', 'toResidentA'].map((k) => ids[k]));
});

it('refuses bad filters and cursors with BAD_USER_INPUT', async () => {
  const token = await ctx.app.login('supA');
  const topic = await ctx.app.gql(LIST, { filter: { topic: ['case.nope'] } }, token);
  expect(topic.errors?.[0]).toMatchObject({ message: expect.stringContaining('case.emergency'), extensions: { code: 'BAD_USER_INPUT' } });
  const cursor = await ctx.app.gql(LIST, { after: 'WyJjYXNlcyIsMV0' }, token);
  expect(cursor.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  const caseId = await ctx.app.gql(LIST, { filter: { caseId: toGlobalId('Unit', 1) } }, token);
  expect(caseId.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  const first = await ctx.app.gql(LIST, { first: 1000 }, token);
  expect(first.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
});

it('batches the recipients and cases of a page: the statements do not grow with its length', async () => {
  const token = await ctx.app.login('admin');
  const count = async (first: number) => {
    ctx.db.queries.length = 0;
    const res = await ctx.app.gql(LIST, { first }, token);
    expect(res.data.pushes.edges).toHaveLength(first);
    return ctx.db.queries.length;
  };
  // Two pushes already need an officer, a resident and a case: six need no more statements.
  expect(await count(6)).toBe(await count(2));
});

it('retryPush puts a dead push of your scope back in the queue, and refuses anything else', async () => {
  const token = await ctx.app.login('supA');
  // Dead, but to an officer of B about a case of B: not in A's scope.
  const outside = await ctx.app.gql(RETRY, { id: ids.toOfficerB }, token);
  expect(outside.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  const missing = await ctx.app.gql(RETRY, { id: toGlobalId('Push', 999999) }, token);
  expect(missing.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  const pending = await ctx.app.gql(RETRY, { id: ids.toResidentA }, token);
  expect(pending.errors?.[0]).toMatchObject({ message: expect.stringContaining('not DEAD'), extensions: { code: 'BAD_USER_INPUT' } });
  const garbage = await ctx.app.gql(RETRY, { id: 'abc' }, token);
  expect(garbage.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');

  const ok = await ctx.app.gql(RETRY, { id: ids.digestA1 }, token);
  expect(ok.errors).toBeUndefined();
  expect(ok.data.retryPush.push).toEqual({ id: ids.digestA1, state: 'PENDING', attempts: 0, reason: null, availableAt: NOW.toISOString() });
  // Once back in the queue it is no dead letter: a second retry is refused.
  const again = await ctx.app.gql(RETRY, { id: ids.digestA1 }, token);
  expect(again.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  // The admin of the city may retry B's.
  const admin = await ctx.app.gql(RETRY, { id: ids.toOfficerB }, await ctx.app.login('admin'));
  expect(admin.data.retryPush.push.state).toBe('PENDING');
});
