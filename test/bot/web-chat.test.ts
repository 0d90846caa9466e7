import { existsSync } from 'node:fs';
import path from 'node:path';
import { Case, Channel, Resident } from '../../src/entities';
import { acceptCase, assignCase, resolveCase, startCase } from '../../src/domain/cases/case-workflow.service';
import type { OfficerActor } from '../../src/domain/access/actor';
import { startTestApp, useWorldApp, type TestApp } from '../support/app';
import { last, say as sayTo } from '../support/chat';

// Monday 23 Nov 2026, 10:00 Beijing time; tests move it.
let now = new Date('2026-11-23T02:00:00Z');
const t = useWorldApp({ now: () => now });

const say = (contact: string, text: string | null, extra: Record<string, unknown> = {}, app: TestApp = t.app) =>
  sayTo(app.url, contact, text, { name: '张三', ...extra });
const pushes = async (contact: string) => {
  const res = await fetch(`${t.app.url}/chat/api/messages?contact=${contact}`);
  return ((await res.json()) as { messages: string[] }).messages;
};

function officer(key: 'offA1' | 'gridA1a'): OfficerActor {
  const o = t.world.officers[key];
  const unit = Object.values(t.world.units).find((u) => u.id === o.unit.id)!;
  return { type: 'officer', id: o.id, name: key, role: o.role, unitId: unit.id, unitPath: unit.path };
}

/** A resident reports through the whole dialog; returns the case number. */
async function report(contact: string, place = '磁窑村'): Promise<string> {
  expect(last(await say(contact, '反映'))).toMatch(/请选择问题类型/);
  expect(last(await say(contact, '1'))).toMatch(/哪个村、社区或单位/);
  expect(last(await say(contact, place))).toMatch(/描述一下具体情况/);
  expect(last(await say(contact, '两家因为排水沟堵塞吵了起来，需要调解'))).toMatch(/手机号码/);
  expect(last(await say(contact, '139 1234 5678'))).toMatch(/请确认/);
  const done = last(await say(contact, '1'));
  expect(done).toMatch(/已提交，案件编号 SL\d{12}/);
  return /SL\d{12}/.exec(done)![0];
}

describe('web chat dialogs', () => {
  it('shows the menu on 你好, and keeps a known name when a message comes without one', async () => {
    const [menu] = await say('contact-menu-0001', '你好');
    expect(menu).toMatch(/张三您好/);
    expect((await say('contact-menu-0001', '菜单', { name: undefined }))[0]).toMatch(/张三您好/);
    expect((await say('contact-menu-0002', '菜单', { name: undefined }))[0]).toMatch(/群众您好/);
    expect(menu).toMatch(/发送“反映”/);
    expect(menu).toMatch(/查询/);
  });

  it('takes a report to a case with the right place, kind and reporter, and says who handles it by when', async () => {
    const contact = 'contact-report-01';
    const number = await report(contact);
    const c = await t.db.orm.em.fork().findOneOrFail(Case, { number }, { populate: ['reporter', 'unit', 'handlingUnit'] });
    expect(c.unit.getEntity().code).toBe('A1a');
    expect(c.handlingUnit.getEntity().code).toBe('A1');
    expect(c.kind).toBe('DISPUTE');
    expect(c.channel).toBe(Channel.WEB_CHAT);
    expect(c.reporter!.getEntity()).toMatchObject({ channel: 'WEB_CHAT', externalId: contact, phone: '13912345678' });
    const replies = await say(contact, `查询 ${number}`);
    expect(replies[0]).toMatch(/已登记，等待受理/);
    expect(replies[0]).toMatch(/甲一镇/);
    const mine = await say(contact, '我的');
    expect(mine[0]).toContain(number);
  });

  it('states the deadline in working days', async () => {
    const contact = 'contact-deadline-1';
    await say(contact, '反映');
    await say(contact, '1');
    await say(contact, '南通村');
    await say(contact, '邻居堆放杂物堵住通道');
    await say(contact, '匿名');
    const done = last(await say(contact, '确认'));
    // Monday 10:00 + 1 / 7 working days.
    expect(done).toMatch(/1个工作日内（11月24日10:00前）受理、7个工作日内（12月2日10:00前）办结/);
  });

  it('offers to report free text, and skips the description it already has', async () => {
    const contact = 'contact-offer-001';
    expect(last(await say(contact, '村口的路灯坏了好几天了，晚上很黑'))).toMatch(/您是想反映“村口的路灯坏了好几天了/);
    expect(last(await say(contact, '1'))).toMatch(/问题类型/);
    await say(contact, '2');
    expect(last(await say(contact, '磁窑村'))).toMatch(/手机号码/);
    await say(contact, '匿名');
    const done = last(await say(contact, '1'));
    const number = /SL\d{12}/.exec(done)![0];
    const c = await t.db.orm.em.fork().findOneOrFail(Case, { number });
    expect(c).toMatchObject({ kind: 'SAFETY_HAZARD', anonymous: true, description: '村口的路灯坏了好几天了，晚上很黑' });
  });

  it('matches places without suffix, with a typo, by numbered choice, or through the township', async () => {
    const contact = 'contact-places-01';
    await say(contact, '反映');
    await say(contact, '1');
    // Typo: 瓷 for 磁.
    expect((await say(contact, '瓷窑村'))[0]).toBe('地点：磁窑村（甲一镇）');
    await say(contact, '取消');

    const c2 = 'contact-places-02';
    await say(c2, '反映');
    await say(c2, '1');
    const list = last(await say(c2, '窑'));
    expect(list).toMatch(/1 磁窑村（甲一镇）\n2 磁窑示例企业1号（甲一镇）/);
    expect(last(await say(c2, '7'))).toMatch(/请回复 1 到 2/);
    expect((await say(c2, '2'))[0]).toBe('地点：磁窑示例企业1号（甲一镇）');

    const c3 = 'contact-places-03';
    await say(c3, '反映');
    await say(c3, '1');
    expect(last(await say(c3, '不存在的地方'))).toMatch(/请先告诉我所在的乡镇/);
    expect(last(await say(c3, '火星镇'))).toMatch(/也没有找到乡镇/);
    expect(last(await say(c3, '乙一镇'))).toMatch(/找到乡镇：乙一镇/);
    expect((await say(c3, '温家寨'))[0]).toBe('地点：温家寨村（乙一镇）');
  });

  it('cancels at any step and goes back a step', async () => {
    const contact = 'contact-cancel-01';
    await say(contact, '反映');
    await say(contact, '3');
    expect(last(await say(contact, '返回'))).toMatch(/问题类型/);
    await say(contact, '3');
    await say(contact, '南通村');
    expect(last(await say(contact, '取消'))).toMatch(/已取消/);
    expect(last(await say(contact, '我的'))).toMatch(/还没有反映过/);
  });

  it('refuses a stranger’s case number without a detail of it', async () => {
    const number = await report('contact-owner-001');
    const replies = await say('contact-stranger-1', `查询 ${number}`);
    expect(replies).toEqual([`没有找到您反映的编号为 ${number} 的问题。请核对编号，或发送“我的”查看您的问题。`]);
    expect((await say('contact-stranger-1', '查询 SL209901010001'))[0]).toMatch(/没有找到/);
    expect((await say('contact-stranger-1', '查询'))[0]).toMatch(/加上案件编号/);
  });

  it('pushes status changes, asks for the return visit, and closes or reopens on the answer', async () => {
    for (const [contact, answer, status] of [
      ['contact-visit-0001', '1', 'CLOSED'],
      ['contact-visit-0002', '3', 'IN_PROGRESS'],
    ] as const) {
      const number = await report(contact);
      const em = () => t.db.orm.em.fork();
      let c = await em().findOneOrFail(Case, { number });
      c = await acceptCase(em(), officer('offA1'), { id: c.id, version: c.version }, now);
      c = await assignCase(em(), officer('offA1'), { id: c.id, version: c.version, assigneeId: t.world.officers.gridA1a.id }, now);
      c = await startCase(em(), officer('gridA1a'), { id: c.id, version: c.version }, now);
      c = await resolveCase(em(), officer('gridA1a'), { id: c.id, version: c.version, note: '已疏通排水沟' }, now);
      const queued = await pushes(contact);
      expect(queued.filter((p) => p.includes(number))).toHaveLength(4);
      expect(queued[0]).toMatch(/有新进展：已受理/);
      expect(queued[3]).toMatch(/已经办结：已疏通排水沟。对处理结果满意吗？/);
      expect(await pushes(contact)).toEqual([]); // handed over once
      const thanks = last(await say(contact, answer));
      expect(thanks).toContain(number);
      const after = await em().findOneOrFail(Case, { number });
      expect(after.status).toBe(status);
    }
  });

  it('answers a redelivered message id the same and creates nothing twice', async () => {
    const contact = 'contact-dedupe-01';
    await say(contact, '反映');
    await say(contact, '1');
    await say(contact, '磁窑村');
    await say(contact, '两家因为排水沟堵塞吵了起来');
    await say(contact, '匿名');
    const first = await say(contact, '1', { id: 'same-message-id' });
    const again = await say(contact, '1', { id: 'same-message-id' });
    expect(again).toEqual(first);
    const resident = await t.db.orm.em.fork().findOneOrFail(Resident, { externalId: contact });
    expect(await t.db.orm.em.fork().count(Case, { reporter: resident.id })).toBe(1);
  });

  it('keeps a dialog across a restart of the server', async () => {
    const contact = 'contact-restart-1';
    await say(contact, '反映');
    await say(contact, '2');
    await t.app.close();
    t.app = await startTestApp(t.db, { now: () => now });
    expect((await say(contact, '磁窑村'))[0]).toBe('地点：磁窑村（甲一镇）');
  });

  it('ends a dialog idle for 30 minutes, and rate-limits a flood politely', async () => {
    const contact = 'contact-expiry-01';
    await say(contact, '反映');
    now = new Date(now.getTime() + 31 * 60_000);
    const replies = await say(contact, '1');
    expect(replies[0]).toMatch(/超过 30 分钟/);
    const flood = 'contact-flood-001';
    const answers: string[] = [];
    for (let i = 0; i < 22; i++) answers.push(last(await say(flood, `你好`)));
    expect(answers.slice(0, 20).every((a) => /您好/.test(a))).toBe(true);
    expect(answers[20]).toMatch(/发送得太快了/);
    now = new Date(now.getTime() + 61_000);
    expect(last(await say(flood, '你好'))).toMatch(/您好/);
  });

  it('accepts photos, links them to the case, and refuses oversized or non-image files', async () => {
    const contact = 'contact-photo-001';
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    await say(contact, '反映');
    await say(contact, '2');
    await say(contact, '磁窑村');
    expect(last(await say(contact, null, { image: { name: 'wall.png', mimeType: 'image/png', data: png.toString('base64') } }))).toMatch(
      /照片已收到（共 1 张）/,
    );
    expect(last(await say(contact, null, { image: { name: 'x.exe', mimeType: 'application/x-msdownload', data: 'AAAA' } }))).toMatch(/只能接收照片/);
    const big = Buffer.alloc(5 * 1024 * 1024 + 10).toString('base64');
    expect(last(await say(contact, null, { image: { name: 'big.jpg', mimeType: 'image/jpeg', data: big } }))).toMatch(/照片太大了/);
    await say(contact, '墙体出现裂缝，担心倒塌');
    await say(contact, '匿名');
    const done = last(await say(contact, '1'));
    const c = await t.db.orm.em.fork().findOneOrFail(Case, { number: /SL\d{12}/.exec(done)![0] });
    expect(c.attachments).toEqual([expect.objectContaining({ name: 'wall.png', mimeType: 'image/png', size: png.length })]);
    expect(existsSync(path.join(t.app.uploadsDir, c.attachments[0].id))).toBe(true);
    // Officers see it over GraphQL.
    const res = await t.app.gql(
      `{ case(number: "${c.number}") { attachments { name mimeType size } reporter { displayName phone } } }`,
      {},
      await t.app.login('offA1'),
    );
    expect(res.data.case).toEqual({
      attachments: [{ name: 'wall.png', mimeType: 'image/png', size: png.length }],
      reporter: { displayName: '匿名', phone: null },
    });
  });

  it('answers bad requests with 400 and a message, and turns off with WEB_CHAT_ENABLED=false', async () => {
    const bad = await fetch(`${t.app.url}/chat/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hi' }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/from/);
    const broken = await fetch(`${t.app.url}/chat/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"from": ' });
    expect(broken.status).toBe(400);
    expect((await fetch(`${t.app.url}/chat/api/messages?contact=..`)).status).toBe(400);
    const off = await startTestApp(t.db, undefined, { WEB_CHAT_ENABLED: 'false' });
    try {
      expect((await fetch(`${off.url}/chat`)).status).toBe(404);
      expect((await fetch(`${off.url}/chat/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(404);
    } finally {
      await off.close();
    }
    const page = await fetch(`${t.app.url}/chat`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('三零服务平台');
  });
});
