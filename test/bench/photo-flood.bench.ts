import { photoFlood, p95 } from '../support/photo-flood';
import { freshDataDir, startServer, waitFor, postmasterPid, alive } from '../support/server-process';
import { rmSync } from 'node:fs';

/*
 * The server's resident memory under the photo flood (100 new contacts × a 4.9 MB photo, 16 at a
 * time), on the compiled server (`npm run build` first) with the demo data: from one address, and
 * each from an address of its own behind a trusted proxy (the worst case for the in-flight budget).
 * BENCH_ROUNDS rounds (default 3), the two cases alternating, each on a freshly started server
 * process; prints each round and the medians of peak RSS, time, photos admitted and /healthz p95.
 */

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const MB = 1024 * 1024;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

it('measures RSS under the photo flood', async () => {
  const dir = freshDataDir('bench-flood-');
  const env = { CHAT_NEW_CONTACTS_PER_HOUR_PER_IP: '100000', UPLOAD_QUOTA_TOTAL_MB: '100000', UPLOAD_QUOTA_PER_CONTACT_MB: '100', JOBS: 'off' };
  const cases = { 'one address': { forwarded: false, env }, '100 addresses': { forwarded: true, env: { ...env, TRUST_PROXY: '127.0.0.1' } } };
  const figures: Record<string, { peak: number[]; ms: number[]; ok: number[]; health: number[] }> = {};
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 ? Object.entries(cases).reverse() : Object.entries(cases);
      for (const [name, c] of order) {
        const s = await startServer(dir, c.env);
        const f = await photoFlood(s, { forwarded: c.forwarded, tag: `r${round}-${c.forwarded ? 'm' : 'o'}` });
        await s.stop();
        const row = (figures[name] ??= { peak: [], ms: [], ok: [], health: [] });
        row.peak.push(f.peakRss / MB);
        row.ms.push(f.elapsedMs);
        row.ok.push(f.statuses[200] ?? 0);
        row.health.push(p95(f.polls));
        console.log(
          `round ${round + 1}, ${name}: RSS ${(f.rssBefore / MB).toFixed(0)} → peak ${(f.peakRss / MB).toFixed(0)} MB, ${f.elapsedMs.toFixed(0)} ms, statuses ${JSON.stringify(f.statuses)}, /healthz p95 ${p95(f.polls).toFixed(1)} ms`,
        );
      }
    }
  } finally {
    const pid = postmasterPid(dir);
    if (pid && alive(pid)) {
      process.kill(pid, 'SIGQUIT');
      await waitFor(() => !alive(pid), 10_000);
    }
    rmSync(dir, { recursive: true, force: true });
  }
  const lines = Object.entries(figures).map(
    ([name, f]) => `| ${name} | ${median(f.peak).toFixed(0)} | ${median(f.ms).toFixed(0)} | ${median(f.ok)} | ${median(f.health).toFixed(1)} |`,
  );
  console.log(['| photo flood | peak RSS MB | ms | photos admitted | /healthz p95 ms |', '|---|---|---|---|---|', ...lines].join('\n'));
  expect(Object.keys(figures)).toHaveLength(2);
});
