import { spawn } from 'node:child_process';
import type { RunningServer } from './server-process';

const MB = 1024 * 1024;

export interface FloodResult {
  elapsedMs: number;
  statuses: Record<number, number>;
  rssBefore: number;
  peakRss: number;
  /** /healthz answers while the flood ran: status and milliseconds each. */
  polls: [number, number][];
}

/**
 * The photo flood: `contacts` new web chat contacts each send one photo of `photoMb` MB, `concurrency`
 * at a time, from one address (the connection's own) or each from an address of its own
 * (`forwarded`: X-Forwarded-For, for a server started with TRUST_PROXY=127.0.0.1). The server's
 * resident memory is sampled every 20 ms and /healthz is timed from a process of its own (this one
 * is busy sending bodies of several megabytes).
 */
export async function photoFlood(
  s: RunningServer,
  opts: { contacts?: number; concurrency?: number; photoMb?: number; forwarded?: boolean; tag?: string } = {},
): Promise<FloodResult> {
  const { contacts = 100, concurrency = 16, photoMb = 4.9, forwarded = false, tag = 'flood' } = opts;
  const body = JSON.stringify({
    name: '张三',
    text: null,
    image: { name: 'p.jpg', mimeType: 'image/jpeg', data: Buffer.alloc(Math.round(photoMb * MB), 3).toString('base64') },
  });
  const poller = spawn(
    process.execPath,
    [
      '-e',
      `const url = process.argv[1]; const out = [];
      const tick = async () => { const t0 = performance.now(); const r = await fetch(url); await r.text();
        out.push([r.status, performance.now() - t0]); setTimeout(tick, 50); };
      process.on('SIGTERM', () => { process.stdout.write(JSON.stringify(out)); process.exit(0); }); tick();`,
      `${s.url}/healthz`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let polled = '';
  poller.stdout!.on('data', (d) => (polled += d));
  const pollerDone = new Promise((r) => poller.on('exit', r));
  const rssBefore = s.rss();
  let peakRss = rssBefore;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, s.rss())), 20);
  const statuses: Record<number, number> = {};
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < contacts) {
        const i = next++;
        const res = await fetch(`${s.url}/chat/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(forwarded ? { 'x-forwarded-for': `10.77.${Math.floor(i / 200)}.${(i % 200) + 1}` } : {}) },
          body: body.replace('{', `{"from":"${tag}-${String(i).padStart(4, '0')}-contact","id":"m-${i}",`),
        });
        await res.text();
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        peakRss = Math.max(peakRss, s.rss());
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  clearInterval(sampler);
  poller.kill('SIGTERM');
  await pollerDone;
  return { elapsedMs, statuses, rssBefore, peakRss, polls: JSON.parse(polled || '[]') as [number, number][] };
}

/** The 95th percentile of the /healthz times of a flood. */
export function p95(polls: [number, number][]): number {
  const ms = polls.map(([, t]) => t).sort((a, b) => a - b);
  return ms[Math.min(ms.length - 1, Math.floor(ms.length * 0.95))] ?? NaN;
}
