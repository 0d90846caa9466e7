import path from 'node:path';
import { photoFlood, p95 } from '../support/photo-flood';
import { dirBytes, useDataDir } from '../support/server-process';

/*
 * The disk-fill attack against the compiled server with its default limits: a hundred new contacts
 * each sending a 4.9 MB photo, sixteen at a time — first from one address, then (behind a trusted
 * proxy) each from an address of its own. The server must keep its memory, keep answering /healthz,
 * and store no more than the new-contact limit and the quotas let through.
 */

const MB = 1024 * 1024;
const data = useDataDir('chat-flood-');

/**
 * What the flood may add to the server's memory (docs/limits-and-security.md states it): a budget's
 * worth of photos in flight and the garbage of their decoding, with room for GC timing on a loaded
 * machine. Bodies parsed whole added 440 MB; Node 24 starts some 60 MB higher than Node 20, so the
 * growth is bounded, and the whole under 500 MB.
 */
const GROWTH_BOUND = 250 * MB;
const RSS_BOUND = 500 * MB;

it('keeps memory, health and disk within bounds under a photo flood from new contacts of one address', async () => {
  const s = await data.start();
  const uploads = path.join(data.dir, 'uploads');
  const diskBefore = dirBytes(uploads);
  const flood = await photoFlood(s);
  const growth = dirBytes(uploads) - diskBefore;
  console.log(
    `photo flood, one address: 100 requests in ${flood.elapsedMs.toFixed(0)} ms, statuses ${JSON.stringify(flood.statuses)}; ` +
      `RSS ${(flood.rssBefore / MB).toFixed(0)} MB before, peak ${(flood.peakRss / MB).toFixed(0)} MB; uploads grew ${(growth / MB).toFixed(1)} MB; ` +
      `/healthz ${flood.polls.length} polls, p95 ${p95(flood.polls).toFixed(1)} ms`,
  );
  expect(flood.polls.length).toBeGreaterThan(0);
  expect(flood.polls.every(([status]) => status === 200)).toBe(true);
  // One photo in flight per address (the rest answered 503 before their body is read), and 20 new
  // contacts an hour per address by default (429): at most 20 photos land, one file each.
  const ok = flood.statuses[200] ?? 0;
  expect(ok).toBeGreaterThan(0);
  expect(ok).toBeLessThanOrEqual(20);
  expect(ok + (flood.statuses[429] ?? 0) + (flood.statuses[503] ?? 0)).toBe(100);
  expect(growth).toBeLessThanOrEqual(ok * 4.9 * MB + 1024);
  expect(flood.peakRss - flood.rssBefore).toBeLessThan(GROWTH_BOUND);
  expect(flood.peakRss).toBeLessThan(RSS_BOUND);
  expect(p95(flood.polls)).toBeLessThan(100);
  await s.stop();
});

it('keeps its memory when every photo comes from an address of its own', async () => {
  const s = await data.start({ TRUST_PROXY: '127.0.0.1', CHAT_NEW_CONTACTS_PER_HOUR_PER_IP: '100000', UPLOAD_QUOTA_TOTAL_MB: '100000' });
  const flood = await photoFlood(s, { forwarded: true, tag: 'spread' });
  console.log(
    `photo flood, 100 addresses: statuses ${JSON.stringify(flood.statuses)}; RSS ${(flood.rssBefore / MB).toFixed(0)} MB before, ` +
      `peak ${(flood.peakRss / MB).toFixed(0)} MB; /healthz p95 ${p95(flood.polls).toFixed(1)} ms`,
  );
  // The in-flight budget (32 MB) lets several through at once; the rest are told to retry.
  expect(flood.statuses[200] ?? 0).toBeGreaterThan(5);
  expect((flood.statuses[200] ?? 0) + (flood.statuses[503] ?? 0)).toBe(100);
  expect(flood.polls.every(([status]) => status === 200)).toBe(true);
  expect(flood.peakRss - flood.rssBefore).toBeLessThan(GROWTH_BOUND);
  expect(flood.peakRss).toBeLessThan(RSS_BOUND);
});
