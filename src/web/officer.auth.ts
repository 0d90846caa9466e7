import type { KeyObject } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Request, Response } from 'express';
import type { OfficerActor } from '../domain/access/actor';
import type { ActorCache } from '../domain/access/actor-cache';
import { authenticate } from '../domain/access/auth.service';
import { DomainError, unauthenticated, type ErrorCode } from '../domain/errors';

/*
 * What the plain HTTP routes for officers (photos, ledger exports) share: the bearer token of
 * GraphQL's login in the Authorization header, never in the query string (logs keep query strings),
 * and JSON refusals that are never cached.
 */

/** What a route needs to check a token. */
export interface BearerAuth {
  jwtSecret: KeyObject;
  actors?: ActorCache;
}

/**
 * The HTTP status of each domain error, for every route besides GraphQL (which maps the same codes
 * to extensions.code): the compiler refuses a new code until it has a status here.
 */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  INVALID_TRANSITION: 409,
  VERSION_CONFLICT: 409,
  RATE_LIMITED: 429,
};

/**
 * Answers a domain error with its status (and Retry-After when rate-limited); `messages` may word a
 * code for the route (a missing photo is "Photo not found", whatever was missing). Anything else is
 * not the client's to read: false, and the caller passes it on.
 */
export function refuseError(res: Response, err: unknown, messages: Partial<Record<ErrorCode, string>> = {}): boolean {
  if (!(err instanceof DomainError) || res.headersSent) return false;
  const retryAfter = err.details?.retryAfter;
  if (err.code === 'RATE_LIMITED' && retryAfter !== undefined) res.set('Retry-After', String(retryAfter));
  refuse(res, HTTP_STATUS[err.code], messages[err.code] ?? err.message);
  return true;
}

/** Answers `{ error }` with the status; a 401 says which scheme to use. */
export function refuse(res: Response, status: number, error: string): void {
  if (status === 401) res.set('WWW-Authenticate', 'Bearer');
  res.status(status).set('Cache-Control', 'no-store').json({ error });
}

/**
 * The officer of the request's bearer token, or undefined after answering 401 (no header, a header
 * of another form, or a token that is expired, forged or of a deactivated officer).
 */
export async function bearerOfficer(em: EntityManager, req: Request, res: Response, auth: BearerAuth): Promise<OfficerActor | undefined> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!match) {
    refuse(res, 401, unauthenticated().message);
    return undefined;
  }
  try {
    return await authenticate(em, auth.jwtSecret, match[1], auth.actors);
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    refuse(res, 401, err.message);
    return undefined;
  }
}

/** RFC 5987 encoding of a file name for Content-Disposition (`filename*=UTF-8''…`). */
export function dispositionName(name: string): string {
  return encodeURIComponent(name).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}
