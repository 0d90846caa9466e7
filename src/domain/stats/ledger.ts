import type { EntityManager } from '@mikro-orm/postgresql';
import { openCursor, type Cursor } from '../../db/cursor';
import { query } from '../../db/sql';
import type { CaseEventType, CaseKind, CasePriority, CaseStatus, Escalation, ReturnVisitResult, SupervisionLevel } from '../../entities';
import { inJurisdiction, likePrefix, requireCapability } from '../access/access';
import type { Actor } from '../access/actor';
import { badInput, notFound } from '../errors';
import { localDate, monthAt, monthDate, monthIndex, readMonth, startOfLocalDay, TIME_ZONE } from '../time/local-time';

/*
 * The ledger (台账) of a unit: every case that happened at it or under it, reported in a range of
 * months, one row each with its whole trail, for those who may export it (SUPERVISOR and above,
 * within their jurisdiction). The HTTP route writes it as CSV or XLSX.
 */

const MAX_MONTHS = 120;
/** How the trail names an anonymous reporter, and the system's own steps. */
export const LEDGER_ANONYMOUS = '匿名';
const SYSTEM = '系统';

export interface LedgerRow {
  number: string;
  kind: CaseKind;
  priority: CasePriority;
  status: CaseStatus;
  unit_name: string;
  unit_code: string;
  handling_name: string;
  reported_at: string;
  accept_due_at: string;
  accepted_at: string | null;
  due_at: string;
  resolved_at: string | null;
  closed_at: string | null;
  supervision_level: SupervisionLevel;
  escalation: Escalation;
  return_visit: ReturnVisitResult | null;
  stock: boolean;
  title: string;
  description: string;
  anonymous: boolean;
  reporter_name: string | null;
  reporter_phone: string | null;
  trail: string | null;
}

const local = (col: string) => `to_char(${col} at time zone '${TIME_ZONE}', 'YYYY-MM-DD HH24:MI')`;

/*
 * One statement per export. The trail is one text per case: `YYYY-MM-DD HH:mm 类型 执行人 备注` per
 * entry, in chain order; a resident who is the anonymous reporter acts as 匿名, as on Case.events;
 * line breaks inside a note become spaces so each entry stays one line.
 */
const LEDGER_SQL = `select c.number, c.kind, c.priority, c.status, u.name as unit_name, u.code as unit_code, h.name as handling_name,
  ${local('c.reported_at')} as reported_at, ${local('c.accept_due_at')} as accept_due_at, ${local('c.accepted_at')} as accepted_at,
  ${local('c.due_at')} as due_at, ${local('c.resolved_at')} as resolved_at, ${local('c.closed_at')} as closed_at,
  c.supervision_level, c.escalation, c.return_visit, c.stock, c.title, c.description, c.anonymous,
  r.display_name as reporter_name, r.phone as reporter_phone, t.trail
from cases c
join units u on u.id = c.unit_id
join units h on h.id = c.handling_unit_id
left join residents r on r.id = c.reporter_id
left join lateral (
  select string_agg(${local('e.created_at')} || ' ' || coalesce(($2::text[])[array_position($1::text[], e.type)], e.type) || ' ' ||
      coalesce(case when e.actor_officer_id is not null then (select o.name from officers o where o.id = e.actor_officer_id)
        when e.actor_resident_id is not null then
          case when c.anonymous and (c.reporter_id is null or c.reporter_id = e.actor_resident_id) then $4
          else (select er.display_name from residents er where er.id = e.actor_resident_id) end
        else $3 end, '')
      || coalesce(' ' || nullif(btrim(regexp_replace(e.note, '[\\r\\n]+', ' ', 'g')), ''), ''),
    E'\\n' order by e.seq) as trail
  from case_events e
  where e.case_id = c.id
) t on true
where c.unit_path like $5 and c.reported_at >= $6 and c.reported_at < $7
order by c.reported_at, c.id`;

/** A month `YYYY-MM` as a count of months, or BAD_USER_INPUT naming the parameter. */
function month(name: string, value: unknown, fallback: string): number {
  if (value === undefined) value = fallback;
  if (typeof value !== 'string') throw badInput(`${name} must be given once, as a month YYYY-MM`);
  const m = readMonth(value);
  if (!m || m !== value) throw badInput(`${name} must be a month as YYYY-MM (e.g. 2026-01), not "${value.slice(0, 20)}"`);
  return monthIndex(m);
}

const monthText = monthAt;
const monthStart = (n: number) => startOfLocalDay(monthDate(monthAt(n)));

/** What one export covers: the unit, and the months from and to (inclusive, as month indexes). */
export interface LedgerScope {
  unit: { name: string; code: string; path: string };
  from: number;
  to: number;
  /** The months as the file name says them (`2026-01` or `2026-01至2026-03`). */
  range: string;
}

/**
 * Checks who may export what: the unit (their own by default) in the actor's jurisdiction, `from`
 * and `to` months YYYY-MM (this month by default), at most ten years.
 */
export async function ledgerScope(em: EntityManager, actor: Actor, ask: { unitId?: number; from?: unknown; to?: unknown }, now: Date): Promise<LedgerScope> {
  const officer = requireCapability(actor, 'exportLedger');
  const current = localDate(now).slice(0, 7);
  const from = month('from', ask.from, current);
  const to = month('to', ask.to, current);
  if (from > to) throw badInput(`from (${monthText(from)}) is after to (${monthText(to)})`);
  if (to - from + 1 > MAX_MONTHS)
    throw badInput(`from ${monthText(from)} to ${monthText(to)} is ${to - from + 1} months; export at most ${MAX_MONTHS} at a time`);
  const [unit] = await query<{ name: string; code: string; path: string }>(em, 'select name, code, path from units where id = ?', [
    ask.unitId ?? officer.unitId,
  ]);
  if (!unit || !inJurisdiction(officer, unit.path)) throw notFound('Unit');
  return { unit, from, to, range: from === to ? monthText(from) : `${monthText(from)}至${monthText(to)}` };
}

/** Opens the ledger's rows as a server-side cursor, `batch` rows a read; trail entries are named by `eventLabels`. */
export function openLedger(em: EntityManager, scope: LedgerScope, batch: number, eventLabels: Record<CaseEventType, string>): Promise<Cursor<LedgerRow>> {
  const params = [
    Object.keys(eventLabels),
    Object.values(eventLabels),
    SYSTEM,
    LEDGER_ANONYMOUS,
    likePrefix(scope.unit.path),
    monthStart(scope.from),
    monthStart(scope.to + 1),
  ];
  // The trail looks up each entry's officer or resident by primary key; on small tables the
  // planner would rather scan them whole, once per entry of every case (ten times slower).
  return openCursor<LedgerRow>(em, LEDGER_SQL, params, { name: 'ledger_rows', batch, setup: ['set local enable_seqscan = off'] });
}
