import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConversationEngine, type IncomingMessage } from '../../bot/engine';
import { Case, Channel, Resident } from '../../src/entities';
import { startTestApp, type TestApp } from '../support/app';
import { createTestDb, type TestDb } from '../support/db';
import { buildWorld } from '../support/fixture';
import { dirBytes } from '../support/server-process';
import { chat } from '../support/chat';

/* What an attacker tried against the residents' chat: disk fill without login, reused message ids, racing redeliveries. */

const MB = 1024 * 1024;
let now = new Date('2026-11-23T02:00:00Z');
const clock = { now: () => now };
let db: TestDb;
const root = mkdtempSync(path.join(os.tmpdir(), 'sanling-chat-abuse-'));
const apps: TestApp[] = [];

beforeAll(async () => {
  db = await createTestDb();
  await buildWorld(db.orm.em.fork());
});
afterAll(async () => {
  for (const a of apps) await a.close();
  await db?.drop();
  rmSync(root, { recursive: true, force: true });
});

async function app(env: Record<string, string>): Promise<TestApp> {
  // Behind a proxy on loopback (TRUST_PROXY), so the tests can speak from any address.
  const a = await startTestApp(db, clock, { TRUST_PROXY: '127.0.0.1', ...env });
  apps.push(a);
  return a;
}

let seq = 0;
async function post(a: TestApp, body: Record<string, unknown>, address = '198.51.100.1'): Promise<Response> {
  return fetch(`${a.url}/chat/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify(body),
  });
}
/** A message from `address` (X-Forwarded-For from the trusted proxy), answered 200. */
async function say(a: TestApp, from: string, text: string | null, extra: Record<string, unknown> = {}, address = '198.51.100.1'): Promise<string[]> {
  const answer = await chat(a.url, from, text, { name: '张三', ...extra }, { 'x-forwarded-for': address });
  expect(answer.status).toBe(200);
  return answer.replies;
}
const photo = (bytes: number, fill = 7) => ({ name: 'p.jpg', mimeType: 'image/jpeg', data: Buffer.alloc(bytes, fill).toString('base64') });

const photoFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((n) => /^[0-9a-f-]{36}$/.test(n)) : []);
async function ledger(): Promise<{ id: string; contact_id: string; bytes: number; case_id: number | null; removed_at: Date | null }[]> {
  return db.orm.em.fork().execute('select id::text as id, contact_id, bytes, case_id, removed_at from chat_uploads order by created_at');
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

describe('disk fill through the web chat', () => {
  const dir = path.join(root, 'fill');
  let a: TestApp;
  beforeAll(async () => {
    a = await app({
      UPLOAD_DIR: dir,
      UPLOAD_QUOTA_PER_CONTACT_MB: '20',
      UPLOAD_QUOTA_TOTAL_MB: '60',
      CHAT_NEW_CONTACTS_PER_HOUR_PER_IP: '20',
      CHAT_RATE_PER_MINUTE: '3',
      UPLOAD_MIN_FREE_MB: '0',
    });
  });

  it('refuses a flood before a photo is stored', async () => {
    const flood = 'flood-contact-0001';
    for (let i = 0; i < 3; i++) expect((await say(a, flood, '你好', {}, '198.51.100.9'))[0]).toMatch(/您好/);
    for (let i = 0; i < 3; i++) expect(await say(a, flood, null, { image: photo(200_000) }, '198.51.100.9')).toEqual(['您发送得太快了，请稍等一分钟再发。']);
    expect(photoFiles(dir)).toEqual([]);
    expect(await ledger()).toEqual([]);
    // Refused messages were not handled: no answers are kept for them, so a flood leaves no rows.
    const kept = await db.orm.em.fork().execute<{ n: string }[]>(`select count(*) as n from chat_inbox where contact_id = ?`, [flood]);
    expect(Number(kept[0].n)).toBe(3);
    now = new Date(now.getTime() + 61_000);
  });

  it('holds 100 new contacts × a 4.9 MB photo from one address to the quotas, and stores nothing refused', async () => {
    const attacker = '203.0.113.7';
    const body = photo(Math.round(4.9 * MB), 1);
    const outcomes: { status: number; retryAfter: string | null; replies?: string[]; error?: string; contact: string }[] = [];
    const before = dirBytes(dir);
    await pool(
      Array.from({ length: 100 }, (_, i) => `attack-${String(i).padStart(4, '0')}`),
      1,
      async (contact) => {
        const res = await post(a, { from: contact, text: null, id: `photo-${contact}`, image: body }, attacker);
        const json = (await res.json()) as { replies?: string[]; error?: string };
        outcomes.push({ status: res.status, retryAfter: res.headers.get('retry-after'), contact, ...json });
      },
    );
    const growth = dirBytes(dir) - before;
    const refused = outcomes.filter((o) => o.status === 429);
    const served = outcomes.filter((o) => o.status === 200);
    expect(refused.length + served.length).toBe(100);
    const stored = served.filter((o) => o.replies![0].includes('照片已收到'));
    const unavailable = served.filter((o) => o.replies![0] === '照片暂时无法保存，请稍后再发；您的文字反映不受影响。');
    console.log(
      `disk fill: ${refused.length} refused with 429, ${served.length} served, ${stored.length} photos stored, ${unavailable.length} refused by the total quota; uploads dir grew by ${(growth / MB).toFixed(1)} MB (total quota 60 MB)`,
    );
    expect(refused).toHaveLength(80);
    expect(served).toHaveLength(20);
    for (const r of refused) {
      expect(r.error).toMatch(/Too many new chat contacts/);
      expect(r.replies).toEqual(['这个网络上新开的对话太多了，请稍后再试；已经开始的对话不受影响。']);
      expect(Number(r.retryAfter)).toBeGreaterThan(0);
      expect(Number(r.retryAfter)).toBeLessThanOrEqual(3600);
    }
    expect(stored).toHaveLength(12); // 12 × 4.9 MB fit in 60 MB
    expect(unavailable).toHaveLength(8);
    expect(growth).toBeLessThanOrEqual(60 * MB);
    // One file per stored photo; none for the refused ones.
    const rows = await ledger();
    expect(photoFiles(dir).sort()).toEqual(rows.map((r) => r.id).sort());
    expect(rows.map((r) => r.contact_id).sort()).toEqual(stored.map((o) => o.contact).sort());
    const known = await db.orm.em.fork().execute<{ n: string }[]>(`select count(*) as n from chat_sessions where contact_id like 'attack-%'`);
    expect(Number(known[0].n)).toBe(20);

    // Redeliveries answer the same and store nothing more.
    for (const o of served.slice(0, 5)) {
      const res = await post(a, { from: o.contact, text: null, id: `photo-${o.contact}`, image: body }, attacker);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { replies: string[] }).replies).toEqual(o.replies);
    }
    expect(photoFiles(dir)).toHaveLength(12);

    // Contacts that got in keep working; the total quota still keeps the text of a message.
    const [first] = unavailable;
    const text = await say(a, first.contact, '村口的墙裂了一条大缝', { image: body }, attacker);
    expect(text[0]).toBe('照片暂时无法保存，请稍后再发；您的文字反映不受影响。');
    expect(text[1]).toMatch(/您是想反映“村口的墙裂了一条大缝”/);
    expect(photoFiles(dir)).toHaveLength(12);
  });
});

describe('per-contact photo quota', () => {
  it('answers clearly once a contact has used its quota, keeps the text, and links the stored photos to the case', async () => {
    const dir = path.join(root, 'quota');
    const a = await app({ UPLOAD_DIR: dir, UPLOAD_QUOTA_PER_CONTACT_MB: '1', UPLOAD_MIN_FREE_MB: '0' });
    const contact = 'quota-contact-0001';
    await say(a, contact, '反映');
    await say(a, contact, '2');
    await say(a, contact, '磁窑村');
    expect((await say(a, contact, null, { image: photo(400_000) }))[0]).toMatch(/照片已收到（共 1 张）/);
    expect((await say(a, contact, null, { image: photo(400_000) }))[0]).toMatch(/照片已收到（共 2 张）/);
    const over = await say(a, contact, '院墙开裂，随时可能倒塌', { image: photo(400_000) });
    expect(over[0]).toBe('您今天发送的照片已达上限（1 MB），这张没有保存；您的文字反映不受影响，请继续用文字描述。');
    expect(over[1]).toMatch(/手机号码/);
    await say(a, contact, '匿名');
    const done = (await say(a, contact, '1')).at(-1)!;
    const c = await db.orm.em.fork().findOneOrFail(Case, { number: /SL\d{12}/.exec(done)![0] });
    expect(c.description).toBe('院墙开裂，随时可能倒塌');
    expect(c.attachments).toHaveLength(2);
    expect(photoFiles(dir).sort()).toEqual(c.attachments.map((x) => x.id).sort());
    const rows = (await ledger()).filter((r) => r.contact_id === contact);
    expect(rows.map((r) => r.case_id)).toEqual([c.id, c.id]);
  });
});

describe('sweeping photos nobody uses', () => {
  it('removes orphan files and photos of dialogs that ended without a report, and keeps the rest', async () => {
    const dir = path.join(root, 'sweep');
    const a = await app({ UPLOAD_DIR: dir, UPLOAD_MIN_FREE_MB: '0' });
    const engine = new ConversationEngine({ orm: db.orm, clock, uploadsDir: dir });
    // A report with its photo, a dialog still running, a dialog abandoned.
    const filed = 'sweep-filed-00001';
    await say(a, filed, '反映');
    await say(a, filed, '2');
    await say(a, filed, '磁窑村');
    await say(a, filed, null, { image: photo(1000) });
    await say(a, filed, '院墙开裂，随时可能倒塌');
    await say(a, filed, '匿名');
    expect((await say(a, filed, '1')).at(-1)).toMatch(/已提交/);
    const abandoned = 'sweep-abandoned-01';
    expect((await say(a, abandoned, null, { image: photo(1000) }))[0]).toMatch(/照片已收到/);
    const rows = await ledger();
    const idOf = (contact: string) => rows.filter((r) => r.contact_id === contact).map((r) => r.id);
    now = new Date(now.getTime() + 31 * 60_000);
    const running = 'sweep-running-0001';
    await say(a, running, '反映');
    await say(a, running, null, { image: photo(1000) });
    const runningId = (await ledger()).find((r) => r.contact_id === running)!.id;
    // Left by a crashed request: no row. An old one goes; one just written may still be committing.
    const crashed = randomUUID();
    const fresh = randomUUID();
    writeFileSync(path.join(dir, crashed), 'partial');
    writeFileSync(path.join(dir, fresh), 'in flight');
    writeFileSync(path.join(dir, 'README.txt'), 'not ours');
    const hourAgo = new Date(Date.now() - 3600_000);
    utimesSync(path.join(dir, crashed), hourAgo, hourAgo);

    // The photos the disk-fill attack left in dialogs nobody continued go as well.
    const leftByAttack = (await ledger()).filter((r) => r.contact_id.startsWith('attack-') && !r.removed_at).length;
    expect(leftByAttack).toBe(12);
    expect(await engine.sweep()).toEqual({ unattached: leftByAttack + 1, orphans: 1 });
    const left = photoFiles(dir).sort();
    expect(left).toEqual([...idOf(filed), runningId, fresh].sort());
    expect(existsSync(path.join(dir, 'README.txt'))).toBe(true);
    const after = await ledger();
    expect(after.find((r) => r.id === idOf(abandoned)[0])!.removed_at).not.toBeNull();
    // A second sweep finds nothing more, and a directory of another database is never emptied.
    expect(await engine.sweep()).toEqual({ unattached: 0, orphans: 0 });
    const other = await createTestDb();
    try {
      const stranger = new ConversationEngine({ orm: other.orm, clock, uploadsDir: dir });
      utimesSync(path.join(dir, fresh), hourAgo, hourAgo);
      expect(await stranger.sweep()).toEqual({ unattached: 0, orphans: 0 });
      expect(photoFiles(dir)).toContain(runningId);
    } finally {
      await other.drop();
    }
  });
});

describe('answers kept for redeliveries', () => {
  it('are dropped by the sweep after a week, and a message id is then handled anew', async () => {
    const engine = new ConversationEngine({ orm: db.orm, clock, uploadsDir: path.join(root, 'inbox') });
    const msg: IncomingMessage = { channel: Channel.WEB_CHAT, contactId: 'inbox-contact-01', displayName: '李四', text: '你好', messageId: 'week-old-1' };
    const first = await engine.handle(msg);
    const count = async () =>
      Number((await db.orm.em.fork().execute<{ n: string }[]>(`select count(*) as n from chat_inbox where contact_id = 'inbox-contact-01'`))[0].n);
    expect(await count()).toBe(1);
    const saved = now;
    try {
      now = new Date(saved.getTime() + 6 * 24 * 3600_000);
      await engine.sweep();
      expect(await count()).toBe(1);
      expect(await engine.handle(msg)).toEqual(first);
      now = new Date(saved.getTime() + 8 * 24 * 3600_000);
      await engine.sweep();
      expect(await count()).toBe(0);
    } finally {
      now = saved;
    }
  });
});

describe('a full disk', () => {
  const dir = path.join(root, 'full');
  let mounted = false;
  beforeAll(() => {
    mkdirSync(dir, { recursive: true });
    try {
      // A real 1 MB file system; without the right to mount, a writer that fails like one stands in.
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' });
      mounted = true;
    } catch {
      mounted = false;
    }
  });
  afterAll(() => {
    if (mounted) execFileSync('umount', [dir]);
  });

  const msg = (contactId: string, text: string | null, image?: Buffer): IncomingMessage => ({
    channel: Channel.WEB_CHAT,
    contactId,
    displayName: '李四',
    text,
    messageId: `full-${++seq}`,
    image: image ? { bytes: image, mimeType: 'image/png', name: 'x.png' } : undefined,
  });

  it('answers that photos cannot be stored now, leaves no partial file, and still files the report with its text', async () => {
    const engine = new ConversationEngine({
      orm: db.orm,
      clock,
      uploadsDir: dir,
      ratePerMinute: 1000,
      uploadWriter: mounted
        ? undefined
        : async (file, bytes) => {
            if (bytes.length > 900_000) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
            writeFileSync(file, bytes);
          },
    });
    console.log(`full disk: ${mounted ? 'a 1 MB tmpfs' : 'an injected ENOSPC writer'}`);
    const contact = 'full-disk-contact-1';
    await engine.handle(msg(contact, '反映'));
    await engine.handle(msg(contact, '2'));
    await engine.handle(msg(contact, '磁窑村'));
    expect(await engine.handle(msg(contact, null, Buffer.alloc(Math.round(1.5 * MB), 3)))).toEqual(['照片暂时无法保存，请稍后再发；您的文字反映不受影响。']);
    expect(photoFiles(dir)).toEqual([]);
    expect((await engine.handle(msg(contact, '院墙开裂，随时可能倒塌'))).at(-1)).toMatch(/手机号码/);
    await engine.handle(msg(contact, '匿名'));
    const done = (await engine.handle(msg(contact, '1'))).at(-1)!;
    const c = await db.orm.em.fork().findOneOrFail(Case, { number: /SL\d{12}/.exec(done)![0] });
    expect(c).toMatchObject({ description: '院墙开裂，随时可能倒塌', attachments: [] });
    expect((await ledger()).filter((r) => r.contact_id === contact)).toEqual([]);
    // What fits is still stored.
    expect((await engine.handle(msg('full-disk-contact-2', null, Buffer.alloc(100_000, 5))))[0]).toMatch(/照片已收到（共 1 张）/);
    expect(photoFiles(dir)).toHaveLength(1);
  });

  it('refuses photos while the disk has less free space than the margin', async () => {
    const margin = path.join(root, 'margin');
    const engine = new ConversationEngine({ orm: db.orm, clock, uploadsDir: margin, ratePerMinute: 1000, uploadMinFreeBytes: 1024 ** 5 });
    const contact = 'margin-contact-001';
    const replies = await engine.handle(msg(contact, '楼道里堆满了杂物', Buffer.alloc(1000, 1)));
    expect(replies[0]).toBe('照片暂时无法保存，请稍后再发；您的文字反映不受影响。');
    expect(replies[1]).toMatch(/您是想反映“楼道里堆满了杂物”/);
    expect(photoFiles(margin)).toEqual([]);
  });
});

describe('message ids', () => {
  let a: TestApp;
  beforeAll(async () => {
    a = await app({ UPLOAD_DIR: path.join(root, 'ids') });
  });

  it('are the sender’s own: another contact reusing one gets its own answer', async () => {
    const first = await post(a, { from: 'ids-contact-aaaa', name: '王五', text: '你好', id: 'shared-id-1' });
    expect(((await first.json()) as { replies: string[] }).replies[0]).toMatch(/王五您好/);
    const second = await post(a, { from: 'ids-contact-bbbb', name: '赵六', text: '反映', id: 'shared-id-1' });
    const replies = ((await second.json()) as { replies: string[] }).replies;
    expect(replies.join('')).not.toMatch(/王五/);
    expect(replies.at(-1)).toMatch(/请选择问题类型/);
  });

  it('five concurrent deliveries of one confirmation file one case, and all five carry its number', async () => {
    const contact = 'ids-concurrent-01';
    await say(a, contact, '反映');
    await say(a, contact, '1');
    await say(a, contact, '磁窑村');
    await say(a, contact, '两家因为排水沟堵塞吵了起来');
    await say(a, contact, '匿名');
    const answers = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const res = await post(a, { from: contact, name: '张三', text: '1', id: 'confirm-once' });
        expect(res.status).toBe(200);
        return ((await res.json()) as { replies: string[] }).replies;
      }),
    );
    const numbers = answers.map((r) => /SL\d{12}/.exec(r.join('\n'))?.[0]);
    console.log(`concurrent confirmations: ${JSON.stringify(numbers)}`);
    expect(numbers[0]).toBeDefined();
    expect(new Set(numbers)).toEqual(new Set([numbers[0]]));
    for (const r of answers) expect(r).toEqual(answers[0]);
    const resident = await db.orm.em.fork().findOneOrFail(Resident, { externalId: contact });
    expect(await db.orm.em.fork().count(Case, { reporter: resident.id })).toBe(1);
  });
});
