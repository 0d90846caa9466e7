import type { RequestHandler } from 'express';
import { addressKey } from '../domain/limits/address';
import type { UploadBudget } from '../domain/limits/upload-budget';

/*
 * The guard of the routes that take photos (the residents' web chat, the officers' workbench): a
 * photo body is admitted to a shared budget before it is read, and must keep arriving.
 */

/** Bodies above this carry a photo: they are admitted by photoBodyLimits. */
export const LARGE_BODY = 64 * 1024;

/** How long a photo body may come slower than the minimum rate before it is cut off, and how often that is checked. */
const RATE_WINDOW_MS = 5000;
const RATE_CHECK_MS = 1000;

/**
 * Admits large bodies (photos) before a byte of them is read (see UploadBudget), and keeps them
 * moving. A declared body larger than any photo is answered 413 at once, unread; past the budget,
 * 503 with Retry-After; a body that arrives slower than `minBytesPerSecond` over five seconds (after
 * the first five) is cut off with 408, so slow senders cannot hold the budget. Small messages pass
 * straight through.
 */
export function photoBodyLimits(opts: {
  budget: UploadBudget;
  maxBodyBytes: number;
  minBytesPerSecond: number;
  /** Extra fields of a refusal's JSON body (the chat adds the replies its page shows). */
  busyReply?: Record<string, unknown>;
  tooLargeReply?: Record<string, unknown>;
}): RequestHandler {
  return (req, res, next) => {
    const declared = Number(req.headers['content-length']);
    // A chunked body of unknown length is counted at the most it may be.
    const length = Number.isFinite(declared) ? declared : opts.maxBodyBytes;
    if (length <= LARGE_BODY) return next();
    if (length > opts.maxBodyBytes) {
      // Not read at all: the connection closes after the answer.
      res
        .set('Connection', 'close')
        .status(413)
        .json({ error: `The body is larger than the largest photo (${opts.maxBodyBytes} bytes)`, ...opts.tooLargeReply });
      return;
    }
    const release = opts.budget.admit(addressKey(req.ip ?? req.socket.remoteAddress ?? 'unknown'), length);
    if (!release) {
      res.set('Retry-After', '5');
      res.status(503).json({ error: 'Too many photos are arriving at once; try again in a few seconds', retryAfterSeconds: 5, ...opts.busyReply });
      return;
    }
    const socket = req.socket;
    const started = Date.now();
    const windowChecks = RATE_WINDOW_MS / RATE_CHECK_MS;
    const seen: number[] = [socket.bytesRead];
    const stop = () => {
      clearInterval(watch);
      release();
    };
    const watch = setInterval(() => {
      if (req.complete) return stop();
      seen.push(socket.bytesRead);
      if (seen.length > windowChecks + 1) seen.shift();
      if (Date.now() - started < RATE_WINDOW_MS || seen.length <= windowChecks) return;
      const arrived = seen[seen.length - 1] - seen[0];
      if (arrived >= (opts.minBytesPerSecond * RATE_WINDOW_MS) / 1000) return;
      stop();
      if (!res.headersSent)
        res
          .set('Connection', 'close')
          .status(408)
          .json({ error: 'The photo arrived too slowly and was cut off; send it again on a better connection', ...opts.busyReply });
      // The rest of the body is not waited for.
      setImmediate(() => socket.destroy());
    }, RATE_CHECK_MS);
    watch.unref();
    res.once('close', stop);
    next();
  };
}
