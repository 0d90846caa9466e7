import type { RequestHandler, Response } from 'express';
import { ServerBusy, type FairShare } from '../domain/limits/fair-share';

/** What a refused request gets, in the shape its clients read: GraphQL errors, chat replies, or `{ error }`. */
function busy(res: Response, path: string, err: ServerBusy, chatReply: string): void {
  const retryAfter = err.retryAfterSeconds;
  res.status(503).set({ 'Retry-After': String(retryAfter), 'Cache-Control': 'no-store' });
  if (path.startsWith('/graphql')) {
    res.json({ errors: [{ message: err.message, extensions: { code: 'RATE_LIMITED', retryAfter, scope: 'server' } }] });
  } else if (path.startsWith('/chat/')) {
    res.json({ error: err.message, retryAfterSeconds: retryAfter, replies: [chatReply] });
  } else res.json({ error: err.message, retryAfterSeconds: retryAfter });
}

/**
 * Admits each request that needs the database to the server's share (FairShare.admitRequest): past
 * the in-flight cap and its short queue, 503 with Retry-After before any work, so the pool is never
 * asked for more than it can give. The place is held until the response is done or abandoned.
 */
export function admitToServer(share: FairShare, chatReply: string): RequestHandler {
  return (req, res, next) => {
    share.admitRequest().then(
      (release) => {
        res.once('close', release);
        next();
      },
      (err: unknown) => {
        if (err instanceof ServerBusy) busy(res, req.path, err, chatReply);
        else next(err);
      },
    );
  };
}
