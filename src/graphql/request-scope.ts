import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/** What every log line and masked error of one GraphQL request can refer to. */
export interface RequestScope {
  requestId: string;
}

const scope = new AsyncLocalStorage<RequestScope>();

// A proxy's id is kept only when it is short and plain, so it cannot forge log lines.
const FORWARDED_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** The id of the request being served, if any (error formatting has no other way to reach it). */
export function currentRequestId(): string | undefined {
  return scope.getStore()?.requestId;
}

/** Express middleware: gives the request an id, answers it in x-request-id, and runs the rest inside its scope. */
export function requestScope() {
  return (req: Request, res: Response, next: NextFunction): void => {
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && FORWARDED_ID.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', requestId);
    res.locals.requestId = requestId;
    scope.run({ requestId }, next);
  };
}
