import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Channel, Resident, type Attachment } from '../src/entities';
import type { Clock } from '../src/domain/actor';
import { residentFor } from '../src/domain/resident.service';
import { logger } from '../src/logger';
import { IDLE, parseState, type DialogState } from './dialog';
import { handlers, type Turn } from './handlers';
import { zh, type Messages } from './messages';

/** A message from a resident, as any transport delivers it. */
export interface IncomingMessage {
  channel: Channel.WECHAT | Channel.WEB_CHAT;
  contactId: string;
  displayName: string;
  text?: string | null;
  image?: { bytes: Buffer; mimeType: string; name?: string } | null;
  /** The transport's id of the message: a redelivery with the same id is answered the same, once. */
  messageId?: string | null;
}

export interface EngineOptions {
  orm: MikroORM;
  clock: Clock;
  uploadsDir: string;
  messages?: Messages;
  maxPhotoBytes?: number;
  maxPhotos?: number;
  ratePerMinute?: number;
  sessionTtlMs?: number;
  maxTextLength?: number;
}

/**
 * What PostgreSQL and a chat window can hold: lone UTF-16 surrogates become U+FFFD (jsonb refuses
 * them), control and direction-override characters go (line breaks stay), surrounding space too.
 */
export function clean(text: string): string {
  return text
    .toWellFormed()
    .replace(/[\u0000-\u0009\u000b-\u001f\u007f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g, '')
    .trim();
}

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/heic', 'image/bmp']);

/**
 * The conversation engine: transport-independent, it turns one incoming message into replies,
 * calling the same domain services as GraphQL. Each message is one transaction: the contact's
 * session row is locked (messages of one contact are handled in order), the message id recorded
 * with its replies, the dialog state saved. It never throws: any failure becomes a polite reply.
 */
export class ConversationEngine {
  readonly messages: Messages;
  private readonly maxPhotoBytes: number;
  private readonly maxPhotos: number;
  private readonly ratePerMinute: number;
  private readonly sessionTtlMs: number;
  private readonly maxTextLength: number;

  constructor(private readonly opts: EngineOptions) {
    this.messages = opts.messages ?? zh;
    this.maxPhotoBytes = opts.maxPhotoBytes ?? 5 * 1024 * 1024;
    this.maxPhotos = opts.maxPhotos ?? 4;
    this.ratePerMinute = opts.ratePerMinute ?? 20;
    this.sessionTtlMs = opts.sessionTtlMs ?? 30 * 60_000;
    this.maxTextLength = opts.maxTextLength ?? 2000;
  }

  async handle(msg: IncomingMessage): Promise<string[]> {
    try {
      return await this.handleUnsafe(msg);
    } catch (err) {
      logger.error(`chat: failed to handle a message from ${msg.channel}:${String(msg.contactId).slice(0, 40)}:`, err);
      return [this.messages.failure()];
    }
  }

  private async handleUnsafe(msg: IncomingMessage): Promise<string[]> {
    const m = this.messages;
    const contactId = clean(String(msg.contactId ?? '')).slice(0, 200);
    if (!contactId) return [m.failure()];
    const text = clean(msg.text ?? '');
    msg = { ...msg, displayName: clean(String(msg.displayName ?? '')).slice(0, 100) };
    const now = this.opts.clock.now();
    const photo = msg.image ? await this.savePhoto(msg.image, now) : undefined;

    return this.opts.orm.em.fork().transactional(async (em) => {
      const messageId = msg.messageId ? String(msg.messageId).slice(0, 200) : undefined;
      if (messageId) {
        const [seen] = await em.execute<{ replies: string[] }[]>('select replies from chat_inbox where channel = ? and message_id = ?', [msg.channel, messageId]);
        if (seen) return seen.replies;
      }
      const session = await this.lockSession(em, msg.channel, contactId, now);
      let replies: string[];
      let state = parseState(session.state);
      if (this.overRate(session, now)) {
        replies = [m.rateLimited()];
      } else {
        const prefix: string[] = [];
        if (state.step !== 'idle' && now.getTime() - session.updatedAt.getTime() > this.sessionTtlMs) {
          state = IDLE;
          prefix.push(m.expired());
        }
        const resident = await residentFor(em, msg.channel, contactId, msg.displayName ?? '');
        const result = await this.turn(em, resident, state, text, photo, msg, now);
        replies = [...prefix, ...result.replies].map((r) => r.toWellFormed());
        state = result.state;
      }
      await em.execute(
        'update chat_sessions set state = ?::jsonb, updated_at = ?, window_start = ?, window_count = ? where channel = ? and contact_id = ?',
        [JSON.stringify(state), now, session.windowStart, session.windowCount, msg.channel, contactId],
      );
      if (messageId) {
        await em.execute('insert into chat_inbox (channel, message_id, contact_id, replies) values (?, ?, ?, ?::jsonb)', [
          msg.channel, messageId, contactId, JSON.stringify(replies),
        ]);
      }
      return replies;
    });
  }

  private async turn(
    em: EntityManager,
    resident: Resident,
    state: DialogState,
    text: string,
    photo: Attachment | 'too-large' | 'not-image' | undefined,
    msg: IncomingMessage,
    now: Date,
  ): Promise<{ replies: string[]; state: DialogState }> {
    const m = this.messages;
    if (text.length > this.maxTextLength) return { replies: [m.tooLong(this.maxTextLength)], state };
    if (photo === 'too-large') return { replies: [m.photoTooLarge(Math.round(this.maxPhotoBytes / 1024 / 1024))], state };
    if (photo === 'not-image') return { replies: [m.photoNotImage()], state };
    if (!text && !photo) return { replies: [msg.text == null && !msg.image ? m.unsupported() : m.empty()], state };
    const turn: Turn = { em, resident, text, photo, now, m, maxPhotos: this.maxPhotos };
    return handlers[state.step](turn, state as never);
  }

  private async lockSession(em: EntityManager, channel: Channel, contactId: string, now: Date) {
    await em.execute(
      `insert into chat_sessions (channel, contact_id, state, updated_at, window_start, window_count)
       values (?, ?, '{"step":"idle"}', ?, ?, 0) on conflict do nothing`,
      [channel, contactId, now, now],
    );
    const [row] = await em.execute<{ state: unknown; updated_at: Date; window_start: Date; window_count: number }[]>(
      'select state, updated_at, window_start, window_count from chat_sessions where channel = ? and contact_id = ? for update',
      [channel, contactId],
    );
    return { state: row.state, updatedAt: new Date(row.updated_at), windowStart: new Date(row.window_start), windowCount: row.window_count };
  }

  /** A fixed one-minute window per contact; the session row carries it. */
  private overRate(session: { windowStart: Date; windowCount: number }, now: Date): boolean {
    if (now.getTime() - session.windowStart.getTime() >= 60_000) {
      session.windowStart = now;
      session.windowCount = 0;
    }
    session.windowCount += 1;
    return session.windowCount > this.ratePerMinute;
  }

  /** Stores a photo under DATA_DIR/uploads; the case links it as an attachment. */
  private async savePhoto(image: NonNullable<IncomingMessage['image']>, now: Date): Promise<Attachment | 'too-large' | 'not-image'> {
    const mimeType = String(image.mimeType ?? '').toLowerCase();
    if (!IMAGE_TYPES.has(mimeType) || !Buffer.isBuffer(image.bytes)) return 'not-image';
    if (image.bytes.length > this.maxPhotoBytes) return 'too-large';
    const id = randomUUID();
    await mkdir(this.opts.uploadsDir, { recursive: true });
    await writeFile(path.join(this.opts.uploadsDir, id), image.bytes, { mode: 0o640 });
    const name = (image.name ?? 'photo').replace(/[^\p{L}\p{N}._-]/gu, '_').slice(0, 100) || 'photo';
    return { id, name, mimeType, size: image.bytes.length, addedAt: now.toISOString() };
  }
}
