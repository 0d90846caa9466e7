import { createTestDb } from '../support/db';
import { startTestApp } from '../support/app';

it('answers 200 with JSON while the database is reachable, 503 when it is not', async () => {
  const db = await createTestDb();
  const app = await startTestApp(db);
  try {
    const ok = await fetch(`${app.url}/healthz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ status: 'ok', database: 'up', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    await db.orm.close(true);
    const down = await fetch(`${app.url}/healthz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: 'unavailable', database: 'down' });
  } finally {
    await app.close();
    await db.drop();
  }
});
