import type { MikroORM } from '@mikro-orm/postgresql';
import type { Channel } from '../src/entities';
import { handOverWebPushes, type PushRenderer } from '../src/domain/push/delivery';
import type { Messages } from './messages';

/** Pushes rendered in the bot's language. */
export const pushRenderer =
  (m: Messages): PushRenderer =>
  (message) =>
    m.push(message);

/** The web channel: pushes for a contact, acknowledged by the page's next poll (see handOverWebPushes). */
export async function takeWebPushes(
  orm: MikroORM,
  m: Messages,
  channel: Channel,
  contactId: string,
  now: Date,
  ack?: string | null,
): Promise<{ id: string; text: string }[]> {
  return handOverWebPushes(orm, pushRenderer(m), channel, contactId, now, ack);
}
