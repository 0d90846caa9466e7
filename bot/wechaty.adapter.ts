import type { MikroORM } from '@mikro-orm/postgresql';
import qrTerminal from 'qrcode-terminal';
import { ScanStatus, WechatyBuilder, type Message, type Wechaty } from 'wechaty';
import type { WechatyInterface } from 'wechaty/impls';
import { Channel } from '../src/entities';
import type { Clock } from '../src/domain/access/actor';
import { logger } from '../src/logger';
import type { ConversationEngine } from './engine';
import type { ChannelAdapter, ChannelStatus } from '../src/domain/push/delivery';

export interface WechatyAdapterOptions {
  engine: ConversationEngine;
  orm: MikroORM;
  clock: Clock;
  name: string;
  /** A puppet package name (WECHATY_PUPPET) or a puppet instance (the mock, in tests). */
  puppet: string | object;
  puppetOptions?: Record<string, unknown>;
  /** Wait after the first failed attempt to reach WeChat; doubled after each further failure. Default 1 s. */
  retryInitialMs?: number;
  /** The longest wait between two attempts. Default 5 min. */
  retryMaxMs?: number;
  /** An attempt that neither fails nor reaches WeChat (no QR code, no login) within this counts as failed. Default 60 s. */
  attemptTimeoutMs?: number;
}

/** The WeChat channel as /healthz and /readyz report it. */
export interface WechatChannelStatus extends ChannelStatus {
  channel: 'wechat';
}

const DEFAULT_RETRY_INITIAL_MS = 1000;
const DEFAULT_RETRY_MAX_MS = 5 * 60_000;
const DEFAULT_ATTEMPT_TIMEOUT_MS = 60_000;
/** Longest wait for the puppet's own start or stop to settle when stopping or retrying. */
const SETTLE_MS = 10_000;

/** Resolves when the promise settles or after ms, whichever comes first. */
const within = (p: Promise<unknown> | undefined, ms: number) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    t.unref();
    void Promise.resolve(p)
      .catch(() => undefined)
      .then(() => {
        clearTimeout(t);
        resolve();
      });
  });
/** After a logout, how long the puppet has to ask for a new scan by itself before the adapter restarts it. */
const LOGOUT_GRACE_MS = 10_000;

/**
 * WeChat through wechaty: messages from residents go to the conversation engine, replies go back
 * to the same chat; `channel` sends the pushes the dispatcher hands it.
 *
 * Reconnecting is the adapter's, not the puppet's: an attempt that fails (an 'error' while not
 * logged in, or a start that throws) stops the bot, and the adapter starts it again after 1 s, 2 s,
 * 4 s, … up to 5 min, until a login resets the schedule. Left to itself, wechaty-puppet-wechat4u
 * restarts its client the moment a login fails, so with WeChat unreachable it loops without pause.
 * One log line per change of state; `status()` tells the health endpoints.
 */
export class WechatyAdapter {
  readonly bot: Wechaty;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private readonly attemptTimeoutMs: number;
  /** Fails an attempt that hangs (a proxy that never answers leaves it pending forever). */
  private watchdog?: NodeJS.Timeout;
  /** The current attempt reached WeChat (a QR code or a login). */
  private attemptAnswered = false;
  private running = false;
  private state: WechatChannelStatus['state'] = 'starting';
  private since: Date;
  /** Failed attempts since the last login. */
  private attempts = 0;
  private reason?: string = 'not started';
  private nextAttemptAt?: Date;
  /** The pending retry (or the wait after a logout): at most one at a time. */
  private timer?: NodeJS.Timeout;
  /** The bot.start() of the current attempt, settled or not. */
  private attempt?: Promise<void>;
  /** The current attempt has been counted as failed: its further errors are echoes. */
  private attemptFailed = false;
  /** Resolves start() when the first attempt fails before bot.start() settles. */
  private firstFailure?: () => void;
  /** bot.stop() after a failed attempt, which the next attempt waits for. */
  private halting: Promise<void> = Promise.resolve();

  /** The process's uncaughtException handlers before any puppet was loaded. */
  private readonly crashHandlers = process.listeners('uncaughtException');

  constructor(private readonly opts: WechatyAdapterOptions) {
    this.retryInitialMs = opts.retryInitialMs ?? DEFAULT_RETRY_INITIAL_MS;
    this.retryMaxMs = opts.retryMaxMs ?? DEFAULT_RETRY_MAX_MS;
    this.attemptTimeoutMs = opts.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
    this.since = opts.clock.now();
    this.bot = WechatyBuilder.build({ name: opts.name, puppet: opts.puppet as never, puppetOptions: opts.puppetOptions as never });
    const bot = this.bot;
    bot.on('scan', (qrcode, status) => {
      if (!this.running) return;
      this.onReachable();
      if (status !== ScanStatus.Waiting && status !== ScanStatus.Timeout) return;
      qrTerminal.generate(qrcode, { small: true });
      logger.info(`WeChat: scan the QR code above to log in, or open https://wechaty.js.org/qrcode/${encodeURIComponent(qrcode)}`);
    });
    bot.on('login', (user) => this.onLogin(user.name()));
    bot.on('logout', (user, reason) => this.onLogout(`${user.name()} logged out (${reason || 'no reason given'})`));
    bot.on('error', (err) => this.onError(err));
    bot.on('message', (msg) => void this.onMessage(msg));
  }

  /**
   * Starts the first attempt and returns once it is under way (bot.start() settled) or has failed;
   * it never throws: with WeChat unreachable the attempts go on in the background, backing off.
   */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.attempts = 0;
    this.state = 'starting';
    this.since = this.opts.clock.now();
    this.reason = 'connecting';
    await this.runAttempt();
  }

  /** Cancels a pending retry and stops the bot; no timer is left behind. */
  async stop(): Promise<void> {
    this.running = false;
    this.cancelTimer();
    clearTimeout(this.watchdog);
    this.firstFailure?.();
    await within(this.attempt, SETTLE_MS);
    await within(this.halting, SETTLE_MS);
    await within(this.haltBot(), SETTLE_MS);
    this.enter('down', 'stopped');
  }

  /** The channel's state for /healthz and /readyz. */
  status(): WechatChannelStatus {
    return {
      channel: 'wechat',
      state: this.state,
      since: this.since.toISOString(),
      attempts: this.attempts,
      ...(this.reason ? { reason: this.reason } : {}),
      ...(this.nextAttemptAt ? { nextAttemptAt: this.nextAttemptAt.toISOString() } : {}),
    };
  }

  /** One attempt: bot.start(), settled when it settles or the attempt fails, whichever comes first. */
  private async runAttempt(): Promise<void> {
    this.attemptFailed = false;
    this.attemptAnswered = false;
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => {
      if (this.running && !this.attemptFailed && !this.attemptAnswered) this.fail(`no answer from WeChat within ${seconds(this.attemptTimeoutMs)}`);
    }, this.attemptTimeoutMs);
    this.watchdog.unref();
    const failed = new Promise<void>((resolve) => (this.firstFailure = resolve));
    // wechaty reports a puppet that cannot connect as an 'error' and resolves; a start that throws is a failure too.
    const attempt = this.bot.start().catch((err: unknown) => this.fail(describe(err)));
    this.attempt = attempt;
    await Promise.race([attempt, failed]);
    this.firstFailure = undefined;
    this.dropForeignCrashHandlers();
  }

  /** The current attempt failed: take the bot down and schedule the next attempt on the back-off schedule. */
  private fail(reason: string): void {
    if (!this.running || this.attemptFailed) {
      logger.debug({ channel: 'wechat', reason }, `WeChat: ${reason}`);
      return;
    }
    this.attemptFailed = true;
    clearTimeout(this.watchdog);
    this.firstFailure?.();
    // Before anything else, in the same tick as the puppet's error: wechat4u is about to announce a
    // logout, on which the puppet would start it again at once.
    releaseWechat4u(this.bot);
    this.attempts++;
    const delay = Math.min(this.retryMaxMs, this.retryInitialMs * 2 ** Math.min(this.attempts - 1, 30));
    this.cancelTimer();
    this.nextAttemptAt = new Date(this.opts.clock.now().getTime() + delay);
    const was = this.state;
    const changed = reason !== this.reason;
    this.enter('down', reason);
    const fields = { channel: 'wechat', attempts: this.attempts, reason, nextAttemptAt: this.nextAttemptAt.toISOString() };
    if (was !== 'down') {
      logger.warn(
        fields,
        `WeChat: down (${reason}) after ${attemptsText(this.attempts)}; retrying in ${seconds(delay)}, backing off up to ${seconds(this.retryMaxMs)}`,
      );
    } else if (changed) logger.warn(fields, `WeChat: still down after ${attemptsText(this.attempts)}, now: ${reason}`);
    // Stop the bot once its start call has settled (stopping a starting puppet only makes it wait).
    const attempt = this.attempt;
    this.halting = (async () => {
      await within(attempt, SETTLE_MS);
      await within(this.haltBot(), SETTLE_MS);
    })();
    this.timer = setTimeout(() => void this.retry(), delay);
    this.timer.unref();
  }

  private async retry(): Promise<void> {
    this.timer = undefined;
    this.nextAttemptAt = undefined;
    await this.halting;
    // After a logout the bot is still running: start from a stopped bot.
    if (this.running) await this.haltBot();
    if (this.running) await this.runAttempt();
  }

  /**
   * wechat4u, once loaded, handles every uncaught exception of the process by printing it: the
   * server would go on in an unknown state instead of exiting for its service manager to restart
   * it. Handlers added since the adapter was made are removed, so Node's own behaviour holds.
   */
  private dropForeignCrashHandlers(): void {
    for (const l of process.listeners('uncaughtException')) if (!this.crashHandlers.includes(l)) process.removeListener('uncaughtException', l);
  }

  private async haltBot(): Promise<void> {
    releaseWechat4u(this.bot);
    try {
      if (this.bot.state.inactive() === 'pending') await this.bot.state.stable('inactive');
      if (this.bot.state.active() !== true) return;
      await this.bot.stop();
    } catch (err) {
      logger.debug({ channel: 'wechat', reason: describe(err) }, 'WeChat: stopping the bot failed');
    }
  }

  private onError(err: unknown): void {
    const reason = describe(err);
    // Logged in: the puppet retries by itself and paces it (a lost session ends in a logout). One line, no stack.
    if (this.running && this.state === 'up') logger.warn({ channel: 'wechat', reason }, `WeChat: ${reason}`);
    else this.fail(reason);
  }

  /** A QR code to scan: WeChat answers, a login is up to a person now. */
  private onReachable(): void {
    this.attemptAnswered = true;
    clearTimeout(this.watchdog);
    if (this.state === 'up') return;
    this.cancelTimer(); // after a logout: the puppet asks for the new scan by itself
    if (this.state === 'down') {
      const after = this.attempts ? ` after ${attemptsText(this.attempts)}` : '';
      logger.info({ channel: 'wechat', attempts: this.attempts }, `WeChat: reachable${after}; waiting for a QR code scan`);
    }
    this.enter('starting', 'waiting for a QR code scan');
  }

  private onLogin(name: string): void {
    this.attemptAnswered = true;
    clearTimeout(this.watchdog);
    const failed = this.attempts;
    this.cancelTimer();
    this.attempts = 0;
    this.attemptFailed = false;
    this.enter('up', undefined);
    logger.info({ channel: 'wechat', attempts: failed }, `WeChat: up, logged in as ${name}${failed ? ` after ${attemptsText(failed)}` : ''}`);
  }

  private onLogout(reason: string): void {
    if (!this.running || this.state !== 'up') return;
    this.enter('down', reason);
    logger.warn({ channel: 'wechat', attempts: this.attempts, reason }, `WeChat: down (${reason}); waiting for a new QR code`);
    // Most puppets ask for a new scan by themselves (onReachable cancels this); restart one that does not.
    this.cancelTimer();
    this.nextAttemptAt = new Date(this.opts.clock.now().getTime() + LOGOUT_GRACE_MS);
    this.timer = setTimeout(() => void this.retry(), LOGOUT_GRACE_MS);
    this.timer.unref();
  }

  private enter(state: WechatChannelStatus['state'], reason: string | undefined): void {
    if (state !== this.state) this.since = this.opts.clock.now();
    this.state = state;
    this.reason = reason;
    if (state !== 'down') this.nextAttemptAt = undefined;
  }

  private cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.nextAttemptAt = undefined;
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
      logger.warn({ err }, 'WeChat: could not read a message');
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
        logger.warn({ err }, `WeChat: reply to ${talker.id} failed`);
      }
    }
  }

  /** The channel as the outbox sees it: all it does is send a text to a contact (src/jobs/dispatcher.ts delivers). */
  readonly channel: ChannelAdapter = {
    channel: Channel.WECHAT,
    // isLoggedIn before the puppet exists would emit an 'error' of its own.
    ready: () => this.state === 'up' && this.bot.isLoggedIn,
    send: async (contactId, text) => {
      const contact = await this.bot.Contact.find({ id: contactId });
      if (!contact) throw new Error(`WeChat contact ${contactId} not found`);
      await contact.say(text);
    },
  };
}

/** The first line of an error's message: what an operator needs, without the stack. */
function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return (message.split('\n')[0].trim() || 'unknown error').slice(0, 200);
}

function attemptsText(n: number): string {
  return n === 1 ? '1 failed attempt' : `${n} failed attempts`;
}

function seconds(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 100) / 10} s`;
}

/**
 * wechaty-puppet-wechat4u starts its wechat4u client again from the client's 'logout' event, and the
 * client announces a logout right after every failed login: offline, that is a loop with no pause
 * (and once the bot is stopped, a TypeError on the client it has dropped). The adapter gives up on a
 * client after a failure or before a stop, so it cuts the client loose: no listener of the puppet's
 * stays on it. A harmless 'error' listener stays (an EventEmitter without one throws). Other puppets
 * have no `wechat4u`: nothing to do.
 */
function releaseWechat4u(bot: Wechaty): void {
  let puppet: unknown;
  try {
    puppet = bot.puppet;
  } catch {
    return; // not started yet
  }
  const client = (puppet as { wechat4u?: { removeAllListeners?: () => void; on?: (event: string, fn: () => void) => void } }).wechat4u;
  if (typeof client?.removeAllListeners !== 'function' || typeof client.on !== 'function') return;
  client.removeAllListeners();
  client.on('error', () => undefined);
}
