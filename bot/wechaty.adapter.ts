import type { MikroORM } from '@mikro-orm/postgresql';
import qrTerminal from 'qrcode-terminal';
import { ScanStatus, WechatyBuilder, type Message, type Wechaty } from 'wechaty';
import type { WechatyInterface } from 'wechaty/impls';
import { Channel } from '../src/entities';
import type { Clock } from '../src/domain/access/actor';
import { logger } from '../src/logger';
import type { ConversationEngine } from './engine';
import type { ChannelAdapter } from '../src/domain/push/delivery';

export interface WechatyAdapterOptions {
  engine: ConversationEngine;
  orm: MikroORM;
  clock: Clock;
  name: string;
  /** A puppet package name (WECHATY_PUPPET) or a puppet instance (the mock, in tests). */
  puppet: string | object;
  puppetOptions?: Record<string, unknown>;
}

/**
 * WeChat through wechaty: messages from residents go to the conversation engine, replies go back
 * to the same chat; `channel` sends the pushes the dispatcher hands it.
 */
export class WechatyAdapter {
  readonly bot: Wechaty;
  private stopping = false;

  constructor(private readonly opts: WechatyAdapterOptions) {
    this.bot = WechatyBuilder.build({ name: opts.name, puppet: opts.puppet as never, puppetOptions: opts.puppetOptions as never });
    const bot = this.bot;
    bot.on('scan', (qrcode, status) => {
      if (status !== ScanStatus.Waiting && status !== ScanStatus.Timeout) return;
      qrTerminal.generate(qrcode, { small: true });
      logger.info(`WeChat: scan the QR code above to log in, or open https://wechaty.js.org/qrcode/${encodeURIComponent(qrcode)}`);
    });
    bot.on('login', (user) => logger.info(`WeChat: logged in as ${user.name()}`));
    bot.on('logout', (user, reason) => {
      logger.warn(`WeChat: ${user.name()} logged out (${reason ?? 'no reason given'}); reconnecting`);
      // Most puppets ask for a new scan by themselves; restart if one does not within 10 s.
      setTimeout(() => void this.reconnect(), 10_000).unref();
    });
    bot.on('error', (err) => logger.warn('WeChat:', err));
    bot.on('message', (msg) => void this.onMessage(msg));
  }

  async start(): Promise<void> {
    await this.bot.start();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.bot.stop();
  }

  private async reconnect(): Promise<void> {
    if (this.stopping || this.bot.isLoggedIn) return;
    try {
      await this.bot.stop();
      await this.bot.start();
    } catch (err) {
      logger.error('WeChat: reconnect failed:', err);
    }
  }

  /** One resident message: text or photo to the engine, its replies back to the chat. */
  private async onMessage(msg: Message): Promise<void> {
    if (msg.self() || msg.room()) return; // our own echoes; group chats are not a reporting channel
    const talker = msg.talker();
    const bot = this.bot as WechatyInterface;
    let text: string | null = null;
    let image: { bytes: Buffer; mimeType: string; name?: string } | undefined;
    try {
      if (msg.type() === bot.Message.Type.Text) text = msg.text();
      else if (msg.type() === bot.Message.Type.Image) {
        const file = await msg.toFileBox();
        image = { bytes: await file.toBuffer(), mimeType: file.mediaType || 'image/jpeg', name: file.name };
      }
    } catch (err) {
      logger.warn('WeChat: could not read a message:', err);
    }
    const replies = await this.opts.engine.handle({
      channel: Channel.WECHAT,
      contactId: talker.id,
      displayName: talker.name(),
      text,
      image,
      messageId: msg.id,
    });
    for (const reply of replies) {
      try {
        await msg.say(reply);
      } catch (err) {
        logger.warn(`WeChat: reply to ${talker.id} failed:`, err);
      }
    }
  }

  /** The channel as the outbox sees it: all it does is send a text to a contact (src/jobs/dispatcher.ts delivers). */
  readonly channel: ChannelAdapter = {
    channel: Channel.WECHAT,
    ready: () => this.bot.isLoggedIn,
    send: async (contactId, text) => {
      const contact = await this.bot.Contact.find({ id: contactId });
      if (!contact) throw new Error(`WeChat contact ${contactId} not found`);
      await contact.say(text);
    },
  };
}
