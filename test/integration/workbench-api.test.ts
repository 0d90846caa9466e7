import { CaseStatus, Channel, OutboxMessage } from '../../src/entities';
import { deliverPending, type ChannelAdapter } from '../../src/domain/push/delivery';
import { enqueue } from '../../src/domain/push/push';
import { toGlobalId } from '../../src/graphql/relay';
import { useWorldApp } from '../support/app';
import { insertCase } from '../support/fixture';

/*
 * What the workbench asks of the API, as any client may: an officer's own work (cases filter
 * `mine`), sorted by the deadline in force; whom a case can be assigned to (Unit.officers); and the
 * officer's inbox of pushes with its unread count, which is a delivery channel of its own.
 */

// Tuesday 1 Dec 2026, 10:00 Beijing time.
const NOW = new Date('2026-12-01T02:00:00Z');
const t = useWorldApp({ now: () => NOW });
const codes = (res: { errors?: { extensions?: { code?: string } }[] }) => res.errors?.map((e) => e.extensions?.code);

async function numbers(who: Parameters<typeof t.app.login>[0], filter: Record<string, unknown>, orderBy?: Record<string, unknown>): Promise<string[]> {
  const res = await t.app.gql(
    'query($f: CaseFilterInput, $o: CaseOrderInput) { cases(first: 100, filter: $f, orderBy: $o) { totalCount edges { node { number } } } }',
    { f: filter, o: orderBy },
    await t.app.login(who),
  );
  expect(res.errors).toBeUndefined();
  expect(res.data.cases.totalCount).toBe(res.data.cases.edges.length);
  return res.data.cases.edges.map((e: { node: { number: string } }) => e.node.number);
}

describe('cases filter mine: the officer’s own work', () => {
  it('gives a grid worker what is assigned to them, and an officer also what waits unassigned at their unit', async () => {
    const { cases } = t.world;
    expect(await numbers('gridA1a', { mine: true })).toEqual([cases.a1aAssigned.number]);
    // offA1 works at the township A1: the unassigned cases handled there, not the village's assigned one.
    expect((await numbers('offA1', { mine: true })).sort()).toEqual([cases.a1a, cases.a1aE, cases.a1b, cases.overdue].map((c) => c.number).sort());
    // The county supervisor reads all of these, but none is theirs to work.
    expect(await numbers('supA', { mine: true })).toEqual([]);
    expect((await numbers('supA', {})).length).toBeGreaterThan(4);
    // mine combines with the other conditions.
    expect(await numbers('offA1', { mine: true, status: ['IN_PROGRESS'] })).toEqual([cases.overdue.number]);
    expect(await numbers('gridA1b', { mine: true })).toEqual([]);
    // Overdue within one's own work is tested row by row (the deadline key), over a jurisdiction through
    // the deadline indexes: the same cases either way.
    const overdueMine = (await numbers('offA1', { mine: true, overdue: true })).sort();
    const overdueAll = await numbers('offA1', { overdue: true });
    const mine = await numbers('offA1', { mine: true });
    expect(overdueMine.length).toBeGreaterThan(0);
    expect(overdueMine).toEqual(overdueAll.filter((n) => mine.includes(n)).sort());
    const onTimeMine = await numbers('offA1', { mine: true, overdue: false });
    expect([...overdueMine, ...onTimeMine].sort()).toEqual([...mine].sort());
  });

  it('sorts by the deadline in force: overdue first, then the soonest, stopped clocks last', async () => {
    const em = t.db.orm.em.fork();
    const { units, officers } = t.world;
    // A case to accept by tomorrow but resolve in a week, and one already resolved whose dueAt is the earliest of all.
    const acceptSoon = await insertCase(em, units.A1b, units.A1, {
      reportedAt: new Date('2026-11-30T02:00:00Z'),
      acceptDueAt: new Date('2026-12-01T06:00:00Z'),
      dueAt: new Date('2026-12-09T02:00:00Z'),
    });
    const resolved = await insertCase(em, units.A1b, units.A1, {
      status: CaseStatus.RESOLVED,
      reportedAt: new Date('2026-09-01T02:00:00Z'),
      dueAt: new Date('2026-09-05T02:00:00Z'),
      assignee: officers.offA1,
    });
    const res = await t.app.gql(
      `{ cases(first: 100, filter: {unitId: "${toGlobalId('Unit', units.A1b.id)}"}, orderBy: {field: DEADLINE, direction: ASC}) {
          edges { node { number status deadline overdue acceptDueAt dueAt } } } }`,
      undefined,
      await t.app.login('offA1'),
    );
    expect(res.errors).toBeUndefined();
    const nodes = res.data.cases.edges.map((e: { node: Record<string, unknown> }) => e.node);
    // a1b waited for acceptance since 23 Nov: overdue, after the case overdue since October.
    expect(nodes.map((n: { number: string }) => n.number)).toEqual([
      t.world.cases.overdue.number,
      t.world.cases.a1b.number,
      acceptSoon.number,
      resolved.number,
    ]);
    expect(nodes[0]).toMatchObject({ overdue: true, deadline: '2026-10-10T02:00:00.000Z' });
    // Until accepted the accept deadline is the one in force.
    expect(nodes[1]).toMatchObject({ overdue: true, status: 'REPORTED' });
    expect(nodes[2]).toMatchObject({ overdue: false, deadline: '2026-12-01T06:00:00.000Z' });
    expect(nodes[3]).toMatchObject({ status: 'RESOLVED', deadline: null, overdue: false });
    const deadlines = nodes.slice(0, 3).map((n: { deadline: string }) => Date.parse(n.deadline));
    expect(deadlines).toEqual([...deadlines].sort((a, b) => a - b));
  });
});

describe('Unit.officers: whom a case can be assigned to', () => {
  it('lists the active officers of the unit itself, phones masked, and nobody outside the jurisdiction', async () => {
    const { units, officers } = t.world;
    const q = `query($a: ID!, $b: ID!) { a: unit(id: $a) { officers { name phone role } } b: unit(id: $b) { officers { name } } }`;
    const vars = { a: toGlobalId('Unit', units.A1a.id), b: toGlobalId('Unit', units.A1.id) };
    let res = await t.app.gql(q, vars, await t.app.login('offA1'));
    expect(res.errors).toBeUndefined();
    expect(res.data.a.officers).toEqual([{ name: 'gridA1a', phone: '138****0103', role: 'GRID_WORKER' }]);
    expect(res.data.b.officers).toEqual([{ name: 'offA1' }]);

    // A deactivated officer is offered to no one.
    await t.db.orm.em.fork().nativeUpdate('Officer', { id: officers.gridA1a.id }, { active: false });
    res = await t.app.gql(q, vars, await t.app.login('supA'));
    expect(res.data.a.officers).toEqual([]);
    await t.db.orm.em.fork().nativeUpdate('Officer', { id: officers.gridA1a.id }, { active: true });

    // From county B, A's units are not there to ask about at all.
    res = await t.app.gql(q, vars, await t.app.login('offB'));
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ a: null, b: null });
  });

  it('reads the officers of a whole page of units in one statement', async () => {
    const token = await t.app.login('admin');
    const count = async (first: number) => {
      t.db.queries.length = 0;
      const res = await t.app.gql(`{ units(first: ${first}) { edges { node { code officers { name } } } } }`, undefined, token);
      expect(res.errors).toBeUndefined();
      return t.db.queries.filter((q) => /row_number\(\) over \(partition by o\.unit_id/.test(q)).length;
    };
    expect(await count(2)).toBe(1);
    expect(await count(9)).toBe(1);
  });
});

describe('the inbox (myPushes): a delivery channel for officers with or without a chat', () => {
  class Wechat implements ChannelAdapter {
    channel = Channel.WECHAT;
    sent: string[] = [];
    async send(contact: string) {
      this.sent.push(contact);
    }
  }
  const render = () => 'text';

  it('shows a grid worker without WeChat the assignment, counts it unread until acknowledged, and keeps others’ pushes apart', async () => {
    const { cases, officers } = t.world;
    const a1a = cases.a1a;
    const sup = await t.app.login('offA1');
    let res = await t.app.gql(
      'mutation($i: AcceptCaseInput!) { acceptCase(input: $i) { case { id version } } }',
      { i: { id: toGlobalId('Case', a1a.id), version: a1a.version } },
      sup,
    );
    expect(res.errors).toBeUndefined();
    res = await t.app.gql(
      'mutation($i: AssignCaseInput!) { assignCase(input: $i) { case { version assignee { name } } } }',
      { i: { id: toGlobalId('Case', a1a.id), version: res.data.acceptCase.case.version, assigneeId: toGlobalId('Officer', officers.gridA1a.id) } },
      sup,
    );
    expect(res.errors).toBeUndefined();
    // A reminder due tomorrow is not shown yet.
    await t.db.orm.em
      .fork()
      .transactional((tx) =>
        enqueue(
          tx,
          [{ topic: 'digest.daily', payload: { lines: [] } as never, recipient: `officer:${officers.gridA1a.id}`, dedupeKey: 'later' }],
          new Date(NOW.getTime() + 86_400_000),
        ),
      );

    const grid = await t.app.login('gridA1a');
    const inbox = `{ unreadPushCount myPushes(first: 10) { totalCount edges { node { id number topic state text case { number } } } } }`;
    res = await t.app.gql(inbox, undefined, grid);
    expect(res.errors).toBeUndefined();
    expect(res.data.unreadPushCount).toBe(1);
    expect(res.data.myPushes.totalCount).toBe(1);
    const push = res.data.myPushes.edges[0].node;
    expect(push).toMatchObject({ topic: 'case.assigned', state: 'PENDING', case: { number: a1a.number } });
    expect(push.text).toContain(a1a.number);

    // The WeChat dispatcher has nowhere to send it (it sends the reporter's status push only): it stays for the workbench.
    const wechat = new Wechat();
    await deliverPending(t.db.orm, wechat, render, NOW);
    expect(new Set(wechat.sent)).toEqual(new Set(['wxid_test_1']));
    res = await t.app.gql(inbox, undefined, grid);
    expect(res.data.unreadPushCount).toBe(1);
    expect(res.data.myPushes.edges[0].node.state).toBe('PENDING');

    // Nobody else sees it, and nobody else can acknowledge it.
    const other = await t.app.login('gridA1b');
    res = await t.app.gql(inbox, undefined, other);
    expect(res.data).toMatchObject({ unreadPushCount: 0, myPushes: { totalCount: 0 } });
    const ack = 'mutation($u: String!) { acknowledgePushes(input: {upTo: $u}) { marked unread } }';
    res = await t.app.gql(ack, { u: push.number }, other);
    expect(res.data.acknowledgePushes).toEqual({ marked: 0, unread: 0 });

    res = await t.app.gql(ack, { u: push.number }, grid);
    expect(res.data.acknowledgePushes).toEqual({ marked: 1, unread: 0 });
    res = await t.app.gql(inbox, undefined, grid);
    expect(res.data.unreadPushCount).toBe(0);
    expect(res.data.myPushes.edges[0].node.state).toBe('DELIVERED');
    const row = await t.db.orm.em.fork().findOneOrFail(OutboxMessage, { id: push.number });
    expect(row.deliveredAt?.toISOString()).toBe(NOW.toISOString());
    // Acknowledging again changes nothing.
    res = await t.app.gql(ack, { u: push.number }, grid);
    expect(res.data.acknowledgePushes).toEqual({ marked: 0, unread: 0 });
  });

  it('refuses a malformed push number and needs a login', async () => {
    const res = await t.app.gql('mutation { acknowledgePushes(input: {upTo: "1; drop table outbox"}) { unread } }', undefined, await t.app.login('gridA1a'));
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0].message).toMatch(/Push.number/);
    const anonymous = await t.app.gql('{ unreadPushCount }');
    expect(codes(anonymous)).toEqual(['UNAUTHENTICATED']);
  });
});
