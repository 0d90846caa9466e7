import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Channel, CaseStatus } from '../src/entities';
import { logger } from '../src/logger';
import type { Messages } from './messages';

interface OutboxRow {
  id: string;
  topic: string;
  payload: Record<string, unknown>;
  external_id: string;
  attempts: number;
}

/** Text of a push, or undefined for topics that have no chat text. */
export function renderPush(m: Messages, topic: string, p: Record<string, unknown>): string | undefined {
  const forOfficer = m.officerPush(topic, p);
  if (forOfficer) return forOfficer;
  const number = String(p.number ?? '');
  const title = String(p.title ?? '');
  if (topic === 'case.status') return m.statusPush({ number, title, status: p.status as CaseStatus });
  if (topic === 'case.return_visit') return m.returnVisitPush({ number, title, note: typeof p.note === 'string' ? p.note : undefined });
  return undefined;
}

/**
 * Pending pushes on one channel (optionally to one contact): to residents of that channel and to
 * officers whose chat is bound there. Locked for this transaction; others skip them.
 */
async function claim(em: EntityManager, channel: Channel, now: Date, contactId?: string, limit = 50): Promise<OutboxRow[]> {
  const residents = await em.execute<OutboxRow[]>(
    `select o.id, o.topic, o.payload, r.external_id, o.attempts from outbox o
     join residents r on o.recipient = 'resident:' || r.id
     where o.delivered_at is null and o.available_at <= ? and r.channel = ? ${contactId ? 'and r.external_id = ?' : ''}
     order by o.id limit ? for update of o skip locked`,
    contactId ? [now, channel, contactId, limit] : [now, channel, limit],
  );
  const prefix = `${channel}:`;
  const officers = await em.execute<OutboxRow[]>(
    `select o.id, o.topic, o.payload, substr(f.chat_contact, ?) as external_id, o.attempts from outbox o
     join officers f on o.recipient = 'officer:' || f.id
     where o.delivered_at is null and o.available_at <= ? and f.active and f.chat_contact ${contactId ? '= ?' : 'like ?'}
     order by o.id limit ? for update of o skip locked`,
    [prefix.length + 1, now, contactId ? `${prefix}${contactId}` : `${prefix}%`, limit],
  );
  return [...residents, ...officers];
}

/** The web channel: pushes queued for a contact, handed over (and marked delivered) when it polls. */
export async function takeWebPushes(orm: MikroORM, m: Messages, channel: Channel, contactId: string, now: Date): Promise<string[]> {
  return orm.em.fork().transactional(async (em) => {
    const rows = await claim(em, channel, now, contactId);
    if (rows.length) await em.execute('update outbox set delivered_at = ?, attempts = attempts + 1 where id in (?)', [now, rows.map((r) => r.id)]);
    return rows.map((r) => renderPush(m, r.topic, r.payload)).filter((t): t is string => Boolean(t));
  });
}

/**
 * Sends pending pushes of a channel through its adapter, at least once: a row is marked delivered
 * only after the send succeeded; a failure is recorded and retried later with back-off.
 */
export async function deliverPushes(
  orm: MikroORM,
  m: Messages,
  channel: Channel,
  send: (externalId: string, text: string) => Promise<void>,
  now: Date,
): Promise<{ sent: number; failed: number }> {
  return orm.em.fork().transactional(async (em) => {
    let sent = 0;
    let failed = 0;
    for (const row of await claim(em, channel, now)) {
      const text = renderPush(m, row.topic, row.payload);
      try {
        if (text) await send(row.external_id, text);
        await em.execute('update outbox set delivered_at = ?, attempts = attempts + 1, last_error = null where id = ?', [now, row.id]);
        sent++;
      } catch (err) {
        failed++;
        const backoff = Math.min(3600, 30 * 2 ** row.attempts);
        logger.warn(`push ${row.id} to ${channel}:${row.external_id} failed (attempt ${row.attempts + 1}), retry in ${backoff}s:`, err);
        await em.execute('update outbox set attempts = attempts + 1, last_error = ?, available_at = ? where id = ?', [
          String((err as Error)?.message ?? err).slice(0, 500), new Date(now.getTime() + backoff * 1000), row.id,
        ]);
      }
    }
    return { sent, failed };
  });
}
