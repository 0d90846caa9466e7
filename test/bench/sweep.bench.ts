import { MikroORM } from '@mikro-orm/postgresql';
import { generate } from '../../src/seed/generator';
import { initOrm } from '../../src/db/orm';
import { sweepDeadlines } from '../../src/domain/schedule/sweep';
import { createTestDb, type TestDb } from '../support/db';

/*
 * The deadline sweep's cost follows what is due, not the size of the table. On a full-scale city
 * (BENCH_DATABASE_URL, or a fresh database seeded with BENCH_CASES cases, default 100,000), a share
 * of the open cases is made due (their level back to NONE, next check in the past: each will be
 * raised, written to the trail and pushed), then one sweep is timed: 0.1 % due, then 10 % due,
 * alternating for BENCH_ROUNDS rounds. Prints the medians and their ratio next to the ratio of work.
 */

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
let db: TestDb | undefined;
let orm: MikroORM;

beforeAll(async () => {
  if (process.env.BENCH_DATABASE_URL) {
    orm = await initOrm({ url: process.env.BENCH_DATABASE_URL });
  } else {
    db = await createTestDb();
    orm = db.orm;
    const cases = Number(process.env.BENCH_CASES ?? 100_000);
    console.log(`seeding full-scale units and ${cases} cases…`);
    await generate(orm.em.fork(), { scale: 'full', cases, now: new Date(), progress: () => undefined });
  }
});
afterAll(async () => {
  if (db) await db.drop();
  else await orm?.close();
});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Makes `share` of the overdue open cases due for a raise; answers how many. */
async function makeDue(share: number, now: Date): Promise<number> {
  const em = orm.em.fork();
  await em.execute('update cases set next_check_at = null where next_check_at <= ?', [now]);
  const rows = await em.execute<{ id: number }[]>(
    `update cases set supervision_level = 'NONE', next_check_at = ?
     where id in (select id from cases where status in ('ACCEPTED','ASSIGNED','IN_PROGRESS') and due_at < ? and random() < ?)
     returning id`,
    [new Date(now.getTime() - 60_000), now, share],
  );
  return rows.length;
}

it('times one sweep with 0.1 % and with 10 % of the open cases due', async () => {
  const em = orm.em.fork();
  const [{ total, open, overdue }] = await em.execute<{ total: string; open: string; overdue: string }[]>(
    `select count(*) as total, count(*) filter (where status in ('REPORTED','ACCEPTED','ASSIGNED','IN_PROGRESS')) as open,
       count(*) filter (where status in ('ACCEPTED','ASSIGNED','IN_PROGRESS') and due_at < now()) as overdue from cases`,
  );
  const openCases = Number(open);
  const times: Record<'small' | 'large', number[]> = { small: [], large: [] };
  const counts: Record<'small' | 'large', number[]> = { small: [], large: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [which, target] of [
      ['small', 0.001],
      ['large', 0.1],
    ] as const) {
      const now = new Date();
      // The share of all open cases, drawn from the overdue ones (each will really be raised).
      const due = await makeDue(Math.min(1, (target * openCases) / Math.max(1, Number(overdue))), now);
      const t0 = performance.now();
      const result = await sweepDeadlines(orm, now, { maxBatches: 10_000 });
      times[which].push(performance.now() - t0);
      counts[which].push(due);
      expect(result.checked).toBe(due);
    }
  }
  const small = median(times.small);
  const large = median(times.large);
  const dueSmall = median(counts.small);
  const dueLarge = median(counts.large);
  console.log(
    [
      `deadline sweep on ${total} cases (${open} open), ${ROUNDS} alternating rounds, medians:`,
      `  0.1 % due: ${dueSmall} cases in ${small.toFixed(0)} ms (${(small / Math.max(1, dueSmall)).toFixed(2)} ms per case)`,
      `  10 % due:  ${dueLarge} cases in ${large.toFixed(0)} ms (${(large / Math.max(1, dueLarge)).toFixed(2)} ms per case)`,
      `  time ratio ${(large / small).toFixed(1)}× for ${(dueLarge / Math.max(1, dueSmall)).toFixed(1)}× the due cases`,
    ].join('\n'),
  );
  expect(dueLarge).toBeGreaterThan(dueSmall);
});
