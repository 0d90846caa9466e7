import type { MikroORM } from '@mikro-orm/postgresql';

export interface WindowResult {
  allowed: boolean;
  /** Seconds until the window ends (for Retry-After). */
  retryAfterSeconds: number;
}

/**
 * Counts one event against a fixed window kept in PostgreSQL (one atomic upsert), so every
 * instance sees the same count; allowed while the count stays within the limit.
 */
export async function hitWindow(orm: MikroORM, key: string, limit: number, windowMs: number, now: Date): Promise<WindowResult> {
  const expired = new Date(now.getTime() - windowMs);
  const [row] = await orm.em.fork().execute<{ window_start: Date; count: number }[]>(
    `insert into chat_rate_windows (key, window_start, count) values (?, ?, 1)
     on conflict (key) do update set
       window_start = case when chat_rate_windows.window_start <= ? then excluded.window_start else chat_rate_windows.window_start end,
       count = case when chat_rate_windows.window_start <= ? then 1 else chat_rate_windows.count + 1 end
     returning window_start, count`,
    [key.slice(0, 300), now, expired, expired],
  );
  const ends = new Date(row.window_start).getTime() + windowMs;
  return { allowed: row.count <= limit, retryAfterSeconds: Math.max(1, Math.ceil((ends - now.getTime()) / 1000)) };
}

/** Forgets windows that ended long ago. */
export async function sweepWindows(orm: MikroORM, now: Date, olderThanMs = 24 * 3600_000): Promise<void> {
  await orm.em.fork().execute('delete from chat_rate_windows where window_start < ?', [new Date(now.getTime() - olderThanMs)]);
}
