import type { EntityManager } from '@mikro-orm/postgresql';
import { type WorkCalendar } from '../time/calendar';
import { localDate, shiftDate, startOfLocalDay } from '../time/local-time';
import { overdueSql } from '../time/supervision';
import { loadCalendar } from '../time/deadline.service';
import { enqueue, toOfficers, type PushMessage } from '../push/push';
import { workloadSql } from '../cases/workload';

/** The digest goes out at this local time (Asia/Shanghai) on working days. */
export const DIGEST_TIME = { hour: 8, minute: 30 } as const;
/** Case numbers listed in one digest; the counts cover all. */
const MAX_NUMBERS = 10;
const DAY_MS = 86_400_000;

export interface DigestResult extends Record<string, unknown> {
  date: string;
  workingDay: boolean;
  /** Officers a digest was queued for (those with nothing to report get none). */
  officers: number;
}

const digestInstant = (date: string) => new Date(startOfLocalDay(date).getTime() + (DIGEST_TIME.hour * 60 + DIGEST_TIME.minute) * 60_000);

/**
 * Where "new" starts for the digest of a date: the digest time of the working day before it, so
 * Monday's digest counts the weekend and the day after a holiday counts the holiday.
 */
export function newSince(calendar: WorkCalendar, date: string): Date {
  let prev = shiftDate(date, -1);
  // A year without a working day is a broken calendar; a month back is plenty for any holiday.
  for (let i = 0; i < 31 && !calendar.isWorkingDay(prev); i++) prev = shiftDate(prev, -1);
  return digestInstant(prev);
}

interface Row {
  officer_id: number;
  new_cases: string;
  due_soon: string;
  overdue: string;
  numbers: string[];
}

const CASE_COLUMNS = 'c.number, c.status, c.reported_at, c.accept_due_at, c.due_at';
const SCOPE = workloadSql(CASE_COLUMNS, 'o.active and o.chat_contact is not null');

/**
 * The morning digest (每日待办): on working days, one `digest.daily` push to each active officer
 * with a bound chat, counting the cases they work that are new since the last digest, due within
 * a day, or overdue, with up to ten numbers (overdue first, then by deadline). Officers with none
 * get no push. Queued with the key `digest:<date>:officer:<id>`, so a rerun the same day adds
 * nothing. Three statements for all officers: calendar, figures, queue.
 */
export async function sendDailyDigest(em: EntityManager, now: Date): Promise<DigestResult> {
  const date = localDate(now);
  const calendar = await loadCalendar(em);
  if (!calendar.isWorkingDay(date)) return { date, workingDay: false, officers: 0 };
  const since = newSince(calendar, date);
  const until = digestInstant(date);
  const soon = new Date(now.getTime() + DAY_MS);
  // Due soon: overdue a day from now but not yet, by the one overdue rule.
  const rows = await em.execute<Row[]>(
    `with scope as (${SCOPE}),
     flagged as (
       select officer_id, number, due_at,
         (reported_at >= ? and reported_at < ?) as is_new,
         ${overdueSql('scope')} as is_overdue,
         (${overdueSql('scope')} and not ${overdueSql('scope')}) as is_due_soon
       from scope),
     ranked as (
       select *, row_number() over (partition by officer_id order by is_overdue desc, is_due_soon desc, due_at, number) as rn
       from flagged where is_new or is_overdue or is_due_soon)
     select officer_id,
       count(*) filter (where is_new) as new_cases,
       count(*) filter (where is_due_soon) as due_soon,
       count(*) filter (where is_overdue) as overdue,
       array_agg(number order by rn) filter (where rn <= ?) as numbers
     from ranked group by officer_id order by officer_id`,
    [since, until, now, now, now, soon, soon, soon, now, now, now, MAX_NUMBERS],
  );
  const pushes = rows.flatMap((r) => {
    const message: PushMessage = {
      topic: 'digest.daily',
      payload: { date, newCases: Number(r.new_cases), dueSoon: Number(r.due_soon), overdue: Number(r.overdue), numbers: r.numbers },
    };
    return toOfficers(message, [r.officer_id], `digest:${date}`);
  });
  await enqueue(em, pushes, now);
  return { date, workingDay: true, officers: pushes.length };
}
