import { CaseStatus, Channel, Resident, type Case } from '../../src/entities';
import { backoffMs, deliverPending, type ChannelAdapter } from '../../src/domain/push/delivery';
import { enqueue, type Push } from '../../src/domain/push/push';
import { pushRenderer } from '../../bot/push';
import { zh } from '../../bot/messages';
import { Dispatcher } from '../../src/jobs/dispatcher';
import { useWorldApp } from '../support/app';
import { insertCase } from '../support/fixture';
import { toGlobalId } from '../../src/graphql/relay';

/*
 * Delivery of queued pushes against real PostgreSQL: retries with back-off, dead letters and their
 * retry over GraphQL, two dispatchers on the same rows, pushes that no longer apply, a crash
 * mid-send, and the web chat's acknowledged hand-over over HTTP.
 */

const T0 = new Date('2026-12-01T02:00:00Z');
let current = T0;
const clock = { now: () => current };
const at = (ms: number) => (current = new Date(T0.getTime() + ms));
const ctx = useWorldApp(clock);
const render = pushRenderer(zh);
const LEASE_MS = 120_000;

/** Records what it sends; fails the first `failFirst` sends (Infinity: always). */
class FakeAdapter implements ChannelAdapter {
  readonly channel = Channel.WECHAT;
  calls = 0;
  sent: { contact: string; text: string }[] = [];
  constructor(private readonly failFirst = 0) {}
  async send(contact: string, text: string): Promise<void> {
    this.calls += 1;
    if (this.calls <= this.failFirst) throw new Error(`network down (send ${this.calls})`);
    this.sent.push({ contact, text });
  }
}

const OFFICER_CONTACT = 'wx_offA1';
let seq = 0;

async function queue(pushes: Push[]): Promise<void> {
  await ctx.db.orm.em.fork().transactional((em) => enqueue(em, pushes, clock.now()));
}

/** A case.status push to the fixture's WeChat resident (a unique title, so texts tell pushes apart). */
function statusPush(c: Case, recipient: Push['recipient'] = `resident:${ctx.world.resident.id}`): Push {
  seq += 1;
  return {
    topic: 'case.status',
    payload: { caseId: c.id, number: c.number, title: `推送${seq}`, status: CaseStatus.ACCEPTED },
    recipient,
    dedupeKey: `test:${seq}`,
  };
}

async function rows(): Promise<
  { id: string; status: string; attempts: number; last_error: string | null; reason: string | null; available_at: Date; delivered_at: Date | null }[]
> {
  return ctx.db.orm.em.fork().execute('select id, status, attempts, last_error, reason, available_at, delivered_at from outbox order by id');
}

async function newCase(fields: Parameters<typeof insertCase>[3] = {}): Promise<Case> {
  const em = ctx.db.orm.em.fork();
  return insertCase(em, ctx.world.units.A1a, ctx.world.units.A1, fields);
}

beforeAll(async () => {
  await ctx.db.orm.em.fork().execute(`update officers set chat_contact = ? where id = ?`, [`WECHAT:${OFFICER_CONTACT}`, ctx.world.officers.offA1.id]);
  await ctx.db.orm.em.fork().execute(`update officers set chat_contact = 'WECHAT:wx_gridA1a' where id = ?`, [ctx.world.officers.gridA1a.id]);
});

beforeEach(async () => {
  current = T0;
  await ctx.db.orm.em.fork().execute('delete from outbox');
});

it('retries a failing send with growing back-off and delivers it exactly once on the next try', async () => {
  const c = await newCase();
  await queue([statusPush(c)]);
  const adapter = new FakeAdapter(2);

  expect(await deliverPending(ctx.db.orm, adapter, render, at(0))).toMatchObject({ sent: 0, failed: 1 });
  let [row] = await rows();
  expect(row).toMatchObject({ status: 'PENDING', attempts: 1, last_error: 'network down (send 1)' });
  expect(new Date(row.available_at).getTime() - T0.getTime()).toBe(backoffMs(1));
  // Not due again before its back-off: nothing is tried.
  expect(await deliverPending(ctx.db.orm, adapter, render, at(backoffMs(1) - 1000))).toMatchObject({ sent: 0, failed: 0 });
  expect(adapter.calls).toBe(1);

  const second = backoffMs(1);
  expect(await deliverPending(ctx.db.orm, adapter, render, at(second))).toMatchObject({ failed: 1 });
  [row] = await rows();
  expect(row.attempts).toBe(2);
  const wait2 = new Date(row.available_at).getTime() - (T0.getTime() + second);
  expect(wait2).toBe(backoffMs(2));
  expect(backoffMs(2)).toBeGreaterThan(backoffMs(1));

  expect(await deliverPending(ctx.db.orm, adapter, render, at(second + wait2 - 1000))).toMatchObject({ sent: 0, failed: 0 });
  expect(await deliverPending(ctx.db.orm, adapter, render, at(second + wait2))).toMatchObject({ sent: 1, failed: 0 });
  [row] = await rows();
  expect(row).toMatchObject({ status: 'DELIVERED', attempts: 3, last_error: null });
  expect(adapter.sent).toEqual([{ contact: 'wxid_test_1', text: expect.stringContaining(c.number) }]);

  // Delivered means done: later runs send nothing.
  await deliverPending(ctx.db.orm, adapter, render, at(second + wait2 + 3_600_000));
  expect(adapter.sent).toHaveLength(1);
  expect(adapter.calls).toBe(3);
});

it('makes a dead letter after maxAttempts, shows it over GraphQL, and retryPush sends it again', async () => {
  const c = await newCase();
  await queue([statusPush(c, `officer:${ctx.world.officers.offA1.id}`)]);
  const broken = new FakeAdapter(Infinity);
  let t = 0;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const result = await deliverPending(ctx.db.orm, broken, render, at(t), { maxAttempts: 3 });
    expect(result).toMatchObject(attempt < 3 ? { failed: 1, dead: 0 } : { failed: 0, dead: 1 });
    t += backoffMs(attempt);
  }
  const [row] = await rows();
  expect(row).toMatchObject({ status: 'DEAD', attempts: 3, last_error: 'network down (send 3)', reason: 'too many failed sends' });
  // Dead letters stay put however often delivery runs.
  await deliverPending(ctx.db.orm, broken, render, at(t + 86_400_000), { maxAttempts: 3 });
  expect(broken.calls).toBe(3);

  const token = await ctx.app.login('supA');
  const list = await ctx.app.gql(
    `{ pushes(filter: {state: [DEAD]}) { totalCount edges { node { id number topic state attempts lastError reason
        recipient { __typename ... on Officer { name } } case { number } } } } }`,
    undefined,
    token,
  );
  expect(list.errors).toBeUndefined();
  expect(list.data.pushes.totalCount).toBe(1);
  const pushId = toGlobalId('Push', row.id);
  expect(list.data.pushes.edges[0].node).toEqual({
    id: pushId,
    number: row.id,
    topic: 'case.status',
    state: 'DEAD',
    attempts: 3,
    lastError: 'network down (send 3)',
    reason: 'too many failed sends',
    recipient: { __typename: 'Officer', name: 'offA1' },
    case: { number: c.number },
  });

  const retried = await ctx.app.gql('mutation($id: ID!) { retryPush(input: {id: $id}) { push { id state attempts lastError } } }', { id: pushId }, token);
  expect(retried.errors).toBeUndefined();
  expect(retried.data.retryPush.push).toEqual({ id: pushId, state: 'PENDING', attempts: 0, lastError: null });

  const healthy = new FakeAdapter();
  expect(await deliverPending(ctx.db.orm, healthy, render, clock.now(), { maxAttempts: 3 })).toMatchObject({ sent: 1 });
  expect(healthy.sent).toEqual([{ contact: OFFICER_CONTACT, text: expect.stringContaining(c.number) }]);
  expect((await rows())[0].status).toBe('DELIVERED');
});

it('sends each push exactly once when two dispatchers run on the same rows at the same time', async () => {
  const c = await newCase();
  const officer = `officer:${ctx.world.officers.offA1.id}` as const;
  await queue(Array.from({ length: 24 }, (_, i) => statusPush(c, i % 2 ? officer : undefined)));
  const a = new FakeAdapter();
  const b = new FakeAdapter();
  // A holds its first send until B has sent one (or 5 s pass), so both are mid-dispatch together.
  let bSent!: () => void;
  const bStarted = new Promise<void>((resolve) => (bSent = resolve));
  const giveUp = setTimeout(bSent, 5000);
  const holdA: ChannelAdapter = {
    channel: Channel.WECHAT,
    async send(contact, text) {
      if (a.calls === 0) await bStarted;
      await a.send(contact, text);
    },
  };
  const countB: ChannelAdapter = {
    channel: Channel.WECHAT,
    async send(contact, text) {
      await b.send(contact, text);
      bSent();
    },
  };
  const run = async (adapter: ChannelAdapter) => {
    let sent = 0;
    for (;;) {
      const r = await deliverPending(ctx.db.orm, adapter, render, clock.now(), { batch: 5 });
      if (r.sent + r.failed + r.dead + r.dropped === 0) return sent;
      sent += r.sent;
    }
  };
  const [sentA, sentB] = await Promise.all([run(holdA), run(countB)]);
  clearTimeout(giveUp);
  expect(sentA + sentB).toBe(24);
  expect(a.sent.length).toBe(sentA);
  expect(b.sent.length).toBe(sentB);
  expect(a.sent.length).toBeGreaterThan(0);
  expect(b.sent.length).toBeGreaterThan(0);
  const texts = [...a.sent, ...b.sent].map((s) => s.text);
  expect(new Set(texts).size).toBe(24);
  expect((await rows()).every((r) => r.status === 'DELIVERED' && r.attempts === 1)).toBe(true);
});

it('drops pushes that no longer apply, with the reason, and never sends them', async () => {
  const { officers, resident } = ctx.world;
  const emergency = await newCase({ status: CaseStatus.REPORTED });
  const assigned = await newCase({ status: CaseStatus.ASSIGNED, assignee: officers.gridA1a });
  const closed = await newCase({ status: CaseStatus.RESOLVED, reporter: resident });
  const ref = (c: Case) => ({ caseId: c.id, number: c.number, title: c.title });
  await queue([
    {
      topic: 'case.emergency',
      payload: { ...ref(emergency), unit: '甲一镇', acceptDueAt: T0.toISOString(), round: 2 },
      recipient: `officer:${officers.offA1.id}`,
      dedupeKey: 'drop:emergency',
    },
    { topic: 'case.assigned', payload: { ...ref(assigned), dueAt: T0.toISOString() }, recipient: `officer:${officers.gridA1a.id}`, dedupeKey: 'drop:assigned' },
    { topic: 'case.return_visit', payload: ref(closed), recipient: `resident:${resident.id}`, dedupeKey: 'drop:visit' },
    // Still applies: the control that the adapter works.
    { topic: 'case.assigned', payload: { ...ref(assigned), dueAt: T0.toISOString() }, recipient: `officer:${officers.offA1.id}`, dedupeKey: 'keep:assigned' },
  ]);
  // Between queueing and sending, the cases move on.
  const em = ctx.db.orm.em.fork();
  await em.execute(`update cases set status = 'ACCEPTED' where id = ?`, [emergency.id]);
  await em.execute(`update cases set assignee_id = ? where id = ?`, [officers.offA1.id, assigned.id]);
  await em.execute(`update cases set status = 'CLOSED', closed_at = now() where id = ?`, [closed.id]);

  const adapter = new FakeAdapter();
  expect(await deliverPending(ctx.db.orm, adapter, render, clock.now())).toEqual({ sent: 1, failed: 0, dead: 0, dropped: 3 });
  expect(adapter.sent).toEqual([{ contact: OFFICER_CONTACT, text: expect.stringContaining('新交办') }]);
  const byKey = await em.execute<{ dedupe_key: string; status: string; reason: string | null; attempts: number }[]>(
    'select dedupe_key, status, reason, attempts from outbox',
  );
  const get = (k: string) => byKey.find((r) => r.dedupe_key === k);
  expect(get('drop:emergency')).toMatchObject({ status: 'DROPPED', reason: 'the emergency was accepted', attempts: 0 });
  expect(get('drop:assigned')).toMatchObject({ status: 'DROPPED', reason: 'the case was reassigned', attempts: 0 });
  expect(get('drop:visit')).toMatchObject({ status: 'DROPPED', reason: 'the case no longer waits for a return visit', attempts: 0 });
  expect(get('keep:assigned')).toMatchObject({ status: 'DELIVERED' });
  // Dropped is final.
  await deliverPending(ctx.db.orm, adapter, render, at(86_400_000));
  expect(adapter.calls).toBe(1);
});

it('sends again after a crash mid-dispatch once the lease runs out: at least once, nothing lost', async () => {
  const c = await newCase();
  await queue([statusPush(c), statusPush(c)]);
  // The first dispatcher "dies" inside its first send: it never returns, the second row never tried.
  let reached!: () => void;
  const inSend = new Promise<void>((r) => (reached = r));
  let resume: ((err?: Error) => void) | undefined;
  const crashed: ChannelAdapter = {
    channel: Channel.WECHAT,
    send: () => {
      if (resume) return Promise.reject(new Error('socket closed'));
      reached();
      return new Promise<void>((resolve, reject) => (resume = (err) => (err ? reject(err) : resolve())));
    },
  };
  const zombie = deliverPending(ctx.db.orm, crashed, render, at(0), { maxAttempts: 1 });
  await inSend;

  const healthy = new FakeAdapter();
  // Within the lease, both rows are the dead dispatcher's.
  expect(await deliverPending(ctx.db.orm, healthy, render, at(LEASE_MS - 1000))).toMatchObject({ sent: 0 });
  expect((await rows()).map((r) => r.status)).toEqual(['PENDING', 'PENDING']);
  // After it, both go out: the one that was mid-send a second time, the other one for the first time.
  expect(await deliverPending(ctx.db.orm, healthy, render, at(LEASE_MS + 1000))).toMatchObject({ sent: 2 });
  expect(healthy.sent.map((s) => s.text)).toEqual([expect.stringContaining('推送'), expect.stringContaining('推送')]);
  expect((await rows()).map((r) => r.status)).toEqual(['DELIVERED', 'DELIVERED']);

  // The lost dispatcher coming back late with a failure must not undo the delivery (no dead letter).
  resume!(new Error('socket closed'));
  // It reports nothing done: both rows were settled by the healthy dispatcher.
  expect(await zombie).toEqual({ sent: 0, failed: 0, dead: 0, dropped: 0 });
  expect((await rows()).map((r) => [r.status, r.last_error])).toEqual([
    ['DELIVERED', null],
    ['DELIVERED', null],
  ]);
});

describe('web chat hand-over', () => {
  const CONTACT = 'webcontact_0001';
  let webResident: Resident;
  const poll = async (query: string) => {
    const res = await fetch(`${ctx.app.url}/chat/api/messages?contact=${CONTACT}${query}`);
    expect(res.status).toBe(200);
    return (await res.json()) as { messages: string[]; ack: string | null };
  };

  beforeAll(async () => {
    const em = ctx.db.orm.em.fork();
    webResident = em.create(Resident, { channel: Channel.WEB_CHAT, externalId: CONTACT, displayName: '网页用户' });
    await em.flush();
  });

  it('keeps offering a push until the page acknowledges it', async () => {
    const c = await newCase();
    await queue([statusPush(c, `resident:${webResident.id}`)]);
    const [row] = await rows();

    const first = await poll('&ack=');
    expect(first.messages).toEqual([expect.stringContaining(c.number)]);
    expect(first.ack).toBe(row.id);
    // The first answer was lost: the page polls again without acknowledging, and gets it again.
    const again = await poll('&ack=');
    expect(again).toMatchObject({ messages: first.messages, ack: row.id });
    expect((await rows())[0].status).toBe('PENDING');

    const acked = await poll(`&ack=${row.id}`);
    expect(acked.messages).toEqual([]);
    expect((await rows())[0]).toMatchObject({ status: 'DELIVERED', delivered_at: expect.anything() });
    expect((await poll(`&ack=${row.id}`)).messages).toEqual([]);
  });

  it('hands each push once to a client that does not acknowledge (legacy)', async () => {
    const c = await newCase();
    await queue([statusPush(c, `resident:${webResident.id}`), statusPush(c, `resident:${webResident.id}`)]);
    const first = await poll('');
    expect(first.messages).toHaveLength(2);
    expect((await rows()).map((r) => r.status)).toEqual(['DELIVERED', 'DELIVERED']);
    expect((await poll('')).messages).toEqual([]);
  });

  it('refuses an ack that is not a push id', async () => {
    const res = await fetch(`${ctx.app.url}/chat/api/messages?contact=${CONTACT}&ack=abc`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/ack must be/);
  });
});

describe('the dispatcher', () => {
  it('skips a channel that cannot send (logged out): its pushes wait without spending their tries', async () => {
    const c = await newCase();
    await queue([statusPush(c)]);
    const adapter = new FakeAdapter();
    let loggedIn = false;
    const channel: ChannelAdapter = { channel: adapter.channel, send: (to, text) => adapter.send(to, text), ready: () => loggedIn };
    const dispatcher = new Dispatcher({ orm: ctx.db.orm, channels: [channel], render, clock, intervalMs: 60_000 });
    expect(await dispatcher.runOnce()).toEqual({ sent: 0, failed: 0, dead: 0, dropped: 0 });
    expect((await rows()).map((r) => [r.status, r.attempts])).toEqual([['PENDING', 0]]);
    loggedIn = true;
    // Two rounds asked for at once are one round: nothing is sent twice.
    const [a, b] = await Promise.all([dispatcher.runOnce(), dispatcher.runOnce()]);
    expect(a).toEqual({ sent: 1, failed: 0, dead: 0, dropped: 0 });
    expect(b).toBe(a);
    expect(adapter.sent).toHaveLength(1);
    expect((await rows()).map((r) => r.status)).toEqual(['DELIVERED']);
  });
});
