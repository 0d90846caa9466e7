import { Client } from 'pg';

/**
 * Opens a new connection and runs `select 1`, all within timeoutMs. A pooled connection would not
 * do: an idle one survives a server that has begun to shut down and refuses every new session.
 */
export async function probeDatabase(url: string, timeoutMs: number): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, application_name: 'sanling-probe' });
  // A server that goes away mid-probe emits 'error' on the client; the failed promise reports it.
  client.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from the database within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([client.connect().then(() => client.query('select 1')), deadline]);
  } finally {
    clearTimeout(timer);
    void client.end().catch(() => undefined);
  }
}

/**
 * A probe shared by concurrent callers, whose success is reused for cacheMs: health checks under
 * load cost one connection per window, and a failure is never cached.
 */
export function sharedProbe(url: string, opts: { timeoutMs: number; cacheMs: number }): () => Promise<void> {
  let okUntil = 0;
  let inFlight: Promise<void> | undefined;
  return () => {
    if (Date.now() < okUntil) return Promise.resolve();
    inFlight ??= probeDatabase(url, opts.timeoutMs)
      .then(() => {
        okUntil = Date.now() + opts.cacheMs;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
}
