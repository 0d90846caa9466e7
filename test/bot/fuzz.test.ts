import path from 'node:path';
import { ConversationEngine, type IncomingMessage } from '../../bot/engine';
import { zh } from '../../bot/messages';
import { rng } from '../../src/seed/generator';
import { Channel } from '../../src/entities';
import { createTestDb, type TestDb } from '../support/db';
import { buildWorld } from '../support/fixture';

/* Thousands of random and hostile inputs at every dialog step: the engine always answers, never fails. */

let db: TestDb;
let engine: ConversationEngine;
let now = new Date('2026-11-23T02:00:00Z');

beforeAll(async () => {
  db = await createTestDb();
  await buildWorld(db.orm.em.fork());
  engine = new ConversationEngine({
    orm: db.orm,
    clock: { now: () => now },
    uploadsDir: path.join(__dirname, '../../.data/test-uploads'),
    ratePerMinute: 1_000_000,
    maxPhotoBytes: 1024,
  });
});
afterAll(async () => {
  await db?.drop();
});

const r = rng(42);
const HOSTILE = [
  '',
  ' ',
  '\n\n',
  '\u0000',
  '\u0007\u001b[31m',
  '\u202e反转',
  '😀😀😀',
  '👨‍👩‍👧‍👦',
  '𠀀𪚥',
  'x'.repeat(10_000),
  '长'.repeat(2001),
  "'; drop table cases; --",
  '" or 1=1 --',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '${7*7}',
  '{{7*7}}',
  '%',
  '_',
  '\\',
  '%_%',
  '-1',
  '0',
  '00',
  '1e309',
  'NaN',
  '99999999999999999999',
  '１',
  '２',
  '3.5',
  '+86 139 1234 5678',
  'SL00000000',
  'SL202611230001',
  '查询',
  '查询 SL',
  "查询 ' or 1=1",
  '查询 %',
  '我的',
  '菜单',
  '取消',
  '返回',
  '匿名',
  '确认',
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  '8',
  '9',
  '磁窑村',
  '瓷窑',
  '窑',
  '甲一镇',
  '南通',
  '温家寨村',
  '天宁镇',
  'null',
  'undefined',
  '[object Object]',
  'true',
  '反映',
  '你好',
  'hello',
  'HELP',
  '   取消   ',
  '１３９１２３４５６７８',
  '13912345678',
];

function randomText(): string {
  const pick = r.next();
  if (pick < 0.6) return r.pick(HOSTILE);
  if (pick < 0.8) return String(Math.floor(r.next() * 20) - 5);
  // Random code points, including surrogates, controls and CJK.
  const len = r.int(40);
  return Array.from({ length: len }, () =>
    String.fromCodePoint(r.pick([r.int(0x80), 0x4e00 + r.int(0x5000), 0x1f600 + r.int(80), r.int(0x20), 0xd800 + r.int(0x400), 0x200b + r.int(6)])),
  ).join('');
}

function randomMessage(contactId: string, i: number): IncomingMessage {
  const base = {
    channel: Channel.WEB_CHAT as const,
    contactId,
    displayName: r.pick(['张三', '', '<b>x</b>', '😀', 'x'.repeat(300)]),
    messageId: r.next() < 0.1 ? 'repeat-id' : `${contactId}-${i}`,
  };
  const kind = r.next();
  if (kind < 0.08)
    return {
      ...base,
      text: null,
      image: {
        bytes: Buffer.alloc(r.int(2048), r.int(256)),
        mimeType: r.pick(['image/png', 'image/jpeg', 'text/html', '', 'image/svg+xml']),
        name: r.pick(['a.png', '../../etc/passwd', '', '😀.jpg']),
      },
    };
  if (kind < 0.1) return { ...base, text: null };
  return { ...base, text: randomText() };
}

/** Ways into each step of the report dialog. */
const PREFIXES: string[][] = [
  [],
  ['村口路灯坏了好几天了'],
  ['反映'],
  ['反映', '1'],
  ['反映', '1', '窑'],
  ['反映', '1', '不存在的地方'],
  ['反映', '2', '磁窑村'],
  ['反映', '2', '磁窑村', '墙体开裂有危险'],
  ['反映', '2', '磁窑村', '墙体开裂有危险', '匿名'],
];

it('answers every input at every step, politely and without an internal failure', async () => {
  // Case numbers the bot announced as filed: the database must hold exactly those cases.
  const filed = new Set<string>();
  for (let contact = 0; contact < 90; contact++) {
    const id = `fuzz-contact-${String(contact).padStart(4, '0')}`;
    let i = 0;
    for (const text of PREFIXES[contact % PREFIXES.length]) {
      await engine.handle({ channel: Channel.WEB_CHAT, contactId: id, displayName: '张三', text, messageId: `${id}-p${i++}` });
    }
    for (let k = 0; k < 25; k++) {
      const msg = randomMessage(id, i++);
      if (r.next() < 0.03) now = new Date(now.getTime() + 31 * 60_000); // sometimes the dialog expires
      const replies = await engine.handle(msg);
      for (const reply of replies) for (const [, number] of reply.matchAll(/已提交，案件编号 (SL\d{12})/g)) filed.add(number);
      expect(Array.isArray(replies)).toBe(true);
      expect(replies.length).toBeGreaterThan(0);
      for (const reply of replies) {
        expect(typeof reply).toBe('string');
        expect(reply.length).toBeGreaterThan(0);
        expect(reply.length).toBeLessThan(1500);
      }
      expect(replies).not.toContain(zh.failure());
    }
  }
  const rows = await db.orm.em
    .fork()
    .getConnection()
    .execute<{ number: string }[]>(`select c.number from cases c join residents r on r.id = c.reporter_id where r.external_id like 'fuzz-contact-%'`);
  expect(new Set(rows.map((r) => r.number))).toEqual(filed);
  // The fuzz reached the end of the dialog more than once.
  expect(filed.size).toBeGreaterThan(3);
}, 180_000);
