import { Client } from 'pg';
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
    expect(await ok.json()).toMatchObject({ status: 'ok', database: 'up', version: expect.stringMatching(/^\d+\.\d+\.\d+/), latencyMs: expect.any(Number) });

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
