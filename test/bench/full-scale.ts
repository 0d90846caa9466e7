import { MikroORM } from '@mikro-orm/postgresql';
import { generate } from '../../src/seed/generator';
import { initOrm } from '../../src/db/orm';
import { startTestApp, type TestApp } from '../support/app';
import { createTestDb, type TestDb } from '../support/db';

/** What a city-scale benchmark reads: the app, its ORM, the database URL and the SQL log. */
export interface FullScale {
  app: TestApp;
  orm: MikroORM;
  url: string;
  /** Every statement the in-process app ran since it was last emptied. */
  queries: string[];
}

/**
 * Registers beforeAll/afterAll for a city-scale benchmark. BENCH_DATABASE_URL: an already seeded
 * database (e.g. the embedded one after `DATA_DIR=.data/full npm run seed -- --scale full --cases
 * 1000000`); otherwise a fresh one is seeded at full unit scale with BENCH_CASES cases (default
 * 100000). Read the returned object's fields inside tests.
 */
export function useFullScale(): FullScale {
  const ctx = {} as FullScale;
  let db: TestDb | undefined;
  let external: MikroORM | undefined;
  beforeAll(async () => {
    if (process.env.BENCH_DATABASE_URL) {
      const queries: string[] = [];
      external = await initOrm({ url: process.env.BENCH_DATABASE_URL, onQuery: (q) => queries.push(q) });
      Object.assign(ctx, { orm: external, url: process.env.BENCH_DATABASE_URL, queries });
      ctx.app = await startTestApp({ orm: external, url: process.env.BENCH_DATABASE_URL, queries, drop: async () => undefined });
    } else {
      db = await createTestDb();
      const cases = Number(process.env.BENCH_CASES ?? 100_000);
      console.log(`seeding full-scale units and ${cases} cases…`);
      await generate(db.orm.em.fork(), { scale: 'full', cases, now: new Date(), progress: () => undefined });
      Object.assign(ctx, { orm: db.orm, url: db.url, queries: db.queries });
      ctx.app = await startTestApp(db);
    }
    ctx.queries.length = 0;
  });
  afterAll(async () => {
    await ctx.app?.close();
    await db?.drop();
    await external?.close();
  });
  return ctx;
}

/** Nearest-rank percentile: p95 of 20 runs is the 19th fastest, not the slowest. */
export function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)];
}
