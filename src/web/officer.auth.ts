import type { KeyObject } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Request, Response } from 'express';
import type { OfficerActor } from '../domain/access/actor';
import type { ActorCache } from '../domain/access/actor-cache';
import { authenticate } from '../domain/access/auth.service';
import { DomainError, unauthenticated } from '../domain/errors';

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
