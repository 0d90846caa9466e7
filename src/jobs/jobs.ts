import path from 'node:path';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config';
import { backup, pruneBackups } from '../db/backup';
import { appVersion } from '../paths';
import { localMinute, TIME_ZONE } from '../domain/time/local-time';
import { DIGEST_TIME, sendDailyDigest } from '../domain/schedule/digest';
import { houseKeeping } from '../domain/schedule/housekeeping';
import { dayPeriod, fiveMinutePeriod, minutePeriod, monthPeriod, weekPeriod } from '../domain/schedule/once';
import { sweepDeadlines } from '../domain/schedule/sweep';
import { sendWeeklyStatus } from '../domain/schedule/weekly';
import { refreshWarnings } from '../domain/stats/warnings';
import { issueMonthlyLetters } from '../domain/stats/letters';
import type { CampaignSettings } from '../domain/stats/settings';

/** Cron expressions are read in this zone: the product's local time. */
export const JOB_TIMEZONE = TIME_ZONE;

/** What the jobs are configured with (defaults when absent). */
export interface JobSettings {
  campaign?: CampaignSettings;
  /** The nightly backup's directory and retention; no backup when absent. */
  backup?: Config['backup'];
}

export interface JobContext {
  orm: MikroORM;
  em: EntityManager;
  now: Date;
  data: Record<string, unknown>;
  campaign: CampaignSettings;
  backup?: Config['backup'];
}

/** A scheduled job: when it fires, which period a firing belongs to, and what it does. */
export interface JobDefinition {
  name: string;
  /** Minute-precision cron in JOB_TIMEZONE; none for a queue that only runs what is sent to it. */
  cron?: string;
  /** The period a run at `now` belongs to: the job runs once per period across all workers. */
  period(now: Date): string;
  /** The work, in the transaction that claimed the period; `orm` for work that needs its own transactions. */
  run(ctx: JobContext): Promise<Record<string, unknown>>;
  /** Runs older than this many days are forgotten (a job that runs every minute); else kept. */
  keepDays?: number;
  /** Also run when a worker starts (a fresh install shows its warnings without waiting for the first firing). */
  atStart?: boolean;
  /** Running it again for a period it already ran in is harmless (`run-job --force` may). */
  repeatable?: boolean;
  /** A run with this result did nothing worth a log line at info level. */
  idle?(result: Record<string, unknown>): boolean;
  /** pg-boss queue settings. */
  queue: { policy?: 'standard' | 'stately'; retryLimit: number; retryDelay?: number; retryBackoff?: boolean; expireInSeconds: number };
}

/** The job table: every scheduled job of the product. */
export const JOBS: readonly JobDefinition[] = [
  {
    name: 'deadline-sweep',
    cron: '* * * * *',
    period: minutePeriod,
    run: async ({ orm, now }) => ({ ...(await sweepDeadlines(orm, now)) }),
    keepDays: 7,
    repeatable: true,
    idle: (r) => Object.values(r).every((v) => v === 0),
    // A missed minute is caught up by the next one; one waiting behind a long sweep is enough.
    queue: { policy: 'stately', retryLimit: 0, expireInSeconds: 600 },
  },
  {
    name: 'daily-digest',
    cron: `${DIGEST_TIME.minute} ${DIGEST_TIME.hour} * * *`,
    period: dayPeriod,
    run: ({ em, now }) => sendDailyDigest(em, now),
    queue: { retryLimit: 5, retryDelay: 60, retryBackoff: true, expireInSeconds: 900 },
  },
  {
    name: 'weekly-status',
    cron: '0 9 * * 1',
    period: weekPeriod,
    run: ({ em, now }) => sendWeeklyStatus(em, now),
    queue: { retryLimit: 5, retryDelay: 60, retryBackoff: true, expireInSeconds: 900 },
  },
  {
    name: 'early-warning',
    cron: '*/5 * * * *',
    period: fiveMinutePeriod,
    run: async ({ em, now, campaign }) => ({ warnings: await refreshWarnings(em, now, campaign) }),
    atStart: true,
    keepDays: 2,
    repeatable: true,
    idle: () => true,
    queue: { policy: 'stately', retryLimit: 0, expireInSeconds: 600 },
  },
  {
    name: 'monthly-letters',
    // The 1st at 09:00: the month just ended is complete.
    cron: '0 9 1 * *',
    period: monthPeriod,
    run: ({ em, now, campaign }) => issueMonthlyLetters(em, now, campaign),
    queue: { retryLimit: 5, retryDelay: 300, retryBackoff: true, expireInSeconds: 3600 },
  },
  {
    name: 'housekeeping',
    // At night, when nobody works cases.
    cron: '0 3 * * *',
    period: dayPeriod,
    run: ({ em, now }) => houseKeeping(em, now),
    repeatable: true,
    queue: { retryLimit: 5, retryDelay: 300, retryBackoff: true, expireInSeconds: 3600 },
  },
  {
    name: 'backup',
    // Before the housekeeping, at the quietest hour.
    cron: '30 2 * * *',
    period: dayPeriod,
    run: async ({ orm, now, backup: settings }) => {
      if (!settings) return { skipped: 'nightly backups are off (DATABASE_URL without BACKUP_DIR, or BACKUP_KEEP=0)' };
      const stamp = localMinute(now).replace(/[-:]/g, '').replace(/[T ]/, '-');
      const file = path.join(settings.dir, `sanling-${stamp}.tar`);
      const started = Date.now();
      const m = await backup({ url: orm.config.get('clientUrl')!, uploadDir: settings.uploadDir, file, appVersion: appVersion() });
      const removed = await pruneBackups(settings.dir, settings.keep);
      return {
        file,
        rows: m.tables.reduce((n, t) => n + t.rows, 0),
        photos: m.photos.files,
        missingPhotos: m.photos.missing.length,
        seconds: Math.round((Date.now() - started) / 100) / 10,
        removed,
      };
    },
    // Another file of the same day is only more disk: harmless.
    repeatable: true,
    queue: { retryLimit: 2, retryDelay: 600, retryBackoff: true, expireInSeconds: 4 * 3600 },
  },
];
