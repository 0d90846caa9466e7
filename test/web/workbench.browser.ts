/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createTestDb, type TestDb } from '../support/db';
import { axeFindings, horizontalOverflow, launchChromium, newContext, watchContext } from '../support/browser';
import { useDataDir, type RunningServer } from '../support/server-process';

/*
 * The workbench (办件工作台) as officers use it on their phones: the compiled server (`npm start`)
 * with the demo data set, headless Chromium at 390×844. A grid worker starts and resolves a case
 * with a photo from the camera; a township officer accepts a case and assigns it; two tabs meet a
 * VERSION_CONFLICT and nothing typed is lost; a supervisor opens a case from the command centre; a
 * revoked token returns to the login. Every screen is checked by axe-core and for horizontal
 * scrolling, and nothing is loaded from anywhere but the server. Screenshots: test/artifacts/workbench-*.png.
 */

const TOWNSHIP_OFFICER = '13800000003';
const GRID_WORKER = '13800000004';
const CITY_SUPERVISOR = '13800000001';
const ARTIFACTS = path.join(__dirname, '../artifacts');
// The smallest JPEG a phone camera could hand over (1×1 pixel).
const JPEG = Buffer.from(
  'ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffc0000b080001000101011100ffc4001f0000010501010101010100000000000000000102030405060708090a0bffc400b5100002010303020403050504040000017d01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffda0008010100003f00fbd3ffd9',
  'hex',
);

const data = useDataDir('workbench-');
let db: TestDb;
let server: RunningServer;
let browser: Browser;
const seen = { outside: [] as string[], problems: [] as string[] };

/** A fresh phone (its own storage: nobody logged in), watched like every other. */
async function phone(): Promise<BrowserContext> {
  const ctx = await newContext(browser, 'phone');
  watchContext(ctx, server.url, seen);
  return ctx;
}
const findings: string[] = [];

/** axe's serious and critical findings and any horizontal scroll, kept for the last test to report. */
async function audit(page: Page, name: string): Promise<void> {
  for (const f of await axeFindings(page)) findings.push(`${name}: ${f}`);
  const overflow = await horizontalOverflow(page);
  if (overflow > 0) findings.push(`${name}: ${overflow}px of horizontal scroll`);
  await page.screenshot({ path: path.join(ARTIFACTS, `workbench-${name}.png`), fullPage: true });
}

async function logIn(page: Page, phoneNumber: string): Promise<void> {
  await page.goto(`${server.url}/work`);
  await page.getByLabel('手机号').fill(phoneNumber);
  await page.getByLabel('密码').fill('sanling-demo');
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('tablist', { name: '案件分类' }).waitFor();
}

/** Opens the first case of a tab in the officer's own work; answers its number. */
async function openFirst(page: Page, tab: string): Promise<string> {
  await page.getByRole('tab', { name: new RegExp(`^${tab}`) }).click();
  const card = page.locator('.cards a').first();
  await card.waitFor();
  const number = (await card.locator('.number').innerText()).trim();
  await card.click();
  await page.locator('#case-title').waitFor();
  await page.getByText(number).first().waitFor();
  return number;
}

async function act(page: Page, action: string, fill?: (form: ReturnType<Page['locator']>) => Promise<void>): Promise<void> {
  await page.locator('.action-buttons').getByRole('button', { name: action, exact: true }).click();
  const form = page.getByRole('form', { name: action });
  if (fill) await fill(form);
  await form.getByRole('button', { name: `确认${action}` }).click();
}

async function status(page: Page): Promise<string> {
  return (await page.locator('.detail-head .tag').first().innerText()).trim();
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  db = await createTestDb();
  server = await data.start({ DATABASE_URL: db.url, JOBS: 'off' });
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await db?.drop();
});

describe('the workbench on a phone', () => {
  it('lets a township officer log in, see 待办 with counts, accept a case and assign it to the village’s grid worker', async () => {
    const page = await (await phone()).newPage();
    await page.goto(`${server.url}/work`);
    await audit(page, 'login');
    await logIn(page, TOWNSHIP_OFFICER);
    // Counts in every tab; the officer's own 待受理 list is not empty (the demo village's latest cases).
    const reportedTab = page.getByRole('tab', { name: /^待受理/ });
    await page.waitForFunction(() => !document.querySelector('[role=tab] .count')?.textContent?.includes('…'));
    expect(Number((await reportedTab.locator('.count').innerText()).trim())).toBeGreaterThan(0);
    await audit(page, 'todo');

    const number = await openFirst(page, '待受理');
    expect(await status(page)).toBe('待受理');
    // The trail from the first answer: the report, by its reporter or the system.
    await page.locator('.trail li').filter({ hasText: '上报' }).first().waitFor();
    await audit(page, 'detail');
    await act(page, '受理', (f) => f.getByLabel('备注（可不填）').fill('电话联系了反映人'));
    await page.getByRole('status').filter({ hasText: '已受理' }).waitFor();
    expect(await status(page)).toBe('已受理');

    await act(page, '交办', async (form) => {
      await form.getByLabel('交办到').selectOption({ label: '磁窑村' });
      await form.getByLabel('承办人').selectOption({ label: '磁窑村网格员' });
    });
    await page.getByRole('status').filter({ hasText: '已交办' }).waitFor();
    expect(await status(page)).toBe('已交办');
    await expect(page.locator('.facts').innerText()).resolves.toContain('磁窑村网格员');
    // The trail shows who did it.
    await expect(page.locator('.trail').innerText()).resolves.toMatch(/交办[\s\S]*天宁镇综治中心/);
    await page.close();
    // Over the API the case is where the screen said.
    const token = await server.login(TOWNSHIP_OFFICER);
    const res = await server.gql('query($n: String!) { case(number: $n) { status assignee { name } } }', { n: number }, token);
    expect(res.data.case).toEqual({ status: 'ASSIGNED', assignee: { name: '磁窑村网格员' } });
  });

  it('lets a grid worker start a case and resolve it with a photo from the camera', async () => {
    const page = await (await phone()).newPage();
    await logIn(page, GRID_WORKER);
    await openFirst(page, '办理中');
    const started = (await status(page)) === '已交办';
    if (started) {
      await act(page, '开始办理');
      await page.getByRole('status').filter({ hasText: '已开始办理' }).waitFor();
    }
    expect(await status(page)).toBe('办理中');
    await act(page, '办结', async (form) => {
      await form.getByLabel('办结情况').fill('已疏通排水沟，双方签字确认');
      await form.getByLabel('现场照片（可拍照，可多张）').setInputFiles({ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: JPEG });
    });
    await page.getByRole('status').filter({ hasText: '已办结' }).waitFor();
    expect(await status(page)).toBe('已办结');
    // The photo is on the case: a thumbnail that opens full size.
    const thumb = page.getByRole('button', { name: /查看大图/ }).first();
    await thumb.waitFor();
    await thumb.click();
    await page.getByRole('dialog').locator('img').waitFor();
    await page.getByRole('dialog').getByRole('button', { name: '关闭' }).click();
    await audit(page, 'resolved');
    await page.close();
  });

  it('keeps what was typed when another tab changed the case first (VERSION_CONFLICT), and sends it on the second try', async () => {
    const tabs = await phone();
    const a = await tabs.newPage();
    const b = await tabs.newPage();
    await logIn(a, TOWNSHIP_OFFICER);
    const number = await openFirst(a, '待受理');
    await b.goto(a.url());
    await b.getByText(number).first().waitFor();
    // B starts a note; meanwhile A accepts the case.
    await b.locator('.action-buttons').getByRole('button', { name: '记录', exact: true }).click();
    const note = '已约双方周五到村委会调解';
    await b.getByRole('form', { name: '记录' }).getByLabel('内容').fill(note);
    await act(a, '受理');
    await a.getByRole('status').filter({ hasText: '已受理' }).waitFor();

    await b.getByRole('form', { name: '记录' }).getByRole('button', { name: '确认记录' }).click();
    await b.getByRole('alert').filter({ hasText: '刚被他人更新' }).waitFor();
    // B now shows the case as it is, and the note is still in the form.
    await b.waitForFunction(() => document.querySelector('.detail-head .tag')?.textContent === '已受理');
    await expect(b.getByRole('form', { name: '记录' }).getByLabel('内容').inputValue()).resolves.toBe(note);
    await audit(b, 'conflict');
    await b.getByRole('form', { name: '记录' }).getByRole('button', { name: '确认记录' }).click();
    await b.getByRole('status').filter({ hasText: '已记录' }).waitFor();
    await expect(b.locator('.trail').innerText()).resolves.toContain(note);
    await a.close();
    await b.close();
  });

  it('files a case for a resident who phoned, and shows the inbox', async () => {
    const page = await (await phone()).newPage();
    await logIn(page, TOWNSHIP_OFFICER);
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '登记' }).click();
    await page.getByLabel('类别').selectOption({ label: '矛盾纠纷' });
    await page.getByLabel('发生地').selectOption({ label: '磁窑村' });
    await page.getByLabel('标题').fill('两户因院墙位置发生争执');
    await page.getByLabel('情况描述').fill('村民来电反映，邻居新砌院墙占用了通道');
    await page.getByLabel('反映人姓名（匿名可不填）').fill('王五');
    await page.getByLabel('反映人手机号（可不填）').fill('1391234');
    await page.getByRole('button', { name: '登记', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: '11 位' }).waitFor();
    await page.getByLabel('反映人手机号（可不填）').fill('13912345678');
    await page.getByRole('button', { name: '登记', exact: true }).click();
    const filed = page.getByRole('status').filter({ hasText: '已登记' });
    await filed.waitFor();
    await audit(page, 'file');
    await filed.getByRole('link').click();
    await page.locator('#case-title').filter({ hasText: '两户因院墙位置发生争执' }).waitFor();
    expect(await status(page)).toBe('待受理');

    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: /消息/ }).click();
    await page.getByRole('heading', { name: '消息' }).waitFor();
    await page.locator('.messages li, .empty').first().waitFor();
    await audit(page, 'inbox');
    await page.close();
  });

  it('goes back to the login with a message when the token is revoked', async () => {
    const ctx = await phone();
    const page = await ctx.newPage();
    await logIn(page, GRID_WORKER);
    // The same officer logs out elsewhere: every token issued before is refused.
    const token = await server.login(GRID_WORKER);
    expect((await server.gql('mutation { logout }', undefined, token)).data.logout).toBe(true);
    await page.getByRole('button', { name: '刷新' }).click();
    await page.getByRole('status').filter({ hasText: '登录已失效' }).waitFor();
    await page.getByLabel('手机号').waitFor();
  });
});

describe('on a desktop, and from the command centre', () => {
  it('opens a case from the command centre’s supervision list in the workbench', async () => {
    const ctx = await newContext(browser, 'desktop');
    const watched = watchContext(ctx, server.url);
    const page = await ctx.newPage();
    await page.goto(`${server.url}/`);
    await page.fill('#phone', CITY_SUPERVISOR);
    await page.fill('#password', 'sanling-demo');
    await page.click('#login-button');
    const link = page.locator('#supervision .case-link').first();
    await link.waitFor();
    const title = (await page.locator('#supervision li').first().locator('.num').innerText()).trim();
    await link.click();
    await page.waitForURL(/\/work#\/case\//);
    await page.locator('#case-title').waitFor();
    await page.getByText(title).first().waitFor();
    await audit(page, 'desktop-detail');
    await page.goBack();
    await page.locator('#supervision .case-link').first().waitFor();
    expect(watched.outside).toEqual([]);
    await ctx.close();
  });

  it('found nothing serious for axe-core, no horizontal scroll, no request elsewhere and no script error', () => {
    expect(findings).toEqual([]);
    expect(seen.outside).toEqual([]);
    expect(seen.problems).toEqual([]);
  });
});
