import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { OPEN_STATUSES, sqlStatuses, type Channel } from '../../entities';
import { logger } from '../../logger';
import type { PushMessage } from './push';

/** A transport that can send text to a contact: all a channel adapter implements. */
export interface ChannelAdapter {
  readonly channel: Channel;
  send(contactId: string, text: string): Promise<void>;
  /** False while the channel cannot send at all (logged out): its pushes wait instead of spending tries. */
  ready?(): boolean;
}

/** Text of a push for a chat, or undefined when the topic has nothing to say there. */
export type PushRenderer = (push: PushMessage) => string | undefined;

export interface DeliveryOptions {
  /** Sends tried before a push becomes a dead letter. */
  maxAttempts?: number;
  /** Rows claimed per run. */
  batch?: number;
}

/** A claimed row is the claimer's for this long; a crash mid-send frees it again afterwards. */
const LEASE_MS = 120_000;
const DEFAULT_MAX_ATTEMPTS = 8;
const FAR_FUTURE = new Date('9999-01-01T00:00:00Z');

/** Wait before the next try after `attempts` failed sends: 30 s doubling, at most an hour. */
export function backoffMs(attempts: number): number {
  return Math.min(3600, 30 * 2 ** Math.max(0, attempts - 1)) * 1000;
}

interface Row {
  id: string;
  topic: PushMessage['topic'];
  payload: PushMessage['payload'];
  recipient: string;
  external_id: string | null;
  attempts: number;
  active: boolean;
}

const asMessage = (r: Row) => ({ topic: r.topic, payload: r.payload }) as PushMessage;

/**
 * Pending pushes of one channel (optionally one contact): to its residents and to officers whose
 * chat is bound there, oldest first, skipping rows another instance holds.
 */
async function pending(em: EntityManager, channel: Channel, now: Date, limit: number, contactId?: string, claimedBefore = now): Promise<Row[]> {
  const due = `o.status = 'PENDING' and o.available_at <= ? and (o.claimed_until is null or o.claimed_until < ?)`;
  const residents = await em.execute<Row[]>(
    `select o.id, o.topic, o.payload, o.recipient, r.external_id, o.attempts, true as active from outbox o
     join residents r on o.recipient = 'resident:' || r.id
     where ${due} and r.channel = ? ${contactId ? 'and r.external_id = ?' : ''}
     order by o.id limit ? for update of o skip locked`,
    contactId ? [now, claimedBefore, channel, contactId, limit] : [now, claimedBefore, channel, limit],
  );
  const prefix = `${channel}:`;
  const officers = await em.execute<Row[]>(
    `select o.id, o.topic, o.payload, o.recipient, substr(f.chat_contact, ?) as external_id, o.attempts, f.active from outbox o
     join officers f on o.recipient = 'officer:' || f.id
     where ${due} and f.chat_contact ${contactId ? '= ?' : 'like ?'}
     order by o.id limit ? for update of o skip locked`,
    [prefix.length + 1, now, claimedBefore, contactId ? `${prefix}${contactId}` : `${prefix}%`, limit],
  );
  // Each query may fill the batch: keep the oldest `limit` of both (the rest stay unclaimed).
  return [...residents, ...officers].sort((a, b) => Number(a.id) - Number(b.id)).slice(0, limit);
}

const OPEN = sqlStatuses(OPEN_STATUSES);

/**
 * Why each push no longer applies, if it does not: the case it is about moved on (accepted,
 * closed, reassigned, answered) or the officer left. Answered for a batch in one statement.
 */
async function whyDropped(em: EntityManager, rows: Row[]): Promise<Map<string, string>> {
  const reasons = new Map<string, string>();
  const caseIds = [...new Set(rows.map((r) => (r.payload as { caseId?: number }).caseId).filter((id): id is number => typeof id === 'number'))];
  const cases = new Map(
    (caseIds.length
      ? await em.execute<{ id: number; status: string; assignee_id: number | null; open: boolean }[]>(
          `select id, status, assignee_id, status in ${OPEN} as open from cases where id in (?)`,
          [caseIds],
        )
      : []
    ).map((c) => [c.id, c]),
  );
  for (const r of rows) {
    if (!r.active) {
      reasons.set(r.id, 'the officer is no longer active');
      continue;
    }
    const caseId = (r.payload as { caseId?: number }).caseId;
    if (caseId === undefined) continue;
    const c = cases.get(caseId);
    const officerId = r.recipient.startsWith('officer:') ? Number(r.recipient.slice(8)) : undefined;
    const message = asMessage(r);
    switch (message.topic) {
      case 'case.status':
        break;
      case 'case.emergency':
        if (c?.status !== 'REPORTED') reasons.set(r.id, 'the emergency was accepted');
        break;
      case 'case.assigned':
        if (!c?.open) reasons.set(r.id, `the case is ${c?.status ?? 'gone'}`);
        else if (c.assignee_id !== officerId) reasons.set(r.id, 'the case was reassigned');
        break;
      case 'case.return_visit':
      case 'case.visit_unanswered':
        if (c?.status !== 'RESOLVED') reasons.set(r.id, 'the case no longer waits for a return visit');
        break;
      case 'case.supervised':
      case 'case.escalated':
        if (!c?.open || c.status === 'RESOLVED') reasons.set(r.id, `the case is ${c?.status ?? 'gone'}`);
        break;
      case 'digest.daily':
      case 'report.weekly':
        break;
    }
  }
  return reasons;
}

async function drop(em: EntityManager, ids: string[], reasons: Map<string, string>, now: Date): Promise<void> {
  for (const id of ids) {
    await em.execute(`update outbox set status = 'DROPPED', reason = ?, claimed_until = null, delivered_at = null where id = ? and status = 'PENDING'`, [
      reasons.get(id),
      id,
    ]);
    logger.debug(`push ${id} dropped at ${now.toISOString()}: ${reasons.get(id)}`);
  }
}

/**
 * Records the outcome of a send on a row still pending; false when another sender settled it first
 * (this one outlived its lease, and the row was claimed and sent again meanwhile).
 */
async function settle(em: EntityManager, row: Row, set: string, params: unknown[]): Promise<boolean> {
  const updated = await em.execute(`update outbox set ${set} where id = ? and status = 'PENDING' returning id`, [...params, row.id]);
  if (!updated.length) logger.warn(`push ${row.id} (${row.topic}) was settled by another sender while this one was sending`);
  return updated.length > 0;
}

/**
 * Delivers the pending pushes of a channel through its adapter. Rows are claimed (leased) in a
 * short transaction, sent outside any transaction, then marked: delivered, or retried later with
 * back-off, or a dead letter after `maxAttempts`. A push that no longer applies is dropped with its
 * reason instead of sent. Safe to run in several instances at once: each row goes to one of them.
 */
export async function deliverPending(
  orm: MikroORM,
  adapter: ChannelAdapter,
  render: PushRenderer,
  now: Date,
  opts: DeliveryOptions = {},
): Promise<{ sent: number; failed: number; dead: number; dropped: number }> {
  const maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const { rows, dropped } = await orm.em.fork().transactional(async (em) => {
    const claimed = await pending(em, adapter.channel, now, opts.batch ?? 50);
    if (claimed.length) await em.execute('update outbox set claimed_until = ? where id in (?)', [new Date(now.getTime() + LEASE_MS), claimed.map((r) => r.id)]);
    const reasons = await whyDropped(em, claimed);
    await drop(em, [...reasons.keys()], reasons, now);
    return { rows: claimed.filter((r) => !reasons.has(r.id)), dropped: reasons.size };
  });
  const em = orm.em.fork();
  const result = { sent: 0, failed: 0, dead: 0, dropped };
  for (const row of rows) {
    const text = render(asMessage(row));
    if (!text) {
      await drop(em, [row.id], new Map([[row.id, `nothing to say on ${adapter.channel} for ${row.topic}`]]), now);
      result.dropped++;
      continue;
    }
    try {
      await adapter.send(row.external_id!, text);
      // Only a row still pending: a sender that outlived its lease must not overwrite another's outcome.
      if (await settle(em, row, `status = 'DELIVERED', delivered_at = ?, attempts = attempts + 1, last_error = null, claimed_until = null`, [now]))
        result.sent++;
    } catch (err) {
      const attempts = row.attempts + 1;
      const message = String((err as Error)?.message ?? err).slice(0, 500);
      if (attempts >= maxAttempts) {
        if (
          !(await settle(em, row, `status = 'DEAD', attempts = ?, last_error = ?, reason = 'too many failed sends', claimed_until = null`, [attempts, message]))
        )
          continue;
        result.dead++;
        logger.error(`push ${row.id} (${row.topic}) to ${adapter.channel}:${row.external_id} failed ${attempts} times: dead letter (${message})`);
      } else {
        const retryAt = new Date(now.getTime() + backoffMs(attempts));
        if (!(await settle(em, row, 'attempts = ?, last_error = ?, available_at = ?, claimed_until = null', [attempts, message, retryAt]))) continue;
        result.failed++;
        logger.warn(`push ${row.id} to ${adapter.channel}:${row.external_id} failed (attempt ${attempts}), retry at ${retryAt.toISOString()}: ${message}`);
      }
    }
  }
  return result;
}

/**
 * The web channel, where the page polls: hands over the pushes pending for a contact. With `ack`
 * (the last id the page has shown) those up to it are marked delivered first, and the ones handed
 * now stay pending until the next poll acknowledges them, so a response lost on the way loses
 * nothing. Without `ack` (a client that cannot acknowledge) they count as delivered when handed.
 */
export async function handOverWebPushes(
  orm: MikroORM,
  render: PushRenderer,
  channel: Channel,
  contactId: string,
  now: Date,
  ack?: string | null,
): Promise<{ id: string; text: string }[]> {
  return orm.em.fork().transactional(async (em) => {
    if (ack) {
      await em.execute(
        `update outbox o set status = 'DELIVERED', delivered_at = ?, claimed_until = null
         where o.status = 'PENDING' and o.id <= ? and o.claimed_until is not null
           and (o.recipient in (select 'resident:' || r.id from residents r where r.channel = ? and r.external_id = ?)
             or o.recipient in (select 'officer:' || f.id from officers f where f.chat_contact = ?))`,
        [now, ack, channel, contactId, `${channel}:${contactId}`],
      );
    }
    // Handed but not acknowledged yet: offered again, since the answer that carried them may be lost.
    const rows = await pending(em, channel, now, 50, contactId, FAR_FUTURE);
    const reasons = await whyDropped(em, rows);
    await drop(em, [...reasons.keys()], reasons, now);
    const out: { id: string; text: string }[] = [];
    for (const row of rows.filter((r) => !reasons.has(r.id))) {
      const text = render(asMessage(row));
      if (!text) {
        await drop(em, [row.id], new Map([[row.id, `nothing to say on ${channel} for ${row.topic}`]]), now);
        continue;
      }
      out.push({ id: row.id, text });
    }
    if (out.length) {
      const ids = out.map((o) => o.id);
      if (ack !== undefined) await em.execute('update outbox set claimed_until = ?, attempts = attempts + 1 where id in (?)', [now, ids]);
      else await em.execute(`update outbox set status = 'DELIVERED', delivered_at = ?, attempts = attempts + 1 where id in (?)`, [now, ids]);
    }
    return out;
  });
}

/** A dead letter goes back to the queue for another round of tries. */
export async function requeueDeadLetter(em: EntityManager, id: string, now: Date): Promise<boolean> {
  const rows = await em.execute(
    `update outbox set status = 'PENDING', attempts = 0, reason = null, last_error = null, available_at = ?, claimed_until = null
     where id = ? and status = 'DEAD' returning id`,
    [now, id],
  );
  return rows.length > 0;
}

/**
 * A chat channel as the health endpoints report it: up, down (with why, and when it tries again) or
 * starting, since when. A channel that is down fails neither liveness nor readiness: the API still serves.
 */
export interface ChannelStatus {
  channel: string;
  state: 'up' | 'down' | 'starting';
  /** ISO time of the last change of state. */
  since: string;
  /** Failed attempts to connect since the channel was last up. */
  attempts: number;
  reason?: string;
  /** ISO time of the next attempt to connect, while one is scheduled. */
  nextAttemptAt?: string;
}
