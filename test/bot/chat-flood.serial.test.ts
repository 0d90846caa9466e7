import { spawn } from 'node:child_process';
import path from 'node:path';
import { dirBytes, useDataDir } from '../support/server-process';

/*
 * The disk-fill attack against the compiled server with its default limits: a hundred new contacts
 * from one address, each sending a 4.9 MB photo, sixteen at a time. The server must keep its memory,
 * keep answering /healthz, and store no more than the new-contact limit and the quotas let through.
 */

const MB = 1024 * 1024;
const data = useDataDir('chat-flood-');

it('keeps memory, health and disk within bounds under a photo flood from new contacts', async () => {
  const s = await data.start();
  const uploads = path.join(data.dir, 'uploads');
  const diskBefore = dirBytes(uploads);
  const rssBefore = s.rss();
  const body = JSON.stringify({ name: '张三', text: null, image: { name: 'p.jpg', mimeType: 'image/jpeg', data: Buffer.alloc(Math.round(4.9 * MB), 3).toString('base64') } });
  const statuses = new Map<number, number>();
  let peak = rssBefore;
  // /healthz is timed from a process of its own: this one is busy sending 6.5 MB bodies.
  const poller = spawn(
    process.execPath,
    ['-e', `const url = process.argv[1]; const out = [];
      const tick = async () => { const t0 = performance.now(); const r = await fetch(url); await r.text();
        out.push([r.status, performance.now() - t0]); setTimeout(tick, 50); };
      process.on('SIGTERM', () => { process.stdout.write(JSON.stringify(out)); process.exit(0); }); tick();`, `${s.url}/healthz`],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let polled = '';
  poller.stdout!.on('data', (d) => (polled += d));
  const pollerDone = new Promise((r) => poller.on('exit', r));
  const sampler = setInterval(() => (peak = Math.max(peak, s.rss())), 50);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < 100) {
        const i = next++;
        const res = await fetch(`${s.url}/chat/api/messages`, {
          method: 'POST',
          // The server trusts X-Forwarded-For from loopback (a reverse proxy in front of it).
          headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' },
          body: body.replace('{', `{"from":"flood-${String(i).padStart(4, '0')}-contact","id":"m-${i}",`),
        });
        await res.text();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        peak = Math.max(peak, s.rss());
      }
    }),
  );
  const elapsed = performance.now() - started;
  clearInterval(sampler);
  poller.kill('SIGTERM');
  await pollerDone;
  const polls = JSON.parse(polled) as [number, number][];
  expect(polls.every(([status]) => status === 200)).toBe(true);
  const latencies = polls.map(([, ms]) => ms).sort((a, b) => a - b);
  const p95 = latencies[Math.floor(latencies.length * 0.95)];
  const growth = dirBytes(uploads) - diskBefore;
  console.log(
    `photo flood: 100 requests in ${elapsed.toFixed(0)} ms, statuses ${JSON.stringify(Object.fromEntries(statuses))}; ` +
      `RSS ${(rssBefore / MB).toFixed(0)} MB before, peak ${(peak / MB).toFixed(0)} MB; uploads grew ${(growth / MB).toFixed(1)} MB; ` +
      `/healthz ${latencies.length} polls, p95 ${p95.toFixed(1)} ms, max ${latencies[latencies.length - 1].toFixed(1)} ms`,
  );
  // One photo in flight per address (the rest answered 503 before their body is read), and 20 new
  // contacts an hour per address by default (429): at most 20 photos land, one file each.
  const ok = statuses.get(200) ?? 0;
  expect(ok).toBeGreaterThan(0);
  expect(ok).toBeLessThanOrEqual(20);
  expect(ok + (statuses.get(429) ?? 0) + (statuses.get(503) ?? 0)).toBe(100);
  expect(growth).toBeLessThanOrEqual(ok * 4.9 * MB + 1024);
  expect(peak).toBeLessThan(500 * MB);
  expect(p95).toBeLessThan(100);
});
