import { RUNNING_STATUSES, sqlStatuses } from '../../entities';
import type { EntityManager } from '@mikro-orm/postgresql';
import { localDate, shiftDate, startOfLocalDay } from '../time/local-time';
import { overdueSql } from '../time/supervision';
import { enqueue, toOfficers, type PushMessage } from '../push/push';
import { mondayOf } from './once';

export interface WeeklyResult extends Record<string, unknown> {
  weekStart: string;
  counties: number;
  officers: number;
}

interface Row {
  officer_id: number;
  county_id: number;
  county: string;
  reported: string;
  resolved: string;
  closed: string;
  overdue: string;
  supervised: string;
  listed: string;
}

const running = sqlStatuses(RUNNING_STATUSES);

/**
 * The weekly status (周动态): one `report.weekly` push to each active SUPERVISOR of a county with a
 * bound chat, with the county's figures for the week before the current one (Monday to Sunday,
 * local time): cases that happened there reported, resolved and closed in that week, and overdue,
 * supervised (督办) and listed (挂牌) now. Queued with the key `weekly:<weekStart>:officer:<id>`,
 * once per week. Two statements for all counties: figures, queue.
 */
export async function sendWeeklyStatus(em: EntityManager, now: Date): Promise<WeeklyResult> {
  const weekStart = shiftDate(mondayOf(localDate(now)), -7);
  const from = startOfLocalDay(weekStart);
  const to = startOfLocalDay(shiftDate(weekStart, 7));
  // Only cases that can count (touched that week, or still running) are matched to the counties by path.
  const rows = await em.execute<Row[]>(
    `with counties as (
       select distinct u.id, u.name, u.path from units u
       join officers o on o.unit_id = u.id and o.role = 'SUPERVISOR' and o.active and o.chat_contact is not null
       where u.kind = 'COUNTY'),
     relevant as (
       select c.unit_path, c.status, c.accept_due_at, c.due_at, c.supervision_level,
         (c.reported_at >= ? and c.reported_at < ?) as reported,
         (c.resolved_at >= ? and c.resolved_at < ?) as resolved,
         (c.closed_at >= ? and c.closed_at < ?) as closed
       from cases c
       where c.status in ${running} or c.reported_at >= ? or c.resolved_at >= ? or c.closed_at >= ?),
     figures as (
       select k.id,
         count(*) filter (where r.reported) as reported,
         count(*) filter (where r.resolved) as resolved,
         count(*) filter (where r.closed) as closed,
         count(*) filter (where ${overdueSql('r')}) as overdue,
         count(*) filter (where r.status in ${running} and r.supervision_level = 'SUPERVISED') as supervised,
         count(*) filter (where r.status in ${running} and r.supervision_level = 'LISTED') as listed
       from counties k join relevant r on starts_with(r.unit_path, k.path)
       group by k.id)
     select o.id as officer_id, k.id as county_id, k.name as county,
       coalesce(f.reported, 0) as reported, coalesce(f.resolved, 0) as resolved, coalesce(f.closed, 0) as closed,
       coalesce(f.overdue, 0) as overdue, coalesce(f.supervised, 0) as supervised, coalesce(f.listed, 0) as listed
     from counties k
     join officers o on o.unit_id = k.id and o.role = 'SUPERVISOR' and o.active and o.chat_contact is not null
     left join figures f on f.id = k.id
     order by o.id`,
    [from, to, from, to, from, to, from, from, from, now, now, now],
  );
  const pushes = rows.flatMap((r) => {
    const message: PushMessage = {
      topic: 'report.weekly',
      payload: {
        unit: r.county,
        weekStart,
        reported: Number(r.reported),
        resolved: Number(r.resolved),
        closed: Number(r.closed),
        overdue: Number(r.overdue),
        supervised: Number(r.supervised),
        listed: Number(r.listed),
      },
    };
    return toOfficers(message, [r.officer_id], `weekly:${weekStart}`);
  });
  await enqueue(em, pushes, now);
  return { weekStart, counties: new Set(rows.map((r) => r.county_id)).size, officers: pushes.length };
}
