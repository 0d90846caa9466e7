import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import PuppetMock, { mock } from 'wechaty-puppet-mock';
import { WechatyAdapter } from '../../bot/wechaty.adapter';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createTestDb, serverUrl } from '../support/db';
import { startTestApp } from '../support/app';

async function asAdmin(sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

it('answers 200 with JSON while the database accepts new sessions, 503 as soon as it refuses them', async () => {
  const db = await createTestDb();
  const app = await startTestApp(db);
  const name = new URL(db.url).pathname.slice(1);
  try {
    const ok = await fetch(`${app.url}/healthz`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    expect(await ok.json()).toMatchObject({
      status: 'ok',
      database: 'up',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      latencyMs: expect.any(Number),
      channels: [], // no WeChat configured
    });

    // Like a server that has begun to shut down: the pool's open connection still answers, new sessions are refused.
    await db.orm.em.getConnection().execute('select 1');
    await asAdmin(`alter database "${name}" allow_connections false`);
    await new Promise((r) => setTimeout(r, 300)); // past the window in which a success is reused
    await db.orm.em.getConnection().execute('select 1');
    const down = await fetch(`${app.url}/healthz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: 'unavailable', database: 'down', version: expect.any(String) });

    await asAdmin(`alter database "${name}" allow_connections true`);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  } finally {
    await asAdmin(`alter database "${name}" allow_connections true`).catch(() => undefined);
    await app.close();
    await db.drop();
  }
});

it('stays cheap under concurrent checks (a success is shared for a moment)', async () => {
  const db = await createTestDb();
  const app = await startTestApp(db);
  try {
    const t0 = Date.now();
    const answers = await Promise.all(Array.from({ length: 50 }, () => fetch(`${app.url}/healthz`).then((r) => r.status)));
    const elapsed = Date.now() - t0;
    console.log(`50 concurrent /healthz answered in ${elapsed} ms`);
    expect(answers.every((s) => s === 200)).toBe(true);
    // Generous for a noisy shared machine: the target is ~100 ms.
    expect(elapsed).toBeLessThan(1000);
  } finally {
    await app.close();
    await db.drop();
  }
});

it('tells which chat channels are up or down, since when and why, and a WeChat that is down fails neither check', async () => {
  const db = await createTestDb();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sanling-health-'));
  const app = await createApp(db.orm, loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'test-secret-that-is-long-enough-0123456789', UPLOAD_DIR: dir }));
  const server: Server = await new Promise((resolve) => {
    const s = app.express.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The real adapter and wechaty; the mock puppet reports after its start what wechat4u reports offline.
  const puppet = new PuppetMock({ mocker: new mock.Mocker() });
  const onStart = puppet.onStart.bind(puppet);
  puppet.onStart = async () => {
    await onStart();
    setImmediate(() => puppet.emit('error', { gerror: 'getaddrinfo ENOTFOUND login.wx.qq.com' }));
  };
  const wechat = new WechatyAdapter({
    engine: app.chat,
    orm: db.orm,
    clock: { now: () => new Date() },
    name: path.join(dir, 'wechat'),
    puppet,
    retryInitialMs: 60_000,
  });
  app.channels.push(wechat.status.bind(wechat)); // as server.ts registers it
  try {
    await wechat.start();
    for (let i = 0; i < 200 && wechat.status().state !== 'down'; i++) await new Promise((r) => setTimeout(r, 10));
    const down = {
      channel: 'wechat',
      state: 'down',
      since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      attempts: 1,
      reason: 'getaddrinfo ENOTFOUND login.wx.qq.com',
      nextAttemptAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    };

    const live = await fetch(`${url}/healthz`);
    expect(live.status).toBe(200);
    expect(await live.json()).toMatchObject({ status: 'ok', database: 'up', channels: [down] });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', reasons: [], channels: [down] });
  } finally {
    await wechat.stop();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await app.stop();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});
