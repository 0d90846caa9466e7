import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import { CaseStatus, Officer, OfficerRole, type Case } from '../../src/entities';
import { initOrm } from '../../src/db/orm';
import { isOverdue } from '../../src/domain/time/supervision';
import { createOfficer } from '../../src/domain/registry/officer.service';
import { sendDailyDigest } from '../../src/domain/schedule/digest';
import { runOnce } from '../../src/domain/schedule/once';
import { sendWeeklyStatus } from '../../src/domain/schedule/weekly';
import { houseKeeping } from '../../src/domain/schedule/housekeeping';
import { JOB_TIMEZONE, JOBS, type JobDefinition } from '../../src/jobs/jobs';
import { JobRunner, runJob } from '../../src/jobs/runner';
import { createTestDb, type TestDb } from '../support/db';
import { buildWorld, insertCase, PASSWORD, type World } from '../support/fixture';
import { freshDataDir, ROOT, startServer, userEnv, waitFor } from '../support/server-process';
// pg-boss's own cron parser: the simulated day fires the jobs exactly when pg-boss would.
import cronParser from 'cron-parser';

let db: TestDb;
let world: World;
const extra: Record<string, Case> = {};
const bOverdue: Case[] = [];
const officers: Record<string, Officer> = {};
const at = (iso: string) => new Date(iso);
const clockAt = (t: Date) => ({ now: () => t });

// Monday 30 November 2026, 08:30 in Beijing.
const DIGEST_NOW = at('2026-11-30T00:30:00Z');

beforeAll(async () => {
  db = await createTestDb();
  const em = db.orm.em.fork();
  world = await buildWorld(em);
  const { units, officers: o } = world;
  const mk = async (unitCode: string, role: OfficerRole, name: string, phone: string) => createOfficer(em, { phone, password: PASSWORD, name, role, unitCode });
  Object.assign(officers, o, {
    supB: await mk('B', OfficerRole.SUPERVISOR, 'supB', '13800000201'),
    supB1: await mk('B1', OfficerRole.SUPERVISOR, 'supB1', '13800000202'),
    supAUnbound: await mk('A', OfficerRole.SUPERVISOR, 'supAUnbound', '13800000203'),
  });
  const far = { acceptDueAt: at('2026-12-02T00:00:00Z'), dueAt: at('2026-12-09T00:00:00Z') };
  // New: reported Saturday, after Friday's digest.
  extra.n1 = await insertCase(em, units.A1a, units.A1, { reportedAt: at('2026-11-28T10:00:00Z'), ...far });
  // Ten minutes before Friday's digest: that digest's news, not Monday's.
  extra.n0 = await insertCase(em, units.A1a, units.A1, { reportedAt: at('2026-11-27T00:20:00Z'), ...far });
  // Due within a day, assigned to the township officer.
  extra.d1 = await insertCase(em, units.A1b, units.A1, {
    status: CaseStatus.IN_PROGRESS,
    assignee: o.offA1,
    reportedAt: at('2026-11-20T00:00:00Z'),
    dueAt: at('2026-11-30T12:00:00Z'),
  });
  // Not running: never in a digest.
  extra.c1 = await insertCase(em, units.A1a, units.A1, { status: CaseStatus.CLOSED, reportedAt: at('2026-11-28T11:00:00Z'), ...far });
  extra.r1 = await insertCase(em, units.A1a, units.A1, { status: CaseStatus.RESOLVED, reportedAt: at('2026-11-28T12:00:00Z'), ...far });
  // Overdue and assigned to an officer who has left.
  extra.g1 = await insertCase(em, units.A1b, units.A1b, { status: CaseStatus.ASSIGNED, assignee: o.gridA1b, dueAt: at('2026-11-01T00:00:00Z') });
  extra.bNew = await insertCase(em, units.B1a, units.B, { reportedAt: at('2026-11-29T03:00:00Z'), ...far });
  for (let i = 0; i < 11; i++) {
    bOverdue.push(
      await insertCase(em, units.B1a, units.B, {
        status: CaseStatus.IN_PROGRESS,
        reportedAt: at('2026-10-20T00:00:00Z'),
        dueAt: new Date(Date.UTC(2026, 10, 1, 0, i)),
      }),
    );
  }
  // The weekly's edges: Monday 00:00 local opens the week, the next Monday 00:00 is outside it.
  extra.wIn = await insertCase(em, units.A1a, units.A1, { reportedAt: at('2026-11-22T16:00:00Z'), ...far });
  extra.wOut = await insertCase(em, units.A1a, units.A1, { reportedAt: at('2026-11-29T16:00:00Z'), ...far });
  await em.execute(`update cases set closed_at = '2026-11-29T01:00:00Z' where id = ?`, [extra.c1.id]);
  await em.execute(`update cases set supervision_level = 'SUPERVISED' where id = ?`, [extra.d1.id]);
  await em.execute(`update cases set supervision_level = 'LISTED' where id in (?)`, [[extra.n1.id, extra.c1.id]]);
  // Chats bound as the bot would (绑定); the admin and one supervisor have none.
  for (const key of ['offA1', 'gridA1a', 'supA', 'offB', 'gridA1b', 'supB', 'supB1']) {
    await em.execute(`update officers set chat_contact = ? where id = ?`, [`WEB_CHAT:${key}`, officers[key].id]);
  }
  await em.execute(`update officers set active = false where id = ?`, [officers.gridA1b.id]);
});

afterAll(async () => {
  await db?.drop();
});

const outbox = async (keyLike: string) =>
  db.orm.em
    .fork()
    .execute<{ recipient: string; topic: string; payload: any; dedupe_key: string }[]>(
      `select recipient, topic, payload, dedupe_key from outbox where dedupe_key like ? order by id`,
      [keyLike],
    );
const statements = () => db.queries.filter((q) => !/^\s*\S*\s*(begin|commit|rollback)\b/i.test(q.replace(/\x1b\[[0-9;]*m/g, '')));
const byOfficer = (rows: { recipient: string; payload: any }[]) =>
  Object.fromEntries(rows.map((r) => [Object.keys(officers).find((k) => `officer:${officers[k].id}` === r.recipient) ?? r.recipient, r.payload]));

describe('daily digest', () => {
  it('sends each officer with a bound chat the counts and numbers of the cases they work', async () => {
    db.queries.length = 0;
    const result = await db.orm.em.fork().transactional((em) => sendDailyDigest(em, DIGEST_NOW));
    expect(result).toEqual({ date: '2026-11-30', workingDay: true, officers: 5 });
    // Set-based: calendar, figures for every officer, one insert of all pushes.
    expect(statements()).toHaveLength(3);
    const rows = await outbox('digest:2026-11-30:%');
    expect(rows.every((r) => r.topic === 'digest.daily')).toBe(true);
    const got = byOfficer(rows);
    // supA works nothing; the admin has no chat; gridA1b has left.
    expect(Object.keys(got).sort()).toEqual(['gridA1a', 'offA1', 'offB', 'supB', 'supB1']);
    const c = world.cases;
    expect(got.offA1).toEqual({
      // New: n1 (Saturday) and wOut (Monday 00:00); n0 came before Friday's digest.
      date: '2026-11-30',
      newCases: 2,
      dueSoon: 1,
      overdue: 4,
      // Overdue first, then due soon, then new; by deadline within each.
      numbers: [c.overdue.number, c.a1a.number, c.a1aE.number, c.a1b.number, extra.d1.number, extra.n1.number, extra.wOut.number],
    });
    expect(got.gridA1a).toEqual({ date: '2026-11-30', newCases: 0, dueSoon: 0, overdue: 1, numbers: [c.a1aAssigned.number] });
    // Eleven overdue and one new: counts cover all, the list stops at ten.
    expect(got.offB).toEqual({ date: '2026-11-30', newCases: 1, dueSoon: 0, overdue: 11, numbers: bOverdue.slice(0, 10).map((x) => x.number) });
    expect(got.supB).toEqual(got.offB);
    expect(got.supB1).toEqual({ date: '2026-11-30', newCases: 0, dueSoon: 0, overdue: 1, numbers: [c.b1a.number] });
    expect(new Set(rows.map((r) => r.dedupe_key))).toEqual(new Set(rows.map((r) => `digest:2026-11-30:${r.recipient}`)));
  });

  it('queues nothing new when it runs again the same day, nor on a holiday', async () => {
    const before = (await outbox('digest:%')).length;
    await db.orm.em.fork().transactional((em) => sendDailyDigest(em, new Date(DIGEST_NOW.getTime() + 3 * 3600_000)));
    expect((await outbox('digest:%')).length).toBe(before);
    // National Day and an ordinary Saturday: no digest; the make-up Saturday 10 October works.
    expect(await db.orm.em.fork().transactional((em) => sendDailyDigest(em, at('2026-10-01T00:30:00Z')))).toEqual({
      date: '2026-10-01',
      workingDay: false,
      officers: 0,
    });
    expect(await db.orm.em.fork().transactional((em) => sendDailyDigest(em, at('2026-11-28T00:30:00Z')))).toMatchObject({ workingDay: false, officers: 0 });
    expect((await outbox('digest:2026-10-01:%')).length + (await outbox('digest:2026-11-28:%')).length).toBe(0);
    const makeUp = await db.orm.em.fork().transactional((em) => sendDailyDigest(em, at('2026-10-10T00:30:00Z')));
    expect(makeUp).toMatchObject({ date: '2026-10-10', workingDay: true });
    expect((await outbox('digest:2026-10-10:%')).length).toBe(makeUp.officers);
    expect(makeUp.officers).toBeGreaterThan(0);
  });
});

describe('weekly status', () => {
  const NOW = at('2026-11-30T01:00:00Z'); // Monday 09:00 in Beijing

  it('sends each county supervisor with a bound chat the county figures of the past week', async () => {
    db.queries.length = 0;
    const result = await db.orm.em.fork().transactional((em) => sendWeeklyStatus(em, NOW));
    expect(result).toEqual({ weekStart: '2026-11-23', counties: 2, officers: 2 });
    expect(statements()).toHaveLength(2);
    const got = byOfficer(await outbox('weekly:%'));
    // Not the township supervisor, the county officer, the unbound supervisor nor the city admin.
    expect(Object.keys(got).sort()).toEqual(['supA', 'supB']);

    // The same figures counted here from the cases, independently of the SQL.
    const all = (await db.orm.em.fork().execute(`select * from cases`)).map((r: any) => ({
      status: r.status,
      unitPath: r.unit_path,
      acceptDueAt: new Date(r.accept_due_at),
      dueAt: new Date(r.due_at),
      reportedAt: new Date(r.reported_at),
      resolvedAt: r.resolved_at && new Date(r.resolved_at),
      closedAt: r.closed_at && new Date(r.closed_at),
      supervisionLevel: r.supervision_level,
    }));
    const from = at('2026-11-22T16:00:00Z').getTime();
    const to = at('2026-11-29T16:00:00Z').getTime();
    const inWeek = (d?: Date) => !!d && d.getTime() >= from && d.getTime() < to;
    const running = ['REPORTED', 'ACCEPTED', 'ASSIGNED', 'IN_PROGRESS'];
    const figures = (code: string) => {
      const mine = all.filter((c) => c.unitPath.startsWith(world.units[code].path));
      return {
        unit: world.units[code].name,
        weekStart: '2026-11-23',
        reported: mine.filter((c) => inWeek(c.reportedAt)).length,
        resolved: mine.filter((c) => inWeek(c.resolvedAt)).length,
        closed: mine.filter((c) => inWeek(c.closedAt)).length,
        overdue: mine.filter((c) => isOverdue(c as any, NOW)).length,
        supervised: mine.filter((c) => running.includes(c.status) && c.supervisionLevel === 'SUPERVISED').length,
        listed: mine.filter((c) => running.includes(c.status) && c.supervisionLevel === 'LISTED').length,
      };
    };
    expect(got.supA).toEqual(figures('A'));
    expect(got.supB).toEqual(figures('B'));
    // Checked by hand: n1, n0, c1, r1 and the Monday-00:00 case; r1 and c1 resolved; c1 closed.
    expect(got.supA).toMatchObject({ unit: '甲县', reported: 5, resolved: 2, closed: 1, supervised: 1, listed: 1 });
    expect(got.supB).toMatchObject({ unit: '乙县', reported: 1, overdue: 13, supervised: 0, listed: 0 });

    await db.orm.em.fork().transactional((em) => sendWeeklyStatus(em, new Date(NOW.getTime() + 3600_000)));
    expect((await outbox('weekly:%')).length).toBe(2);
  });
});

describe('housekeeping', () => {
  it('deletes delivered and dropped pushes after 90 days and login records after 180, and keeps the rest', async () => {
    const em = db.orm.em.fork();
    const now = at('2026-12-07T19:00:00Z');
    const days = (n: number) => new Date(now.getTime() - n * 86_400_000);
    await em.execute(
      `insert into outbox (topic, recipient, payload, dedupe_key, created_at, available_at, status) values
       ('case.status', 'resident:1', '{}', 'hk-old-delivered', ?, ?, 'DELIVERED'), ('case.status', 'resident:1', '{}', 'hk-old-dropped', ?, ?, 'DROPPED'),
       ('case.status', 'resident:1', '{}', 'hk-old-dead', ?, ?, 'DEAD'), ('case.status', 'resident:1', '{}', 'hk-old-pending', ?, ?, 'PENDING'),
       ('case.status', 'resident:1', '{}', 'hk-recent-delivered', ?, ?, 'DELIVERED')`,
      [days(91), days(91), days(91), days(91), days(91), days(91), days(91), days(91), days(89), days(89)],
    );
    await em.execute(
      `insert into login_attempts (at, phone, client_address, outcome) values (?, 'hk-old', '10.9.9.9', 'WRONG_PASSWORD'), (?, 'hk-recent', '10.9.9.9', 'WRONG_PASSWORD')`,
      [days(181), days(179)],
    );
    const result = await houseKeeping(em, now);
    expect(result.pushes).toBeGreaterThanOrEqual(2);
    const left = (await em.execute<{ dedupe_key: string }[]>(`select dedupe_key from outbox where dedupe_key like 'hk-%' order by dedupe_key`)).map(
      (r) => r.dedupe_key,
    );
    expect(left).toEqual(['hk-old-dead', 'hk-old-pending', 'hk-recent-delivered']);
    expect((await em.execute<{ phone: string }[]>(`select phone from login_attempts where phone like 'hk-%'`)).map((r) => r.phone)).toEqual(['hk-recent']);
  });
});

describe('runOnce', () => {
  it('runs the work of a period once when two workers call it at the same time', async () => {
    let runs = 0;
    const work = async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 200));
      return { done: runs };
    };
    const clock = clockAt(at('2026-11-30T00:31:00Z'));
    const outcomes = await Promise.all([runOnce(db.orm.em.fork(), 'test-job', 'p1', work, clock), runOnce(db.orm.em.fork(), 'test-job', 'p1', work, clock)]);
    expect(runs).toBe(1);
    expect(outcomes.map((o) => o.ran).sort()).toEqual([false, true]);
    const [row] = await db.orm.em.fork().execute(`select started_at, finished_at, result from job_runs where job = 'test-job' and period = 'p1'`);
    expect(row).toMatchObject({ result: { done: 1 } });
    expect(new Date(row.finished_at).toISOString()).toBe('2026-11-30T00:31:00.000Z');
  });

  it('lets the period run again when the work failed (the claim rolls back with it)', async () => {
    const clock = clockAt(at('2026-11-30T00:32:00Z'));
    await expect(
      runOnce(
        db.orm.em.fork(),
        'test-job',
        'p2',
        async () => {
          throw new Error('boom');
        },
        clock,
      ),
    ).rejects.toThrow('boom');
    expect(await runOnce(db.orm.em.fork(), 'test-job', 'p2', async () => ({ ok: true }), clock)).toEqual({ ran: true, result: { ok: true } });
  });
});

describe('a simulated day with two workers', () => {
  it('runs every period of every job once and queues every push once', async () => {
    const orm2: MikroORM = await initOrm({ url: db.url, poolMax: 4 });
    try {
      const runs: Record<string, number> = {};
      const counted: JobDefinition[] = JOBS.map((j) => ({ ...j, run: (ctx) => ((runs[j.name] = (runs[j.name] ?? 0) + 1), j.run(ctx)) }));
      // Monday 7 December 2026, 00:00 to 24:00 in Beijing, minute by minute.
      const start = at('2026-12-06T16:00:00Z').getTime();
      const ticks = Array.from({ length: 1440 }, (_, i) => new Date(start + i * 60_000));
      const fires = (j: JobDefinition) => {
        const it = cronParser.parseExpression(j.cron!, { tz: JOB_TIMEZONE, currentDate: new Date(start - 1), endDate: new Date(start + 86_400_000 - 1) });
        const out = new Set<number>();
        while (it.hasNext()) out.add(it.next().getTime());
        return out;
      };
      const due = new Map(counted.map((j) => [j.name, fires(j)]));
      // A sweep run older than a week is forgotten; a day's digest is kept.
      await db.orm.em
        .fork()
        .execute(
          `insert into job_runs (job, period, started_at) values ('deadline-sweep', '2026-12-01T08:00', now()), ('deadline-sweep', '2026-11-29T23:59', now()), ('daily-digest', '2026-01-05', now())`,
        );
      for (const t of ticks) {
        const clock = clockAt(t);
        for (const job of counted.filter((j) => due.get(j.name)!.has(t.getTime()))) {
          await Promise.all([runJob(db.orm, job, clock), runJob(orm2, job, clock)]);
        }
      }
      expect(runs).toEqual({ 'deadline-sweep': 1440, 'daily-digest': 1, 'weekly-status': 1, 'early-warning': 288, housekeeping: 1, backup: 1 });
      const em = db.orm.em.fork();
      const periods = await em.execute(
        `select job, count(*)::int as n, count(finished_at)::int as finished from job_runs
         where (job = 'deadline-sweep' and period like '2026-12-07T%') or (job = 'daily-digest' and period = '2026-12-07') or (job = 'weekly-status' and period = '2026-W50')
         group by job order by job`,
      );
      expect(periods).toEqual([
        { job: 'daily-digest', n: 1, finished: 1 },
        { job: 'deadline-sweep', n: 1440, finished: 1440 },
        { job: 'weekly-status', n: 1, finished: 1 },
      ]);
      const kept = await em.execute(`select job, period from job_runs where period in ('2026-12-01T08:00', '2026-11-29T23:59', '2026-01-05') order by period`);
      expect(kept).toEqual([
        { job: 'daily-digest', period: '2026-01-05' },
        { job: 'deadline-sweep', period: '2026-12-01T08:00' },
      ]);
      const [digest] = await em.execute(`select result from job_runs where job = 'daily-digest' and period = '2026-12-07'`);
      expect(digest.result).toEqual({ date: '2026-12-07', workingDay: true, officers: 5 });
      const pushes = await em.execute(
        `select count(*)::int as n, count(distinct dedupe_key)::int as keys, count(distinct recipient)::int as officers from outbox
         where dedupe_key like 'digest:2026-12-07:%' or dedupe_key like 'weekly:2026-11-30:%' group by topic order by topic`,
      );
      expect(pushes).toEqual([
        { n: 5, keys: 5, officers: 5 },
        { n: 2, keys: 2, officers: 2 },
      ]);
    } finally {
      await orm2.close(true);
    }
  });
});

describe('the runner on pg-boss', () => {
  it('hands each job to exactly one of two runners, and stops', async () => {
    const orm2: MikroORM = await initOrm({ url: db.url, poolMax: 4 });
    const calls: { key: string; runner: string }[] = [];
    // A test-only queue: a fresh period per delivery, so a duplicate delivery would run twice.
    const echo = (runner: string): JobDefinition => ({
      name: 'test-echo',
      period: () => `test-${randomUUID()}`,
      run: async ({ data }) => (calls.push({ key: String(data.key), runner }), {}),
      queue: { retryLimit: 0, expireInSeconds: 60 },
    });
    const clock = clockAt(DIGEST_NOW);
    const a = new JobRunner(db.orm, { url: db.url, clock, jobs: [echo('a')], pollingIntervalSeconds: 0.5 });
    const b = new JobRunner(orm2, { url: db.url, clock, jobs: [echo('b')], pollingIntervalSeconds: 0.5 });
    try {
      await Promise.all([a.start(), b.start()]);
      const keys = Array.from({ length: 12 }, (_, i) => `k${i}`);
      for (const key of keys) expect(await (key.endsWith('1') ? b : a).send('test-echo', { key })).toBeTruthy();
      // Generous: two pollers every 0.5 s on a busy 2-core machine.
      expect(await waitFor(() => calls.length >= keys.length, 30_000)).toBe(true);
      await new Promise((r) => setTimeout(r, 1500));
      expect(calls.map((c) => c.key).sort()).toEqual([...keys].sort());
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await orm2.close(true);
    }
    // Stopped runners closed their connections.
    const open = async () =>
      (
        await db.orm.em
          .fork()
          .execute(`select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = 'sanling-jobs'`)
      )[0].n;
    expect(await waitFor(async () => (await open()) === 0, 5000)).toBe(true);
  });
});

describe('processes', () => {
  let other: TestDb;
  const dirs: string[] = [];
  const dataDir = () => (dirs.push(freshDataDir('jobs-')), dirs[dirs.length - 1]);
  beforeAll(async () => {
    other = await createTestDb();
  });
  afterAll(async () => {
    await other?.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const pgboss = async () => (await other.orm.em.fork().execute(`select count(*)::int as n from pg_namespace where nspname = 'pgboss'`))[0].n;

  it('npm start with JOBS=off runs no scheduler', async () => {
    const server = await startServer(dataDir(), { DATABASE_URL: other.url, DEMO_DATA: 'false', JOBS: 'off' });
    try {
      expect(server.log()).toMatch(/scheduled jobs are off in this process \(JOBS=off\)/);
      expect(server.log()).not.toMatch(/job schedules registered/);
      expect(await pgboss()).toBe(0);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('npm start runs the scheduler by default and stops it first on SIGINT', async () => {
    const server = await startServer(dataDir(), { DATABASE_URL: other.url, DEMO_DATA: 'false' });
    try {
      expect(server.log()).toMatch(/job schedules registered \(Asia\/Shanghai\): deadline-sweep/);
      expect(await pgboss()).toBe(1);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(server.log()).toMatch(/SIGINT: shutting down[\s\S]*shutdown complete/);
  });

  it('npm run worker registers the schedules, runs until SIGINT and stops cleanly', async () => {
    const proc = spawn(process.execPath, [path.join(ROOT, 'dist/src/jobs/worker.js')], {
      env: userEnv(dataDir(), { DATABASE_URL: other.url, LOG_LEVEL: 'info' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    proc.stdout.on('data', (d) => (log += d));
    proc.stderr.on('data', (d) => (log += d));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    try {
      expect(await waitFor(() => /job worker running/.test(log), 60_000)).toBe(true);
      expect(log).toMatch(
        /job schedules registered \(Asia\/Shanghai\): deadline-sweep \(\* \* \* \* \*\), daily-digest \(30 8 \* \* \*\), weekly-status \(0 9 \* \* 1\), early-warning \(\*\/5 \* \* \* \*\), monthly-letters \(0 9 1 \* \*\), housekeeping \(0 3 \* \* \*\), backup \(30 2 \* \* \*\)/,
      );
      const schedules = await other.orm.em.fork().execute(`select name, cron, timezone from pgboss.schedule order by name`);
      expect(schedules).toEqual([
        { name: 'backup', cron: '30 2 * * *', timezone: 'Asia/Shanghai' },
        { name: 'daily-digest', cron: '30 8 * * *', timezone: 'Asia/Shanghai' },
        { name: 'deadline-sweep', cron: '* * * * *', timezone: 'Asia/Shanghai' },
        { name: 'early-warning', cron: '*/5 * * * *', timezone: 'Asia/Shanghai' },
        { name: 'housekeeping', cron: '0 3 * * *', timezone: 'Asia/Shanghai' },
        { name: 'monthly-letters', cron: '0 9 1 * *', timezone: 'Asia/Shanghai' },
        { name: 'weekly-status', cron: '0 9 * * 1', timezone: 'Asia/Shanghai' },
      ]);
      proc.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(log).toMatch(/SIGINT: stopping the job worker[\s\S]*job worker stopped/);
    } finally {
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
  });
});
