import type { EntityManager } from '@mikro-orm/postgresql';
import { OfficerRole, PushState } from '../../entities';
import { logger } from '../../logger';
import { likePrefix, requireOfficer, requireRole } from '../access/access';
import type { Actor, OfficerActor } from '../access/actor';
import { badInput, notFound } from '../errors';
import { decodeCursor, encodeCursor, keyset, pageWindow, windowPage, type Page, type PageArgs } from '../pagination';
import { requeueDeadLetter } from './delivery';
import { PUSH_TOPICS, type PushMessage, type PushTopic } from './push';

/** One queued push as supervisors read it. */
export interface PushView {
  /** The outbox row id, as the delivery log names it ("push 42 … dead letter"). */
  id: string;
  topic: PushTopic;
  message: PushMessage;
  officerId: number | null;
  residentId: number | null;
  caseId: number | null;
  state: PushState;
  attempts: number;
  lastError: string | null;
  reason: string | null;
  createdAt: Date;
  availableAt: Date;
  deliveredAt: Date | null;
}

export interface PushFilter {
  state?: PushState[] | null;
  topic?: string[] | null;
  caseId?: number | null;
}

const ORDER = 'pushes:id';
const ROW_ID = /^\d{1,18}$/;

// Recipient and case of a row, matched by their primary keys (the recipient is stored as text).
const FROM = `from outbox o
  left join officers f on f.id = case when o.recipient ~ '^officer:[0-9]{1,9}$' then substr(o.recipient, 9)::int end
  left join units fu on fu.id = f.unit_id
  left join cases c on c.id = case when jsonb_typeof(o.payload->'caseId') = 'number' then (o.payload->>'caseId')::int end`;

/** Pushes to officers of the actor's units, and pushes about cases in their jurisdiction. */
function scopeSql(actor: OfficerActor): [string, string[]] {
  const prefix = likePrefix(actor.unitPath);
  return ['(fu.path like ? or c.unit_path like ? or c.handling_path like ?)', [prefix, prefix, prefix]];
}

interface Row {
  id: string;
  topic: PushTopic;
  recipient: string;
  payload: PushMessage['payload'];
  status: PushState;
  attempts: number;
  last_error: string | null;
  reason: string | null;
  created_at: Date;
  available_at: Date;
  delivered_at: Date | null;
  case_id: number | null;
}

const COLUMNS =
  'o.id, o.topic, o.recipient, o.payload, o.status, o.attempts, o.last_error, o.reason, o.created_at, o.available_at, o.delivered_at, c.id as case_id';

function toView(r: Row): PushView {
  const [kind, id] = r.recipient.split(':');
  return {
    id: String(r.id),
    topic: r.topic,
    message: { topic: r.topic, payload: r.payload } as PushMessage,
    officerId: kind === 'officer' ? Number(id) : null,
    residentId: kind === 'resident' ? Number(id) : null,
    caseId: r.case_id,
    state: r.status,
    attempts: r.attempts,
    lastError: r.last_error,
    reason: r.reason,
    createdAt: new Date(r.created_at),
    availableAt: new Date(r.available_at),
    deliveredAt: r.delivered_at ? new Date(r.delivered_at) : null,
  };
}

function filterSql(filter: PushFilter): [string[], unknown[]] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.state?.length) {
    const bad = filter.state.filter((s) => !Object.values(PushState).includes(s));
    if (bad.length) throw badInput(`Unknown push state ${bad.join(', ')}; use ${Object.values(PushState).join(', ')}`, { argument: 'filter.state' });
    where.push('o.status in (?)');
    params.push(filter.state);
  }
  if (filter.topic?.length) {
    const bad = filter.topic.filter((t) => !PUSH_TOPICS.includes(t as PushTopic));
    if (bad.length)
      throw badInput(`Unknown push topic ${bad.map((t) => `"${t.slice(0, 64)}"`).join(', ')}; use one of ${PUSH_TOPICS.join(', ')}`, {
        argument: 'filter.topic',
      });
    where.push('o.topic in (?)');
    params.push(filter.topic);
  }
  if (filter.caseId != null) {
    where.push('c.id = ?');
    params.push(filter.caseId);
  }
  return [where, params];
}

/**
 * Pushes newest first, for supervisors and admins: those to officers of their unit or below, and
 * those about cases that happened in or are handled by their jurisdiction.
 */
export async function listPushes(em: EntityManager, actor: Actor, filter: PushFilter, args: PageArgs): Promise<Page<PushView>> {
  const officer = requireRole(actor, OfficerRole.SUPERVISOR);
  const w = pageWindow(args);
  const { cmp, order } = keyset(w, 'desc');
  const [scope, scopeParams] = scopeSql(officer);
  const [conditions, conditionParams] = filterSql(filter);
  const where = [scope, ...conditions];
  const params: unknown[] = [...scopeParams, ...conditionParams];
  const countWhere = where.join(' and ');
  const countParams = [...params];
  if (w.cursor) {
    const [id] = decodeCursor(w.cursor, ORDER, ['text'], w.argument);
    // The cursor holds the row id as text (ids outgrow 32 bits); anything else was not made here.
    if (!ROW_ID.test(String(id))) throw badInput(`${w.argument} is not a cursor from this list`, { argument: w.argument });
    where.push(`o.id ${cmp} ?`);
    params.push(id);
  }
  const rows = await em.execute<Row[]>(`select ${COLUMNS} ${FROM} where ${where.join(' and ')} order by o.id ${order} limit ?`, [...params, w.size + 1]);
  return {
    ...windowPage(rows.map(toView), w, (n) => encodeCursor(ORDER, [n.id])),
    totalCount: async () => Number((await em.execute<{ n: string }[]>(`select count(*) n ${FROM} where ${countWhere}`, countParams))[0].n),
  };
}

/** One push in the actor's scope, or NOT_FOUND; `lock` holds its row for a change. */
async function findPush(em: EntityManager, actor: OfficerActor, id: string, lock = false): Promise<PushView> {
  if (!ROW_ID.test(id)) throw badInput(`"${id.slice(0, 64)}" is not a push id: use Push.id (digits)`, { argument: 'id' });
  const [scope, params] = scopeSql(actor);
  const rows = await em.execute<Row[]>(`select ${COLUMNS} ${FROM} where o.id = ? and ${scope}${lock ? ' for update of o' : ''}`, [id, ...params]);
  if (!rows.length) throw notFound('Push');
  return toView(rows[0]);
}

/** One push the actor may read (SUPERVISOR and above, in their scope), or NOT_FOUND. */
export async function getPush(em: EntityManager, actor: Actor, id: string): Promise<PushView> {
  return findPush(em, requireRole(actor, OfficerRole.SUPERVISOR), id);
}

/**
 * Puts a dead letter in the actor's scope back in the queue for a new round of tries: NOT_FOUND
 * outside the scope, BAD_USER_INPUT when the push is not dead. One transaction.
 */
export async function retryPush(em: EntityManager, actor: Actor, id: string, now: Date): Promise<PushView> {
  const officer = requireRole(actor, OfficerRole.SUPERVISOR);
  return em.transactional(async (tx) => {
    const push = await findPush(tx, officer, id, true);
    if (push.state !== PushState.DEAD) {
      throw badInput(`Push ${push.id} is ${push.state}, not DEAD: only a dead letter can be retried`, { argument: 'id' });
    }
    await requeueDeadLetter(tx, push.id, now);
    logger.info(`push ${push.id} (${push.topic}) put back in the queue by officer ${officer.id}`);
    return findPush(tx, officer, push.id);
  });
}

/*
 * The workbench's inbox (消息): an officer's own pushes. The workbench is a delivery channel of its
 * own: a push is unread until the officer has seen it there or it went out on their chat, so an
 * officer with no chat bound still gets every assignment, reminder, urge and digest. Pushes not due
 * yet (a reminder for later) and pushes dropped before sending (the case moved on) are not shown.
 */

const OWN = `o.recipient = ? and o.available_at <= ? and o.status <> '${PushState.DROPPED}'`;
const UNREAD = `o.status in ('${PushState.PENDING}', '${PushState.DEAD}')`;

/** The officer's own pushes, newest first. */
export async function listOwnPushes(em: EntityManager, actor: Actor, args: PageArgs, now: Date): Promise<Page<PushView>> {
  const me = requireOfficer(actor);
  const w = pageWindow(args);
  const { cmp, order } = keyset(w, 'desc');
  const params: unknown[] = [`officer:${me.id}`, now];
  let where = OWN;
  if (w.cursor) {
    const [id] = decodeCursor(w.cursor, ORDER, ['text'], w.argument);
    if (!ROW_ID.test(String(id))) throw badInput(`${w.argument} is not a cursor from this list`, { argument: w.argument });
    where += ` and o.id ${cmp} ?`;
    params.push(id);
  }
  const rows = await em.execute<Row[]>(`select ${COLUMNS} ${FROM} where ${where} order by o.id ${order} limit ?`, [...params, w.size + 1]);
  return {
    ...windowPage(rows.map(toView), w, (n) => encodeCursor(ORDER, [n.id])),
    totalCount: async () => Number((await em.execute<{ n: string }[]>(`select count(*) n from outbox o where ${OWN}`, [`officer:${me.id}`, now]))[0].n),
  };
}

/** How many of the officer's pushes they have not seen yet. */
export async function unreadPushCount(em: EntityManager, actor: Actor, now: Date): Promise<number> {
  const me = requireOfficer(actor);
  const [{ n }] = await em.execute<{ n: string }[]>(`select count(*) n from outbox o where ${OWN} and ${UNREAD}`, [`officer:${me.id}`, now]);
  return Number(n);
}

/**
 * The officer has seen their pushes up to `upTo` (a push number) in the workbench: those still
 * unread count as delivered now, and a chat send still pending for them is not made. Returns how
 * many were marked and how many stay unread. One transaction.
 */
export async function acknowledgePushes(em: EntityManager, actor: Actor, upTo: string, now: Date): Promise<{ marked: number; unread: number }> {
  const me = requireOfficer(actor);
  if (!ROW_ID.test(upTo)) throw badInput(`"${upTo.slice(0, 64)}" is not a push number: use Push.number`, { argument: 'upTo' });
  return em.transactional(async (tx) => {
    const marked = await tx.execute<{ id: string }[]>(
      `update outbox o set status = '${PushState.DELIVERED}', delivered_at = ?, claimed_until = null, reason = null
       where ${OWN} and ${UNREAD} and o.id <= ? returning o.id`,
      [now, `officer:${me.id}`, now, upTo],
    );
    return { marked: marked.length, unread: await unreadPushCount(tx, actor, now) };
  });
}
