/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { axeFindings, horizontalOverflow, launchChromium, newContext } from '../support/browser';
import { Case } from '../../src/entities';
import { useWorldApp } from '../support/app';

/*
 * Opens /chat in headless Chromium, completes a report as a person would, and saves a screenshot
 * (test/artifacts/chat.png). Needs Debian's chromium (CHROMIUM_PATH, default /usr/bin/chromium).
 */

const t = useWorldApp();
let browser: Browser;
const ARTIFACTS = path.join(__dirname, '../artifacts');

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

it('completes a report in the web chat page', async () => {
  const page = await browser.newPage({ viewport: { width: 420, height: 860 }, locale: 'zh-CN' });
  await page.goto(`${t.app.url}/chat`);
  // The page greets itself on first visit.
  await page.getByText('发送“反映”').first().waitFor();
  const bubbles = page.locator('.row:not(.me) .bubble');
  const send = async (text: string, expectReply: RegExp) => {
    const before = await bubbles.count();
    await page.fill('#text', text);
    await page.click('#send');
    await page.waitForFunction((n) => document.querySelectorAll('.row:not(.me) .bubble').length > n, before);
    await page.getByText(expectReply).last().waitFor();
  };
  await send('反映', /请选择问题类型/);
  await send('1', /哪个村、社区或单位/);
  await send('磁窑村', /描述一下具体情况/);
  await send('两户因排水沟堵塞发生争执，需要调解', /手机号码/);
  await send('13912345678', /请确认/);
  await send('1', /已提交，案件编号 SL\d{12}/);
  const text = await bubbles.last().innerText();
  const number = /SL\d{12}/.exec(text)![0];
  await page.screenshot({ path: path.join(ARTIFACTS, 'chat.png'), fullPage: true });
  const c = await t.db.orm.em.fork().findOneOrFail(Case, { number }, { populate: ['unit'] });
  expect(c.unit.getEntity().code).toBe('A1a');
  expect(c.channel).toBe('WEB_CHAT');
  // The contact id the page made up is long and random.
  const contact = await page.evaluate(() => localStorage.getItem('sanling-contact'));
  expect(contact).toMatch(/^[0-9a-f-]{32,36}$/);
});

it('fits a phone with no horizontal scroll, and axe finds nothing serious', async () => {
  const ctx = await newContext(browser, 'phone');
  const page = await ctx.newPage();
  await page.goto(`${t.app.url}/chat`);
  await page.getByText('发送“反映”').first().waitFor();
  expect(await horizontalOverflow(page)).toBe(0);
  expect(await axeFindings(page)).toEqual([]);
  await ctx.close();
});
