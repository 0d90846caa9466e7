import { CaseKind } from '../../src/entities';
import { loadConfig } from '../../src/config';
import { issueWarningLetters } from '../../src/domain/stats/letters';
import { selectRows } from '../../src/domain/read/load';
import { UNIT_ROW } from '../../src/domain/read/rows';
import { useWorldApp } from '../support/app';
import { insertCase } from '../support/fixture';

/* Every HTML page goes out with the same security headers, and runs no inline script. */

const t = useWorldApp();

/** The headers every page must carry, and a policy with no inline script and no other origin. */
function expectLockedDown(res: Response) {
  const csp = res.headers.get('content-security-policy') ?? '';
  const directives = Object.fromEntries(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name, values]),
  );
  expect(directives['default-src']).toEqual(["'none'"]);
  expect(directives['script-src']).toEqual(["'self'"]);
  expect(directives['frame-ancestors']).toEqual(["'none'"]);
  expect(directives['base-uri']).toEqual(["'none'"]);
  expect(csp).not.toMatch(/https?:|unsafe-eval|unsafe-hashes|'sha256-|\*/);
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
}

/** No <script> without src, no on…= handler, no javascript: URL. */
function expectNoInlineScript(html: string) {
  expect(html).toMatch(/<html/);
  expect(html.match(/<script(?![^>]*\bsrc=)[^>]*>/gi) ?? []).toEqual([]);
  expect(html.match(/\son[a-z]+\s*=/gi) ?? []).toEqual([]);
  expect(html).not.toMatch(/javascript:/i);
}

it.each([
  ['the command centre', '/', {}],
  ['the residents’ web chat', '/chat', {}],
  ['the API explorer', '/graphql', { accept: 'text/html' }],
])('sends %s with the security headers and no inline script', async (_name, url, headers) => {
  const res = await fetch(`${t.app.url}${url}`, { headers });
  expect(res.status).toBe(200);
  expectLockedDown(res);
  expectNoInlineScript(await res.text());
});

it('sends a printable warning letter the same way', async () => {
  const em = t.db.orm.em.fork();
  // An accident at one of county A's two villages: its villages fall below the 80 % target.
  await insertCase(em, t.world.units.A1a, t.world.units.A1, { kind: CaseKind.ACCIDENT, reportedAt: new Date('2026-11-10T02:00:00Z') });
  const [city] = await selectRows(em, UNIT_ROW, 'u', 'where u.code = ?', ['C']);
  const [letter] = await issueWarningLetters(em, city, '2026-11', loadConfig({}).campaign, new Date('2026-12-01T01:00:00Z'));
  expect(letter).toBeDefined();
  const res = await fetch(`${t.app.url}/letters/${letter.id}`, { headers: { authorization: `Bearer ${await t.app.login('admin')}` } });
  expect(res.status).toBe(200);
  expectLockedDown(res);
  const html = await res.text();
  expectNoInlineScript(html);
  expect(html).toContain('风险提示函');
});

it('sends the headers with API answers too', async () => {
  const res = await fetch(`${t.app.url}/healthz`);
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('x-frame-options')).toBe('DENY');
});
