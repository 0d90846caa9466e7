/// <reference lib="dom" />
import { readFileSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/*
 * Headless Debian Chromium for the screen tests (CHROMIUM_PATH, default /usr/bin/chromium), never a
 * downloaded browser; the flags keep it from calling out to the network this machine does not have.
 */

export const CHROMIUM = process.env.CHROMIUM_PATH ?? process.env.CHROME_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
}

/** A phone (390×844, touch) or a desktop, in Chinese and Beijing time. */
export function newContext(browser: Browser, size: 'phone' | 'desktop'): Promise<BrowserContext> {
  const common = { locale: 'zh-CN', timezoneId: 'Asia/Shanghai' } as const;
  return size === 'phone'
    ? browser.newContext({ ...common, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 })
    : browser.newContext({ ...common, viewport: { width: 1366, height: 900 } });
}

/** Records every request to anywhere but `origin` (blob: and data: URLs are the page's own), script errors and console errors (CSP violations among them). */
export function watchContext(
  ctx: BrowserContext,
  origin: string,
  seen: { outside: string[]; problems: string[] } = { outside: [], problems: [] },
): { outside: string[]; problems: string[] } {
  ctx.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(`${origin}/`) && !url.startsWith('blob:') && !url.startsWith('data:')) seen.outside.push(url);
  });
  ctx.on('page', (p) => {
    p.on('pageerror', (e) => seen.problems.push(`${p.url()}: ${e.message}`));
    p.on('console', (m) => {
      if (m.type() === 'error') seen.problems.push(`${p.url()}: ${m.text()}`);
    });
  });
  return seen;
}

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical findings on the page as it is now: "rule: target" lines. */
export async function axeFindings(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern: the page keeps its
  // real policy, so a violation of the app's own still shows.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(`${AXE}\n;void 0`);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.targets.slice(0, 3).join(', ')}`);
}

/** How far the page is wider than its viewport (0 when there is no horizontal scroll). */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}
