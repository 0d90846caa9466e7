import type { MikroORM } from '@mikro-orm/postgresql';
import PgBoss from 'pg-boss';
import type { Clock } from '../domain/access/actor';
import { runOnce, type RunOutcome } from '../domain/schedule/once';
import { logger } from '../logger';
import { JOB_TIMEZONE, JOBS, type JobDefinition, type JobSettings } from './jobs';
import { DEFAULT_CAMPAIGN } from '../domain/stats/settings';

/** pg-boss keeps its tables in this schema of the product's database. */
export const PGBOSS_SCHEMA = 'pgboss';

/**
 * One run of a job at the clock's time: claims the period and does the work, or skips when
 * another worker already has. Logs the outcome in one line.
 */
export async function runJob(
  orm: MikroORM,
  job: JobDefinition,
  clock: Clock,
  data: Record<string, unknown> = {},
  settings: JobSettings = {},
): Promise<RunOutcome<Record<string, unknown>> & { period: string }> {
  const now = clock.now();
  const period = job.period(now);
  const started = Date.now();
  const outcome = await runOnce(
    orm.em.fork(),
    job.name,
    period,
    async (em) => {
      const result = await job.run({ orm, em, now, data, campaign: settings.campaign ?? DEFAULT_CAMPAIGN, backup: settings.backup });
      // Period keys sort in time order, so the key of the cut-off instant bounds the old ones.
      if (job.keepDays)
        await em.execute('delete from job_runs where job = ? and period < ?', [job.name, job.period(new Date(now.getTime() - job.keepDays * 86_400_000))]);
      return result;
    },
    clock,
  );
  if (outcome.ran) {
    const line = `job ${job.name} ${period} done in ${Date.now() - started} ms: ${JSON.stringify(outcome.result)}`;
    if (job.idle?.(outcome.result)) logger.debug(line);
    else logger.info(line);
  } else logger.debug(`job ${job.name} ${period}: already run by another worker`);
  return { ...outcome, period };
}

export interface RunnerOptions {
  /** PostgreSQL URL of the product's database; pg-boss uses its own small pool there. */
  url: string;
  clock: Clock;
  jobs?: readonly JobDefinition[];
  /** How often pg-boss looks at the crons, in seconds (1–45); tests lower it. */
  cronMonitorIntervalSeconds?: number;
  /** How often an idle worker asks for jobs, in seconds. */
  pollingIntervalSeconds?: number;
  /** Targets and thresholds for the command centre's jobs, the nightly backup's place (defaults when absent). */
  settings?: JobSettings;
}

/**
 * The scheduler: pg-boss in the product's database fires each job's cron once per minute across
 * all instances and hands every job to one worker; the job then claims its period (runOnce), so
 * a retry or a second firing cannot do the work twice.
 */
export class JobRunner {
  private boss?: PgBoss;
  private readonly jobs: readonly JobDefinition[];

  constructor(
    private readonly orm: MikroORM,
    private readonly opts: RunnerOptions,
  ) {
    this.jobs = opts.jobs ?? JOBS;
  }

  /** Starts pg-boss, creates the queues, their workers and schedules; resolves when all are registered. */
  async start(): Promise<void> {
    const boss = new PgBoss({
      connectionString: this.opts.url,
      schema: PGBOSS_SCHEMA,
      application_name: 'sanling-jobs',
      max: 4,
      ...(this.opts.cronMonitorIntervalSeconds ? { cronMonitorIntervalSeconds: this.opts.cronMonitorIntervalSeconds } : {}),
    });
    boss.on('error', (err) => logger.warn({ err }, 'job queue'));
    this.boss = boss;
    try {
      // Two instances creating the same queue at once deadlock inside pg-boss: one sets up at a time.
      await this.orm.em.fork().transactional(async (em) => {
        await em.execute(`select pg_advisory_xact_lock(hashtext('sanling:job-queues'))`);
        await boss.start();
        for (const job of this.jobs) {
          await boss.createQueue(job.name, { name: job.name, ...job.queue });
          // createQueue keeps an existing queue as it is: settings changed in code are applied here.
          await boss.updateQueue(job.name, { name: job.name, ...job.queue });
        }
      });
      for (const job of this.jobs) {
        const work = { batchSize: 1, ...(this.opts.pollingIntervalSeconds ? { pollingIntervalSeconds: this.opts.pollingIntervalSeconds } : {}) };
        await boss.work<Record<string, unknown>>(job.name, work, async (batch) => {
          for (const j of batch) await runJob(this.orm, job, this.opts.clock, j.data ?? {}, this.opts.settings);
        });
        if (job.cron) await boss.schedule(job.name, job.cron, {}, { tz: JOB_TIMEZONE });
      }
      // A job dropped from the table must not keep firing into a queue nobody works.
      const known = new Set(this.jobs.filter((j) => j.cron).map((j) => j.name));
      for (const s of await boss.getSchedules()) if (!known.has(s.name)) await boss.unschedule(s.name);
      // Jobs whose result the product shows run once now, not only at their next firing.
      for (const job of this.jobs.filter((j) => j.atStart)) await boss.send(job.name, {});
    } catch (err) {
      await this.stop();
      throw err;
    }
    const crons = this.jobs.filter((j) => j.cron).map((j) => `${j.name} (${j.cron})`);
    logger.info(`job schedules registered (${JOB_TIMEZONE}): ${crons.join(', ') || 'none'}`);
  }

  /** Sends a job to a queue now (tests, and running a job by hand). */
  async send(name: string, data: Record<string, unknown> = {}): Promise<string | null> {
    if (!this.boss) throw new Error('the job runner is not started');
    return this.boss.send(name, data);
  }

  /** Stops fetching, lets running jobs finish (up to 30 s), then closes pg-boss's connections. */
  async stop(): Promise<void> {
    const boss = this.boss;
    this.boss = undefined;
    await boss?.stop({ graceful: true, wait: true, timeout: 30_000 });
  }
}
