/// <reference lib="dom" />
import { mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import express from 'express';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeFindings, horizontalOverflow, launchChromium, newContext, watchContext } from '../support/browser';
import { DEFAULT_CAMPAIGN } from '../../src/domain/stats/settings';
import { refreshWarnings } from '../../src/domain/stats/warnings';
import { explorerRouter } from '../../src/web/dashboard.route';
import { createTestDb, type TestDb } from '../support/db';
import { useDataDir, type RunningServer } from '../support/server-process';

/*
 * The command centre as a supervisor uses it: the compiled server (`npm start`) with the demo data set,
 * headless Chromium at 1920×1080. Every chart must show what the GraphQL API answers for the same
 * question; drilling into a county shows its townships; the page refreshes itself without a reload;
 * the ledger downloads as a file; warning letters open for printing; nothing is loaded from anywhere
 * but the server. Screenshot: test/artifacts/dashboard.png (ignored by git).
 *
 * The server runs on a fresh database of the test PostgreSQL (DATABASE_URL) with the jobs off, so the
 * figures stay still while the page and the test read them; the early warnings (a job every five
 * minutes) are computed once here, as the job does.
 */

const CITY_SUPERVISOR = '13800000001';
const ADMIN = '13800000000';
const GRID_WORKER = '13800000004';
const ARTIFACTS = path.join(__dirname, '../artifacts');
const CHARTS = ['progress', 'kinds', 'trend', 'ranking'];

const data = useDataDir('dashboard-');
let db: TestDb;
let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let token: string;
let month: string;
let cityId: string;
let lettersIssued = 0;
/** Requests of the browser to anywhere but the server (blob: and data: URLs are the page's own). */
const outside: string[] = [];
/** Script errors and errors in the consoles (CSP violations among them). */
const problems: string[] = [];

const API = `query($unitId: ID, $month: String, $level: RankingLevel!) {
  dashboard(unitId: $unitId, month: $month) {
    unit { id name kind }
    base { unitsByCategory { category count } openByKind { kind count } openCases openHazards openEmergencies listed reportedInMonth }
    progress { category units zeroUnits rate target met }
    warnings(first: 20) { unit { name } reason }
    warningCount
    supervision(first: 20) { number }
    emergencies(first: 20) { number }
    trend(months: 12) { month reported resolved responseRate onTimeRate satisfactionRate zeroRate }
    stock { stock cleared increments }
  }
  rankings(level: $level, month: $month, withinId: $unitId) { rank unit { id name } score belowTarget }
  warningLetters(first: 20) { edges { node { id region { name } } } }
}`;

/** What the page plots for a rate (percent, one decimal). */
const pct = (rate: number | null) => (rate == null ? null : Math.round(rate * 1000) / 10);

async function chartValues(name: string): Promise<any> {
  return JSON.parse((await page.getAttribute(`[data-chart="${name}"]`, 'data-values')) ?? 'null');
}

async function allDrawn(): Promise<void> {
  await page.waitForFunction((names) => names.every((n) => document.querySelector(`[data-chart="${n}"]`)?.getAttribute('data-drawn') === 'true'), CHARTS);
}

const figure = (name: string) => page.locator(`[data-figure="${name}"]`).innerText();

function shiftMonth(m: string, by: number): string {
  const [y, mo] = m.split('-').map(Number);
  const d = new Date(Date.UTC(y, mo - 1 + by, 1));
  return d.toISOString().slice(0, 7);
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  db = await createTestDb();
  server = await data.start({ DATABASE_URL: db.url, JOBS: 'off' });
  const found = await refreshWarnings(db.orm.em.fork(), new Date(), DEFAULT_CAMPAIGN);
  expect(found).toBeGreaterThan(0);
  // Warning letters for the months before this one (the monthly job issues them on the 1st).
  const admin = await server.login(ADMIN);
  const now = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
  for (let back = 1; back <= 6; back++) {
    const res = await server.gql('mutation($m: String!) { issueWarningLetters(input: {month: $m}) { id } }', { m: shiftMonth(now, -back) }, admin);
    expect(res.errors).toBeUndefined();
    lettersIssued += res.data.issueWarningLetters.length;
  }
  token = await server.login(CITY_SUPERVISOR);
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true });
  watchContext(context, server.url, { outside, problems });
  page = await context.newPage();
  // Timers run as usual, and the test can jump ahead to the next refresh.
  await page.clock.install();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await db?.drop();
});

describe('command centre', () => {
  it('logs in and shows the city with every chart drawn from the figures the API gives', async () => {
    await page.goto(`${server.url}/`);
    await expect(page.locator('#login-form').isVisible()).resolves.toBe(true);
    await page.fill('#phone', CITY_SUPERVISOR);
    await page.fill('#password', 'sanling-demo');
    await page.click('#login-button');
    await allDrawn();
    expect(await page.evaluate(() => sessionStorage.getItem('sanling-token'))).toMatch(/^ey/);
    month = await page.inputValue('#month');
    expect(month).toMatch(/^\d{4}-\d{2}$/);

    const res = await server.gql(API, { month, level: 'COUNTY' }, token);
    expect(res.errors).toBeUndefined();
    const d = res.data.dashboard;
    expect(d.unit.kind).toBe('CITY');
    cityId = d.unit.id;
    expect(await page.locator('#region-name').innerText()).toBe(d.unit.name);
    expect(await page.getAttribute('body', 'data-unit-id')).toBe(d.unit.id);

    // Base data.
    for (const c of d.base.unitsByCategory) expect(await figure(`units-${c.category}`)).toBe(String(c.count));
    for (const k of ['openCases', 'openHazards', 'openEmergencies', 'listed', 'reportedInMonth']) expect(await figure(k)).toBe(String(d.base[k]));
    expect(await figure('stock')).toBe(String(d.stock.stock));
    expect(await figure('increments')).toBe(String(d.stock.increments));
    expect(d.base.openCases).toBeGreaterThan(0);

    // Progress gauges: rate, target and whether it is met, per category.
    const progress = await chartValues('progress');
    expect(progress).toEqual(
      d.progress.map((p: any) => ({ category: p.category, units: p.units, zeroUnits: p.zeroUnits, rate: p.rate, target: p.target, met: p.met })),
    );
    expect(progress.map((p: any) => p.category)).toEqual(['VILLAGE_COMMUNITY', 'ENTERPRISE', 'INSTITUTION']);
    const notes = await page.locator('#progress-notes li').allInnerTexts();
    d.progress.forEach((p: any, i: number) => expect(notes[i]).toContain(p.met ? '达标' : '未达标'));

    // Open cases by kind.
    expect(await chartValues('kinds')).toEqual(Object.fromEntries(d.base.openByKind.map((k: any) => [k.kind, k.count])));

    // Trend: twelve months of bars and rates.
    const trend = await chartValues('trend');
    expect(trend.months).toHaveLength(12);
    expect(trend.months[11]).toBe(month);
    expect(trend.months).toEqual(d.trend.map((t: any) => t.month));
    expect(trend.reported).toEqual(d.trend.map((t: any) => t.reported));
    expect(trend.resolved).toEqual(d.trend.map((t: any) => t.resolved));
    for (const rate of ['responseRate', 'onTimeRate', 'satisfactionRate', 'zeroRate']) expect(trend[rate]).toEqual(d.trend.map((t: any) => pct(t[rate])));
    expect(trend.reported.reduce((a: number, b: number) => a + b, 0)).toBeGreaterThan(100);

    // County ranking: chart and table, below-target rows marked.
    const ranking = await chartValues('ranking');
    expect(ranking.level).toBe('COUNTY');
    expect(res.data.rankings).toHaveLength(13);
    expect(ranking.units).toEqual(res.data.rankings.map((r: any) => r.unit.name));
    expect(ranking.scores).toEqual(res.data.rankings.map((r: any) => r.score));
    expect(ranking.belowTarget).toEqual(res.data.rankings.map((r: any) => r.belowTarget));
    const rows = page.locator('#ranking-table tbody tr');
    expect(await rows.count()).toBe(13);
    expect(await page.locator('#ranking-table tbody tr.below').count()).toBe(res.data.rankings.filter((r: any) => r.belowTarget).length);
    const first = res.data.rankings[0];
    expect(await rows.first().innerText()).toContain(first.unit.name);
    expect(await rows.first().innerText()).toContain(first.score.toFixed(1));

    // Lists: warnings with reasons, supervision, emergencies, letters.
    expect(d.warningCount).toBeGreaterThan(0);
    const warnings = page.locator('#warnings li:not(.empty)');
    expect(await warnings.count()).toBe(d.warnings.length);
    expect(await warnings.first().innerText()).toContain(`${d.warnings[0].unit.name}：${d.warnings[0].reason}`);
    expect(await page.locator('#warnings-meta').innerText()).toContain(`共 ${d.warningCount} 条`);
    const supervision = page.locator('#supervision li:not(.empty)');
    expect(await supervision.count()).toBe(d.supervision.length);
    if (d.supervision.length) expect(await supervision.first().innerText()).toContain(d.supervision[0].number);
    const emergencies = page.locator('#emergencies li:not(.empty)');
    expect(await emergencies.count()).toBe(d.emergencies.length);
    if (d.emergencies.length) expect(await emergencies.first().innerText()).toContain(d.emergencies[0].number);
    expect(lettersIssued).toBeGreaterThan(0);
    const letters = page.locator('#letters li[data-letter-id]');
    expect(await letters.count()).toBe(res.data.warningLetters.edges.length);
    expect(await letters.first().innerText()).toContain(res.data.warningLetters.edges[0].node.region.name);

    // Every chart is an ECharts canvas.
    for (const name of CHARTS) expect(await page.locator(`[data-chart="${name}"] canvas`).count()).toBeGreaterThan(0);
  });

  it('opens a warning letter for printing in a new window', async () => {
    const button = page.locator('#letters li[data-letter-id] button.print').first();
    const region = (await page.locator('#letters li[data-letter-id] .main').first().innerText()).split(' · ')[0];
    const [letter] = await Promise.all([context.waitForEvent('page'), button.click()]);
    // Written into the window the page opened (no script of its own runs in it).
    await letter.locator('h1').filter({ hasText: '风险提示函' }).waitFor();
    expect(await letter.locator('body').innerText()).toContain(`${region}：`);
    expect(await letter.locator('script').count()).toBe(0);
    // Its print button, wired by the page, prints without breaking the page's policy.
    const blocked = await letter.evaluate(
      () =>
        new Promise<boolean>((resolve) => {
          let violated = false;
          document.addEventListener('securitypolicyviolation', () => (violated = true));
          window.print = () => resolve(violated);
          document.querySelector('button')!.click();
          setTimeout(() => resolve(true), 2000);
        }),
    );
    expect(blocked).toBe(false);
    await letter.close();
  });

  it('drills into a county (its dashboard and township ranking), keeps it through a refresh, and goes back', async () => {
    const city = await chartValues('ranking');
    // A county below target if there is one, else the first.
    const index = Math.max(0, city.belowTarget.indexOf(true));
    const county = { id: city.ids[index], name: city.units[index] };
    await page.click(`#ranking-table tbody tr[data-unit-id="${county.id}"]`);
    await page.waitForFunction((id) => {
      const el = document.querySelector('[data-chart="ranking"]');
      return (
        document.body.getAttribute('data-unit-id') === id &&
        el?.getAttribute('data-drawn') === 'true' &&
        JSON.parse(el.getAttribute('data-values') ?? '{}').level === 'TOWNSHIP'
      );
    }, county.id);
    await allDrawn();
    expect(await page.locator('#region-name').innerText()).toBe(county.name);
    expect(await page.locator('#crumbs').innerText()).toMatch(new RegExp(`吕梁市\\s*›\\s*${county.name}`));
    expect(await page.locator('#back').isVisible()).toBe(true);

    const res = await server.gql(API, { unitId: county.id, month, level: 'TOWNSHIP' }, token);
    expect(res.errors).toBeUndefined();
    const townships = res.data.rankings;
    expect(townships.length).toBeGreaterThan(0);
    const ranking = await chartValues('ranking');
    expect(ranking.units).toEqual(townships.map((r: any) => r.unit.name));
    expect(ranking.scores).toEqual(townships.map((r: any) => r.score));
    expect(await page.locator('#ranking-title').innerText()).toContain('乡镇');
    expect(await page.locator('#ranking-table tbody tr').count()).toBe(townships.length);
    expect(await figure('openCases')).toBe(String(res.data.dashboard.base.openCases));
    expect((await chartValues('trend')).reported).toEqual(res.data.dashboard.trend.map((t: any) => t.reported));
    expect(await chartValues('progress')).toEqual(
      res.data.dashboard.progress.map((p: any) => ({
        category: p.category,
        units: p.units,
        zeroUnits: p.zeroUnits,
        rate: p.rate,
        target: p.target,
        met: p.met,
      })),
    );

    // A minute later the page has asked again, without reloading and without leaving the county.
    await page.evaluate(() => ((window as any).sameDocument = true));
    const loads = Number(await page.getAttribute('body', 'data-loads'));
    await page.clock.fastForward(61_000);
    await page.waitForFunction((n) => Number(document.body.getAttribute('data-loads')) > n, loads);
    await allDrawn();
    expect(await page.evaluate(() => (window as any).sameDocument)).toBe(true);
    expect(await page.getAttribute('body', 'data-unit-id')).toBe(county.id);
    expect((await chartValues('ranking')).level).toBe('TOWNSHIP');

    const shot = path.join(ARTIFACTS, 'dashboard.png');
    await page.screenshot({ path: shot });
    console.log(`dashboard screenshot: ${shot}`);

    // The ledger of the county: a CSV with a BOM and the case number first, one record per case.
    const from = shiftMonth(month, -11);
    await page.selectOption('#ledger-from', from);
    await page.selectOption('#ledger-to', month);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#ledger-csv')]);
    expect(download.suggestedFilename()).toBe(`台账-${county.name}-${from}至${month}.csv`);
    const bytes = readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records: string[][] = parse(bytes.subarray(3).toString('utf8'));
    expect(records[0][0]).toBe('案件编号');
    const [y, m] = month.split('-').map(Number);
    const end = new Date(Date.UTC(y, m, 1) - 8 * 3600_000).toISOString();
    const start = new Date(Date.UTC(Number(from.slice(0, 4)), Number(from.slice(5)) - 1, 1) - 8 * 3600_000).toISOString();
    const count = await server.gql(
      'query($f: CaseFilterInput) { cases(first: 1, filter: $f) { totalCount } }',
      { f: { unitId: county.id, reportedAfter: start, reportedBefore: end } },
      token,
    );
    expect(count.errors).toBeUndefined();
    expect(records.length - 1).toBe(count.data.cases.totalCount);
    expect(records.length - 1).toBeGreaterThan(0);
    expect(records.slice(1).every((r) => /^SL\d{12}$/.test(r[0]))).toBe(true);
    expect(await page.locator('#ledger-msg').innerText()).toContain('已下载');

    // Back to the city.
    await page.click('#back');
    await page.waitForFunction((id) => document.body.getAttribute('data-unit-id') === id, cityId);
    await allDrawn();
    expect((await chartValues('ranking')).level).toBe('COUNTY');
    expect(await page.locator('#back').isVisible()).toBe(false);
  });

  it('tells a grid worker that the command centre is for supervisors', async () => {
    const other = await context.newPage();
    try {
      await other.goto(`${server.url}/`);
      // The tab shares nothing with the supervisor's: sessionStorage is per tab.
      await other.fill('#phone', GRID_WORKER);
      await other.fill('#password', 'sanling-demo');
      await other.click('#login-button');
      await other.locator('#denied').waitFor();
      expect(await other.locator('#denied').innerText()).toContain('无权查看指挥中心');
      expect(await other.locator('#denied').innerText()).toContain('督导（SUPERVISOR）');
      expect(await other.locator('#screen').isVisible()).toBe(false);
      // Logging out brings the form back.
      await other.click('#logout');
      await other.locator('#login-form').waitFor();
      expect(await other.evaluate(() => sessionStorage.getItem('sanling-token'))).toBeNull();
    } finally {
      await other.close();
    }
  });

  it('serves the API explorer (GraphiQL) from the server alone, and runs a query with the session token', async () => {
    const html = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = html.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/https?:/);
    const body = await html.text();
    expect(body).toMatch(/<script src="\/explorer\.js\?v=\w+"><\/script>/);
    expect(body).not.toMatch(/(src|href)="(https?:)?\/\//);
    // JSON clients still get the API at the same URL.
    const json = await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(await json.json()).toEqual({ data: { __typename: 'Query' } });

    const explorer = await context.newPage();
    try {
      await explorer.addInitScript((t) => sessionStorage.setItem('sanling-token', t), token);
      const introspected = explorer.waitForResponse((r) => r.url() === `${server.url}/graphql` && r.request().method() === 'POST');
      await explorer.goto(`${server.url}/graphql`);
      await explorer.locator('.graphiql-container').waitFor();
      expect((await introspected).status()).toBe(200);
      // Two operations in the editor: GraphiQL asks which one to run.
      await explorer.locator('.graphiql-execute-button').click();
      await explorer.getByRole('menuitem', { name: 'Dashboard' }).click();
      await explorer.locator('.result-window').getByText('openCases').waitFor();
      expect(await explorer.locator('.result-window').innerText()).toContain('吕梁市');
    } finally {
      await explorer.close();
    }
  });

  it('fits a phone (390×844) with no horizontal scroll, its month picker in Chinese, lists reachable by keyboard; axe finds nothing serious', async () => {
    const ctx = await newContext(browser, 'phone');
    watchContext(ctx, server.url, { outside, problems });
    const phone = await ctx.newPage();
    await phone.goto(`${server.url}/`);
    await phone.fill('#phone', CITY_SUPERVISOR);
    await phone.fill('#password', 'sanling-demo');
    await phone.click('#login-button');
    await phone.locator('#supervision li').first().waitFor();
    expect(await horizontalOverflow(phone)).toBe(0);
    // Panels stack: none overlaps the next.
    const boxes = await phone.locator('.panel:visible').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => [r.top, r.bottom]));
    const sorted = boxes.sort((a, b) => a[0] - b[0]);
    expect(sorted.slice(1).filter((b, i) => b[0] < sorted[i][1] - 1)).toEqual([]);
    expect(await phone.locator('#month option').first().innerText()).toMatch(/^\d{4} 年 \d{1,2} 月$/);
    for (const id of ['warnings', 'supervision', 'emergencies', 'letters']) expect(await phone.getAttribute(`#${id}`, 'tabindex')).toBe('0');
    expect(await axeFindings(phone)).toEqual([]);
    await phone.screenshot({ path: path.join(ARTIFACTS, 'dashboard-phone.png'), fullPage: true });
    expect(await axeFindings(page)).toEqual([]);
    await ctx.close();
  });

  it('loaded nothing from outside the server and raised no script or policy errors', () => {
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
  });
});

describe('API explorer without introspection', () => {
  it('says so on the page and leaves queries to the API', async () => {
    const app = express();
    app.use(explorerRouter({ introspection: false }));
    app.use((_req, res) => {
      res.status(418).end();
    });
    const listener = app.listen(0, '127.0.0.1');
    await new Promise((r) => listener.once('listening', r));
    const base = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
    try {
      const page = await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } });
      const text = await page.text();
      expect(text).toContain('本服务器已关闭内省');
      expect(text).toContain('data-introspection="false"');
      // With a query, or without HTML accepted, the request goes on (here to the 418 stand-in for Apollo).
      expect((await fetch(`${base}/graphql?query=%7B__typename%7D`, { headers: { accept: 'text/html' } })).status).toBe(418);
      expect((await fetch(`${base}/graphql`, { headers: { accept: 'application/json' } })).status).toBe(418);
      const vendor = await fetch(`${base}/vendor/graphiql.min.js`);
      expect(vendor.status).toBe(200);
      expect(vendor.headers.get('cache-control')).toContain('max-age=31536000');
    } finally {
      await new Promise((r) => listener.close(r));
    }
  });
});
