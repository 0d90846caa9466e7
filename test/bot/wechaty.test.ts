import path from 'node:path';
import { FileBox } from 'file-box';
import PuppetMock, { mock } from 'wechaty-puppet-mock';
import { ConversationEngine } from '../../bot/engine';
import { pushRenderer } from '../../bot/push';
import { WechatyAdapter } from '../../bot/wechaty.adapter';
import { Dispatcher } from '../../src/jobs/dispatcher';
import type { OfficerActor } from '../../src/domain/access/actor';
import { acceptCase } from '../../src/domain/cases/case-workflow.service';
import { Case, Channel, Resident } from '../../src/entities';
import { createTestDb, type TestDb } from '../support/db';
import { buildWorld, type World } from '../support/fixture';

/* The real wechaty with its mock puppet: a resident contact reports a problem through WeChat. */

const now = new Date('2026-11-23T02:00:00Z');
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
let db: TestDb;
let world: World;
let adapter: WechatyAdapter;
let dispatcher: Dispatcher;
let mocker: mock.Mocker;
let botUser: mock.ContactMock;
const received: { to: string; text: string }[] = [];

beforeAll(async () => {
  db = await createTestDb();
  world = await buildWorld(db.orm.em.fork());
  mocker = new mock.Mocker();
  const engine = new ConversationEngine({ orm: db.orm, clock: { now: () => now }, uploadsDir: path.join(__dirname, '../../.data/test-uploads') });
  adapter = new WechatyAdapter({ engine, orm: db.orm, clock: { now: () => now }, name: 'sanling-test', puppet: new PuppetMock({ mocker }) });
  dispatcher = new Dispatcher({
    orm: db.orm,
    channels: [adapter.channel],
    render: pushRenderer(engine.messages),
    clock: { now: () => now },
    intervalMs: 60_000,
  });
  // The mock puppet never emits 'ready': wait for 'login'.
  const loggedIn = new Promise((resolve) => adapter.bot.once('login', resolve));
  await adapter.start();
  botUser = mocker.createContact({ name: '三零服务' });
  mocker.login(botUser);
  await loggedIn;
  botUser.on('message', (m: mock.MessageMock) => {
    if (m.payload.talkerId === botUser.id) received.push({ to: String(m.payload.listenerId), text: String(m.payload.text ?? '') });
  });
}, 60_000);
afterAll(async () => {
  await adapter?.stop();
  await db?.drop();
});

async function repliesTo(contact: mock.ContactMock, content: string | FileBox): Promise<string[]> {
  const before = received.length;
  contact.say(content as never).to(botUser);
  // Replies arrive asynchronously; wait until the bot has answered (each message gets at least one).
  for (let i = 0; i < 200 && received.length === before; i++) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 50));
  return received
    .slice(before)
    .filter((m) => m.to === contact.id)
    .map((m) => m.text);
}

it('takes a WeChat resident through a report with a photo, and pushes a status change back', async () => {
  const resident = mocker.createContact({ id: 'wxid_resident_zhang', name: '张大爷' });
  expect((await repliesTo(resident, '你好'))[0]).toMatch(/张大爷您好/);
  expect((await repliesTo(resident, '反映')).at(-1)).toMatch(/问题类型/);
  expect((await repliesTo(resident, '2')).at(-1)).toMatch(/哪个村/);
  expect((await repliesTo(resident, '磁窑')).at(-1)).toMatch(/描述一下具体情况/);
  expect((await repliesTo(resident, FileBox.fromBase64(PNG.toString('base64'), 'crack.png')))[0]).toMatch(/照片已收到（共 1 张）/);
  expect((await repliesTo(resident, '院墙开裂，随时可能倒塌')).at(-1)).toMatch(/手机号码/);
  expect((await repliesTo(resident, '13912345678')).at(-1)).toMatch(/请确认/);
  const done = (await repliesTo(resident, '1')).at(-1)!;
  const number = /SL\d{12}/.exec(done)![0];

  const c = await db.orm.em.fork().findOneOrFail(Case, { number }, { populate: ['reporter', 'unit'] });
  expect(c).toMatchObject({ kind: 'SAFETY_HAZARD', channel: Channel.WECHAT });
  expect(c.unit.getEntity().code).toBe('A1a');
  expect(c.reporter!.getEntity()).toMatchObject({ channel: 'WECHAT', externalId: 'wxid_resident_zhang', displayName: '张大爷' });
  expect(c.attachments).toEqual([expect.objectContaining({ name: 'crack.png', mimeType: 'image/png', size: PNG.length })]);

  // An officer accepts it: the status change reaches the contact through WeChat.
  const o = world.officers.offA1;
  const actor: OfficerActor = { type: 'officer', id: o.id, name: 'offA1', role: o.role, unitId: world.units.A1.id, unitPath: world.units.A1.path };
  await acceptCase(db.orm.em.fork(), actor, { id: c.id, version: c.version }, now);
  const before = received.length;
  expect(await dispatcher.runOnce()).toEqual({ sent: 1, failed: 0, dead: 0, dropped: 0 });
  expect(received.slice(before)).toEqual([{ to: 'wxid_resident_zhang', text: expect.stringMatching(new RegExp(`${number}.*有新进展：已受理`)) }]);
  // Delivered once: nothing left to send.
  expect(await dispatcher.runOnce()).toEqual({ sent: 0, failed: 0, dead: 0, dropped: 0 });
});

it('keeps a push for a contact it cannot reach, for a later retry', async () => {
  const em = db.orm.em.fork();
  const ghost = em.create(Resident, { channel: Channel.WECHAT, externalId: 'wxid_gone', displayName: '已删除' });
  await em.flush();
  await em.execute(
    `insert into outbox (topic, recipient, payload, dedupe_key, available_at) values ('case.status', ?, '{"number":"SL1","title":"t","status":"ACCEPTED"}', 'ghost-1', ?)`,
    [`resident:${ghost.id}`, now],
  );
  expect(await dispatcher.runOnce()).toEqual({ sent: 0, failed: 1, dead: 0, dropped: 0 });
  const [row] = await em.execute<{ delivered_at: Date | null; attempts: number; last_error: string }[]>(
    `select delivered_at, attempts, last_error from outbox where dedupe_key = 'ghost-1'`,
  );
  expect(row).toMatchObject({ delivered_at: null, attempts: 1, last_error: expect.stringMatching(/not found/) });
});
