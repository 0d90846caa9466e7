import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Channel, Resident, type Attachment } from '../src/entities';
import type { Clock } from '../src/domain/access/actor';
import { residentFromRow } from '../src/domain/registry/resident.service';
import { logger } from '../src/logger';
import { cleanChatText } from '../src/domain/text';
import { IDLE, parseState, type DialogState } from './dialog';
import { handlers, type Turn } from './handlers';
import { zh, type Messages } from './messages';
import { hitWindow, sweepWindows, type WindowResult } from '../src/domain/limits/rate-window';
import { addressKey } from '../src/domain/limits/address';
import { UploadStore, type FileWriter } from './upload.store';

/** A message from a resident, as any transport delivers it. */
export interface IncomingMessage {
  channel: Channel.WECHAT | Channel.WEB_CHAT;
  contactId: string;
  displayName: string;
  text?: string | null;
  image?: { bytes: Buffer; mimeType: string; name?: string } | null;
  /** The transport's id of the message, unique per contact: a redelivery is answered the same, once. */
  messageId?: string | null;
  /**
   * Asked before a contact's first message is handled (no session yet), with nothing written:
   * when it refuses, the message is not handled and `handleOrRefuse` answers the refusal.
   */
  admitNew?: () => Promise<WindowResult>;
}

/** A first message refused by `admitNew`. */
export interface Refused {
  refused: WindowResult;
}

/** The admission of a new contact failed (not refused: an error), to be thrown to the transport. */
class AdmissionFailed extends Error {
  constructor(override readonly cause: unknown) {
    super('admission failed');
  }
}

/** A first message must be admitted (msg.admitNew) before its transaction may create the session. */
class NeedsAdmission extends Error {
  constructor() {
    super('the contact must be admitted first');
  }
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
  /** Photo bytes one contact may store per rolling 24 hours. */
  uploadQuotaPerContactBytes?: number;
  /** Photo bytes all contacts together may store per rolling 24 hours. */
  uploadQuotaTotalBytes?: number;
  /** Free space the uploads disk must keep; below it photos are refused. */
  uploadMinFreeBytes?: number;
  /** New contacts one network address may start per hour (web chat). */
  newContactsPerHour?: number;
  /** Counts messages and refusals (the server's metrics). */
  meter?: ChatMeter;
  /** Replaces the file write (tests simulate a full disk with it). */
  uploadWriter?: FileWriter;
}

/** Why the chat did not do what a message asked (counted by the metrics). */
export type ChatRefusal =
  'new-contacts' | 'rate' | 'text-too-long' | 'photo-too-large' | 'photo-not-image' | 'photo-contact-quota' | 'photo-total-quota' | 'photo-no-space' | 'error';

/** Counts messages and refusals as they happen (the server's metrics). */
export interface ChatMeter {
  message(channel: string): void;
  refused(channel: string, reason: ChatRefusal): void;
}

/** A photo that passed the in-memory checks, waiting for dedupe, rate limit and quota. */
interface PendingPhoto {
  bytes: Buffer;
  attachment: Attachment;
}

/** How long the answer to a message id is kept for redeliveries. */
const INBOX_KEEP_MS = 7 * 24 * 3600_000;

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/heic', 'image/bmp']);

/**
 * The conversation engine: transport-independent, it turns one incoming message into replies,
 * calling the same domain services as GraphQL. Each message is one transaction: the contact's
 * session row is locked first (messages of one contact, and redeliveries of one message, are
 * handled in order), then the message id is looked up, the rate and photo quota checked, and only
 * then is a photo written. It never throws: any failure becomes a polite reply.
 */
export class ConversationEngine {
  readonly messages: Messages;
  readonly uploads: UploadStore;
  /** Largest photo accepted, in bytes; transports size their request bodies by it. */
  readonly maxPhotoBytes: number;
  private readonly maxPhotos: number;
  private readonly ratePerMinute: number;
  private readonly sessionTtlMs: number;
  private readonly maxTextLength: number;
  private readonly perContactBytes: number;
  private readonly newContactsPerHour: number;
  private sweeper?: NodeJS.Timeout;

  constructor(private readonly opts: EngineOptions) {
    this.messages = opts.messages ?? zh;
    this.maxPhotoBytes = opts.maxPhotoBytes ?? 5 * 1024 * 1024;
    this.maxPhotos = opts.maxPhotos ?? 4;
    this.ratePerMinute = opts.ratePerMinute ?? 20;
    this.sessionTtlMs = opts.sessionTtlMs ?? 30 * 60_000;
    this.maxTextLength = opts.maxTextLength ?? 2000;
    this.perContactBytes = opts.uploadQuotaPerContactBytes ?? 20 * 1024 * 1024;
    this.newContactsPerHour = opts.newContactsPerHour ?? 20;
    this.uploads = new UploadStore({
      dir: opts.uploadsDir,
      perContactBytes: this.perContactBytes,
      totalBytes: opts.uploadQuotaTotalBytes ?? 2048 * 1024 * 1024,
      minFreeBytes: opts.uploadMinFreeBytes ?? 0,
      writer: opts.uploadWriter,
    });
  }

  async handle(msg: IncomingMessage): Promise<string[]> {
    const result = await this.handleOrRefuse(msg);
    return 'refused' in result ? [this.messages.tooManyContacts()] : result;
  }

  /**
   * handle, for a transport that admits new contacts (`msg.admitNew`): the replies, or the refusal
   * of a first message. A failure of the admission itself is thrown, as if asked before handling.
   */
  async handleOrRefuse(msg: IncomingMessage): Promise<string[] | Refused> {
    this.opts.meter?.message(msg.channel);
    try {
      try {
        return await this.handleUnsafe(msg, false);
      } catch (err) {
        if (!(err instanceof NeedsAdmission)) throw err;
      }
      // A new contact: its transaction found no session and wrote nothing. The admission counts on
      // a connection of its own (never while a transaction holds one: the pool could run dry).
      const window = await msg.admitNew!().catch((err: unknown) => {
        throw new AdmissionFailed(err);
      });
      if (!window.allowed) {
        this.opts.meter?.refused(msg.channel, 'new-contacts');
        return { refused: window };
      }
      return await this.handleUnsafe(msg, true);
    } catch (err) {
      // As when asked before handling: the transport answers that failure itself.
      if (err instanceof AdmissionFailed) throw err.cause;
      logger.error({ err }, `chat: failed to handle a message from ${msg.channel}:${String(msg.contactId).slice(0, 40)}`);
      this.opts.meter?.refused(msg.channel, 'error');
      return [this.messages.failure()];
    }
  }

  /** Whether the contact has written before (a session exists). */
  async knows(channel: Channel, contactId: string): Promise<boolean> {
    const rows = await this.opts.orm.em.fork().execute('select 1 from chat_sessions where channel = ? and contact_id = ?', [channel, contactId]);
    return rows.length > 0;
  }

  /** Counts a new contact against its network address's hourly allowance. */
  async admitNewContact(channel: Channel, address: string): Promise<WindowResult> {
    // Counted per address key: an IPv6 /64 is one address, as for every per-address limit.
    return hitWindow(this.opts.orm, `new-contact:${channel}:${addressKey(address)}`, this.newContactsPerHour, 3600_000, this.opts.clock.now());
  }

  /** Sweeps unused photos and old rate windows once. */
  async sweep(): Promise<{ unattached: number; orphans: number }> {
    const now = this.opts.clock.now();
    const result = await this.uploads.sweep(this.opts.orm, now, this.sessionTtlMs);
    await sweepWindows(this.opts.orm, now);
    // Platforms redeliver within minutes; a week of answers is plenty for dedupe.
    await this.opts.orm.em.fork().execute('delete from chat_inbox where created_at < ?', [new Date(now.getTime() - INBOX_KEEP_MS)]);
    return result;
  }

  /** Sweeps now and then every intervalMs, without keeping the process alive. */
  startSweeper(intervalMs: number): void {
    const run = () => void this.sweep().catch((err) => logger.warn({ err }, 'chat: upload sweep failed'));
    run();
    this.sweeper = setInterval(run, intervalMs);
    this.sweeper.unref();
  }

  stopSweeper(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  private async handleUnsafe(msg: IncomingMessage, admitted: boolean): Promise<string[]> {
    const m = this.messages;
    const contactId = cleanChatText(String(msg.contactId ?? '')).slice(0, 200);
    if (!contactId) return [m.failure()];
    const text = cleanChatText(msg.text ?? '');
    msg = { ...msg, displayName: cleanChatText(String(msg.displayName ?? '')).slice(0, 100) };
    const now = this.opts.clock.now();
    // Only checked in memory here: nothing is written before dedupe, rate limit and quota pass.
    const photo = msg.image ? this.checkPhoto(msg.image, now) : undefined;
    const written: string[] = [];
    try {
      return await this.opts.orm.em.fork().transactional(async (em) => {
        const messageId = msg.messageId ? String(msg.messageId).slice(0, 200) : undefined;
        const session = await this.lockSession(em, msg.channel, contactId, now, Boolean(msg.admitNew) && !admitted);
        // After the lock: a concurrent redelivery waits for the first and then finds its answer.
        // The resident's row comes in the same statement (read only: nothing is written for a redelivery).
        const [known] = await em.execute<{ seen: string[] | null; id: number | null }[]>(
          `select (select replies from chat_inbox where channel = ? and contact_id = ? and message_id = ?) as seen, r.*
           from (select 1) one left join residents r on r.channel = ? and r.external_id = ?`,
          [msg.channel, contactId, messageId ?? null, msg.channel, contactId],
        );
        if (known.seen) return known.seen;
        let replies: string[];
        let state = parseState(session.state);
        const overRate = this.overRate(session, now);
        if (overRate) {
          this.opts.meter?.refused(msg.channel, 'rate');
          replies = [m.rateLimited()];
        } else {
          const prefix: string[] = [];
          if (state.step !== 'idle' && now.getTime() - session.updatedAt.getTime() > this.sessionTtlMs) {
            state = IDLE;
            prefix.push(m.expired());
          }
          const { seen: _seen, ...row } = known;
          const resident = await residentFromRow(em, msg.channel, contactId, msg.displayName ?? '', row.id === null ? undefined : row);
          const result = await this.turn(em, resident, state, text, photo, msg, now, written);
          replies = [...prefix, ...result.replies].map((r) => r.toWellFormed());
          state = result.state;
        }
        const update = 'update chat_sessions set state = ?::jsonb, updated_at = ?, window_start = ?, window_count = ? where channel = ? and contact_id = ?';
        const updateParams = [JSON.stringify(state), now, session.windowStart, session.windowCount, msg.channel, contactId];
        // A message refused for its rate was not handled: nothing to answer the same way, and a flood leaves no rows.
        if (messageId && !overRate) {
          // One statement: the session's new state and the answer kept for redeliveries.
          await em.execute(
            `with s as (${update}) insert into chat_inbox (channel, contact_id, message_id, replies, created_at) values (?, ?, ?, ?::jsonb, ?)`,
            [...updateParams, msg.channel, contactId, messageId, JSON.stringify(replies), now],
          );
        } else {
          await em.execute(update, updateParams);
        }
        return replies;
      });
    } catch (err) {
      // The ledger row went with the transaction; the file must go too.
      for (const id of written) await this.uploads.discard(id);
      throw err;
    }
  }

  private async turn(
    em: EntityManager,
    resident: () => Resident,
    state: DialogState,
    text: string,
    photo: PendingPhoto | 'too-large' | 'not-image' | undefined,
    msg: IncomingMessage,
    now: Date,
    written: string[],
  ): Promise<{ replies: string[]; state: DialogState }> {
    const m = this.messages;
    const refuse = (reason: ChatRefusal, reply: string) => {
      this.opts.meter?.refused(msg.channel, reason);
      return { replies: [reply], state };
    };
    if (text.length > this.maxTextLength) return refuse('text-too-long', m.tooLong(this.maxTextLength));
    if (photo === 'too-large') return refuse('photo-too-large', m.photoTooLarge(Math.round(this.maxPhotoBytes / 1024 / 1024)));
    if (photo === 'not-image') return refuse('photo-not-image', m.photoNotImage());
    let attachment: Attachment | undefined;
    let notice: string | undefined;
    if (photo) {
      const stored = await this.uploads.store(em, msg.channel, resident().externalId, photo.attachment.id, photo.bytes, now);
      if (stored === 'stored') {
        attachment = photo.attachment;
        written.push(attachment.id);
      } else {
        // The dialog goes on without the photo; any text of the message still counts.
        this.opts.meter?.refused(msg.channel, `photo-${stored}`);
        notice = stored === 'contact-quota' ? m.photoQuota(Math.round(this.perContactBytes / 1024 / 1024)) : m.photoUnavailable();
      }
    }
    if (!text && !attachment) return { replies: [notice ?? (msg.text == null && !msg.image ? m.unsupported() : m.empty())], state };
    const turn: Turn = {
      em,
      // Made into an entity only for the steps that use it.
      get resident() {
        return resident();
      },
      text,
      photo: attachment,
      now,
      m,
      maxPhotos: this.maxPhotos,
    };
    const result = await handlers[state.step](turn, state as never);
    if (attachment && !('draft' in result.state && result.state.draft.photos.some((p) => p.id === attachment.id))) {
      // Not kept (e.g. over the photo count): no file and no quota used for it.
      await this.uploads.drop(em, attachment.id);
    }
    return notice ? { replies: [notice, ...result.replies], state: result.state } : result;
  }

  /**
   * Locks the contact's session row; a first message creates it (unless it must be admitted
   * first: then NeedsAdmission, with nothing written). A known contact costs one statement.
   */
  private async lockSession(em: EntityManager, channel: Channel, contactId: string, now: Date, admitFirst: boolean) {
    type Row = { state: unknown; updated_at: Date; window_start: Date; window_count: number };
    const select = 'select state, updated_at, window_start, window_count from chat_sessions where channel = ? and contact_id = ? for update';
    let [row] = await em.execute<Row[]>(select, [channel, contactId]);
    if (!row) {
      if (admitFirst) throw new NeedsAdmission();
      [row] = await em.execute<Row[]>(
        `insert into chat_sessions (channel, contact_id, state, updated_at, window_start, window_count)
         values (?, ?, '{"step":"idle"}', ?, ?, 0) on conflict do nothing
         returning state, updated_at, window_start, window_count`,
        [channel, contactId, now, now],
      );
      // Another message of the same new contact created it first: wait for it like any other.
      if (!row) [row] = await em.execute<Row[]>(select, [channel, contactId]);
    }
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

  /** Type and size of a photo, in memory; the case links it as an attachment once it is stored. */
  private checkPhoto(image: NonNullable<IncomingMessage['image']>, now: Date): PendingPhoto | 'too-large' | 'not-image' {
    const mimeType = String(image.mimeType ?? '').toLowerCase();
    if (!IMAGE_TYPES.has(mimeType) || !Buffer.isBuffer(image.bytes)) return 'not-image';
    if (image.bytes.length > this.maxPhotoBytes) return 'too-large';
    const name = (image.name ?? 'photo').replace(/[^\p{L}\p{N}._-]/gu, '_').slice(0, 100) || 'photo';
    return { bytes: image.bytes, attachment: { id: randomUUID(), name, mimeType, size: image.bytes.length, addedAt: now.toISOString() } };
  }
}
