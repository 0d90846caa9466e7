import type { MikroORM } from '@mikro-orm/postgresql';
import type { Clock } from '../domain/access/actor';
import { deliverPending, type ChannelAdapter, type PushRenderer } from '../domain/push/delivery';
import { logger } from '../logger';

export interface DeliveryRun {
  sent: number;
  failed: number;
  dead: number;
  dropped: number;
}

/**
 * Delivers the outbox through the chat channels this process holds (WeChat needs the process that
 * is logged in), every few seconds and never two runs at once. A channel that is not ready (logged
 * out) is skipped, so its pushes wait instead of spending their tries. Several processes may
 * dispatch at once: each push is leased to one of them.
 */
export class Dispatcher {
  private timer?: NodeJS.Timeout;
  private running?: Promise<DeliveryRun>;

  constructor(private readonly opts: { orm: MikroORM; channels: ChannelAdapter[]; render: PushRenderer; clock: Clock; intervalMs: number }) {}

  start(): void {
    this.timer = setInterval(() => void this.runOnce(), this.opts.intervalMs);
    this.timer.unref();
  }

  /** One delivery round over every ready channel; a round already under way is joined, not doubled. */
  runOnce(): Promise<DeliveryRun> {
    this.running ??= this.round().finally(() => (this.running = undefined));
    return this.running;
  }

  private async round(): Promise<DeliveryRun> {
    const total: DeliveryRun = { sent: 0, failed: 0, dead: 0, dropped: 0 };
    for (const channel of this.opts.channels) {
      if (channel.ready && !channel.ready()) continue;
      try {
        const r = await deliverPending(this.opts.orm, channel, this.opts.render, this.opts.clock.now());
        for (const k of Object.keys(total) as (keyof DeliveryRun)[]) total[k] += r[k];
      } catch (err) {
        logger.error({ err }, `push delivery on ${channel.channel} failed`);
      }
    }
    return total;
  }

  /** Stops the timer and waits for a round under way. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }
}
