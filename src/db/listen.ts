import pg from 'pg';
import { logger } from '../logger';

export interface Listener {
  close(): Promise<void>;
}

/**
 * LISTENs on a channel over a connection of its own, reconnecting with back-off (the embedded
 * database may restart under us). `onState(true)` once listening, `onState(false)` when the
 * connection is lost: anything learned from notices must be forgotten then.
 */
export function listen(url: string, channel: string, onNotice: (payload: string) => void, onState: (listening: boolean) => void): Listener {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`bad channel name ${channel}`);
  let client: pg.Client | undefined;
  let closed = false;
  let delay = 200;
  let timer: NodeJS.Timeout | undefined;

  const lost = (err?: Error) => {
    if (err && !closed) logger.warn(`listening on ${channel} stopped (${err.message}); reconnecting`);
    onState(false);
    const old = client;
    client = undefined;
    old?.removeAllListeners();
    old?.on('error', () => undefined);
    void old?.end().catch(() => undefined);
    if (!closed && !timer) {
      timer = setTimeout(() => {
        timer = undefined;
        void connect();
      }, delay);
      timer.unref();
      delay = Math.min(delay * 2, 10_000);
    }
  };

  const connect = async () => {
    const c = new pg.Client({ connectionString: url });
    client = c;
    c.on('error', lost);
    c.on('end', () => client === c && lost(new Error('connection ended')));
    c.on('notification', (n) => n.channel === channel && onNotice(n.payload ?? ''));
    try {
      await c.connect();
      await c.query(`listen ${channel}`);
      if (closed || client !== c) return void c.end().catch(() => undefined);
      delay = 200;
      onState(true);
    } catch (err) {
      if (client === c) lost(err as Error);
    }
  };
  void connect();

  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      onState(false);
      const c = client;
      client = undefined;
      c?.removeAllListeners();
      c?.on('error', () => undefined);
      await c?.end().catch(() => undefined);
    },
  };
}
