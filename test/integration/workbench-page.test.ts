import { gunzipSync } from 'node:zlib';
import { useWorldApp } from '../support/app';

/* The workbench is served by the API server from its bundle: one page, hashed assets, gzipped for phones. */

const t = useWorldApp();

it('serves /work with the same security headers as every page, and its hashed assets gzipped and cached for good', async () => {
  const page = await fetch(`${t.app.url}/work`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  expect(page.headers.get('cache-control')).toBe('no-cache');
  const html = await page.text();
  expect(html).toContain('<html lang="zh-CN">');
  const script = /src="(\/work\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  expect(script).toBeDefined();
  // Nothing the page loads comes from another origin.
  expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);

  const plain = await fetch(`${t.app.url}${script}`, { headers: { 'accept-encoding': 'identity' } });
  const plainBody = Buffer.from(await plain.arrayBuffer());
  expect(plain.headers.get('content-encoding')).toBeNull();
  expect(plain.headers.get('cache-control')).toContain('immutable');
  // fetch would undo the encoding itself: read the raw bytes through node's http instead.
  const { request } = await import('node:http');
  const gz = await new Promise<{ encoding?: string; body: Buffer }>((resolve, reject) => {
    request(`${t.app.url}${script}`, { headers: { 'accept-encoding': 'gzip, br' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
  expect(gz.encoding).toBe('gzip');
  expect(gz.body.length).toBeLessThan(plainBody.length / 2);
  expect(gunzipSync(gz.body).equals(plainBody)).toBe(true);
  // The budget: the workbench's JavaScript under 250 KB gzipped, and React's production build
  // (the development build is half as large again, and slow).
  expect(gz.body.length).toBeLessThan(250 * 1024);
  expect(plainBody.length).toBeLessThan(560 * 1024);

  expect((await fetch(`${t.app.url}/work/assets/nothing.js`)).status).toBe(404);
  const icon = await fetch(`${t.app.url}/favicon.svg`);
  expect(icon.headers.get('content-type')).toContain('image/svg+xml');
});
