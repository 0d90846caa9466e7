import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../access/actor';
import { localDate, localMinute, shiftDate } from '../time/local-time';

const DAY_MS = 86_400_000;

/** Period key of a minute, in local time (Asia/Shanghai): `2026-11-29T08:31`. */
export function minutePeriod(t: Date): string {
  return localMinute(t);
}

/** Period key of the five minutes a time falls in: `2026-11-29T08:30`. */
export function fiveMinutePeriod(t: Date): string {
  return minutePeriod(new Date(t.getTime() - (t.getTime() % 300_000)));
}

/** Period key of a local month: `2026-11`. */
export function monthPeriod(t: Date): string {
  return localDate(t).slice(0, 7);
}

/** Period key of a local day: `2026-11-29`. */
export function dayPeriod(t: Date): string {
  return localDate(t);
}

/** The Monday of the (ISO, Monday-first) week a local date falls in. */
export function mondayOf(date: string): string {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay() || 7;
  return shiftDate(date, 1 - dow);
}

/** Period key of the local ISO week: `2026-W49`; the week belongs to the year of its Thursday. */
export function weekPeriod(t: Date): string {
  const thursday = shiftDate(mondayOf(localDate(t)), 3);
  const year = thursday.slice(0, 4);
  const dayOfYear = (Date.parse(`${thursday}T00:00:00Z`) - Date.parse(`${year}-01-01T00:00:00Z`)) / DAY_MS;
  return `${year}-W${String(Math.floor(dayOfYear / 7) + 1).padStart(2, '0')}`;
}

export type RunOutcome<R> = { ran: true; result: R } | { ran: false };

/**
 * Runs `fn` once for a job and period however many workers call it: the caller that inserts the
 * `job_runs` row runs it, in the same transaction as that claim, and records when it finished and
 * its result. A concurrent caller waits on the claim and then skips; if `fn` fails the claim rolls
 * back with its work, so a retry can run the period again.
 */
export async function runOnce<R extends Record<string, unknown>>(
  em: EntityManager,
  job: string,
  period: string,
  fn: (em: EntityManager) => Promise<R>,
  clock: Clock,
): Promise<RunOutcome<R>> {
  return em.transactional(async (tx) => {
    const claimed = await tx.execute(`insert into job_runs (job, period, started_at) values (?, ?, ?) on conflict do nothing returning job`, [
      job,
      period,
      clock.now(),
    ]);
    if (!claimed.length) return { ran: false } as const;
    const result = await fn(tx);
    await tx.execute(`update job_runs set finished_at = ?, result = ?::jsonb where job = ? and period = ?`, [clock.now(), JSON.stringify(result), job, period]);
    return { ran: true, result } as const;
  });
}
