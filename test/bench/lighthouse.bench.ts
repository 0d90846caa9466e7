import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_FLAGS } from '../support/browser';
import { createTestDb, type TestDb } from '../support/db';
import { useDataDir, type RunningServer } from '../support/server-process';

/*
 * Lighthouse (npm, offline, Debian Chromium, its default mobile profile with simulated throttling)
 * on the workbench's 待办 screen logged in, its login screen, the command centre's login screen and
 * /chat, served by the compiled server with the demo data. Lighthouse starts the Chromium
 * (CHROME_PATH) on a profile the test logged in with first: the workbench keeps its token in
 * localStorage, which Lighthouse is told to keep. Prints the performance, accessibility and best-practices scores; reports in
 * test/artifacts/lighthouse-*.json.
 */

const ARTIFACTS = path.join(__dirname, '../artifacts');
const data = useDataDir('lighthouse-');
let db: TestDb;
let server: RunningServer;
let profile: string;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  db = await createTestDb();
  server = await data.start({ DATABASE_URL: db.url, JOBS: 'off' });
  profile = mkdtempSync(path.join(tmpdir(), 'sanling-lighthouse-'));
}, 240_000);

afterAll(async () => {
  rmSync(profile, { recursive: true, force: true });
  await server?.stop();
  await db?.drop();
});

function audit(name: string, url: string): Record<string, number> {
  const out = path.join(ARTIFACTS, `lighthouse-${name}.json`);
  const run = spawnSync(
    process.execPath,
    [
      require.resolve('lighthouse/cli/index.js'),
      url,
      `--chrome-flags=--headless=new ${CHROMIUM_FLAGS.join(' ')} --user-data-dir=${profile}`,
      '--output=json',
      `--output-path=${out}`,
      '--only-categories=performance,accessibility,best-practices',
      '--disable-storage-reset',
      '--quiet',
    ],
    { encoding: 'utf8', timeout: 300_000, env: { ...process.env, CHROME_PATH: CHROMIUM } },
  );
  expect({ status: run.status, err: run.status ? run.stderr.slice(-2000) : '' }).toEqual({ status: 0, err: '' });
  const report = JSON.parse(readFileSync(out, 'utf8')) as { categories: Record<string, { score: number }>; audits: Record<string, { numericValue?: number }> };
  return {
    performance: Math.round(report.categories.performance.score * 100),
    accessibility: Math.round(report.categories.accessibility.score * 100),
    bestPractices: Math.round(report.categories['best-practices'].score * 100),
    fcpMs: Math.round(report.audits['first-contentful-paint'].numericValue ?? 0),
    lcpMs: Math.round(report.audits['largest-contentful-paint'].numericValue ?? 0),
    scriptKb: Math.round((report.audits['total-byte-weight'].numericValue ?? 0) / 1024),
  };
}

it('prints Lighthouse scores for the workbench, the command centre and /chat', async () => {
  const results: [string, Record<string, number>][] = [];
  results.push(['workbench login', audit('workbench-login', `${server.url}/work`)]);
  // Log in once on the profile: the token stays in its localStorage for Lighthouse's run.
  const chrome = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 390, height: 844 },
    args: CHROMIUM_FLAGS,
  });
  const page = await chrome.newPage();
  await page.goto(`${server.url}/work`);
  await page.getByLabel('手机号').fill('13800000003');
  await page.getByLabel('密码').fill('sanling-demo');
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('tablist', { name: '案件分类' }).waitFor();
  await chrome.close();
  // The login is kept (localStorage); the browser's caches are not, so the audit loads everything as a first visit would.
  for (const cache of ['Cache', 'Code Cache']) rmSync(path.join(profile, 'Default', cache), { recursive: true, force: true });
  results.push(['workbench 待办 (logged in)', audit('workbench-todo', `${server.url}/work#/todo`)]);
  results.push(['command centre (login)', audit('dashboard', `${server.url}/`)]);
  results.push(['chat', audit('chat', `${server.url}/chat`)]);
  console.log(
    [
      'page                          perf  a11y  best   FCP ms   LCP ms   bytes KB',
      ...results.map(
        ([name, r]) =>
          `${name.padEnd(28)} ${String(r.performance).padStart(5)} ${String(r.accessibility).padStart(5)} ${String(r.bestPractices).padStart(5)} ${String(r.fcpMs).padStart(8)} ${String(r.lcpMs).padStart(8)} ${String(r.scriptKb).padStart(9)}`,
      ),
    ].join('\n'),
  );
});
