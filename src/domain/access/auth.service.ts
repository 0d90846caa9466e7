import { query } from '../../db/sql';
import type { EntityManager } from '@mikro-orm/postgresql';
import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { LoginOutcome, Officer } from '../../entities';
import type { Actor, OfficerActor } from './actor';
import { requireOfficer } from './access';
import type { ActorCache } from './actor-cache';
import { badInput, DomainError, rateLimited, unauthenticated } from '../errors';
import { recordLoginAttempt } from './login-audit';
import { admitAddress, admitPhone, clearPhone, DEFAULT_LOGIN_LIMITS, refundAddress, type LoginLimits } from '../limits/login-throttle';
import { dummyHash, verifyPassword } from './password';
import { DEMO_PASSWORD } from './password-policy';

/**
 * The token secret as a key object, made once: jsonwebtoken would otherwise turn a string secret
 * into a key on every sign and verify (measured ~400 µs a call, ~9 µs with the key object).
 */
export function tokenKey(secret: string): KeyObject {
  return createSecretKey(Buffer.from(secret, 'utf8'));
}

export interface TokenSettings {
  secret: KeyObject;
  ttlHours: number;
  /** Login throttling; the defaults when not given. */
  limits?: LoginLimits;
  /** Production: the demo data set's published password opens no account, whatever the database holds. */
  refuseDemoPassword?: boolean;
  /** This server's memory of who tokens belong to: a logout clears it at once (other servers hear of it from the database). */
  actors?: ActorCache;
}

const ISSUER = 'sanling';
const AUDIENCE = 'sanling-officer';

/**
 * Checks phone and password; returns a signed token and the officer. One message for every wrong
 * credential. Throttled per phone and per client address before the password is even looked at
 * (RATE_LIMITED with retryAfter); every attempt lands on the login audit log.
 */
export async function login(
  em: EntityManager,
  settings: TokenSettings,
  input: { phone: string; password: string },
  request: { now: Date; clientAddress: string },
): Promise<{ token: string; expiresAt: Date; officer: Officer; actor: OfficerActor }> {
  const { now, clientAddress } = request;
  const limits = settings.limits ?? DEFAULT_LOGIN_LIMITS;
  const phone = input.phone.trim();
  if (!phone || !input.password) throw badInput('phone and password are required');
  const audit = (outcome: LoginOutcome, refusedBy?: 'phone' | 'address') => recordLoginAttempt(em, { at: now, phone, clientAddress, outcome, refusedBy });

  const byAddress = await admitAddress(em, clientAddress, now, limits);
  if (!byAddress.ok) {
    await audit(LoginOutcome.THROTTLED, 'address');
    throw rateLimited('Too many failed logins from your network: wait before trying again', byAddress.retryAfterSeconds);
  }
  const byPhone = await admitPhone(em, phone, now, limits);
  if (!byPhone.ok) {
    // Not a failure of this address: nothing was checked.
    await refundAddress(em, clientAddress);
    await audit(byPhone.locked ? LoginOutcome.LOCKED : LoginOutcome.THROTTLED, 'phone');
    if (byPhone.locked) {
      throw new DomainError('RATE_LIMITED', 'Too many wrong passwords: this login is locked until an administrator unlocks it', {
        retryAfter: Math.ceil(byPhone.retryAfterSeconds),
        locked: true,
      });
    }
    throw rateLimited('Too many wrong passwords for this phone: wait before trying again', byPhone.retryAfterSeconds);
  }

  const officer = await em.findOne(Officer, { phone }, { populate: ['passwordHash', 'unit'] });
  // Compare against a dummy hash for unknown phones so timing does not reveal who is registered.
  const ok =
    (await verifyPassword(input.password, officer?.passwordHash ?? (await dummyHash()))) && !(settings.refuseDemoPassword && input.password === DEMO_PASSWORD);
  if (!officer || !ok || !officer.active) {
    await audit(!officer ? LoginOutcome.UNKNOWN_PHONE : !ok ? LoginOutcome.WRONG_PASSWORD : LoginOutcome.INACTIVE);
    throw unauthenticated('Wrong phone or password');
  }
  await clearPhone(em, phone, now, limits);
  await refundAddress(em, clientAddress);
  await audit(LoginOutcome.SUCCESS);
  const expiresAt = new Date(now.getTime() + settings.ttlHours * 3600_000);
  // `lms`: the millisecond of issue (wall-clock, like iat and exp), so a logout refuses exactly the tokens before it.
  const token = jwt.sign({ role: officer.role, lms: Date.now() }, settings.secret, {
    subject: String(officer.id),
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithm: 'HS256',
    expiresIn: Math.round(settings.ttlHours * 3600),
  });
  const unit = officer.unit.getEntity();
  const actor: OfficerActor = { type: 'officer', id: officer.id, name: officer.name, role: officer.role, unitId: unit.id, unitPath: unit.path };
  return { token, expiresAt, officer, actor };
}

/**
 * Resolves a bearer token to the acting officer, re-read from the database unless `cache` holds them
 * (it forgets an officer the moment the database reports a change, so deactivation is immediate).
 */
export async function authenticate(em: EntityManager, secret: KeyObject, token: string, cache?: ActorCache): Promise<OfficerActor> {
  let officerId: number;
  let issuedAt: number;
  try {
    const payload = jwt.verify(token, secret, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
    officerId = Number(typeof payload === 'object' ? payload.sub : NaN);
    issuedAt = typeof payload === 'object' ? (typeof payload.lms === 'number' ? payload.lms : (payload.iat ?? 0) * 1000) : 0;
  } catch (err) {
    const expired = err instanceof jwt.TokenExpiredError;
    throw unauthenticated(expired ? 'Your session has expired: log in again' : 'Invalid token: log in again');
  }
  if (!Number.isSafeInteger(officerId)) throw unauthenticated('Invalid token: log in again');
  const cached = cache?.get(officerId);
  if (cached) return stillValid(cached, issuedAt);
  const mark = cache?.mark() ?? 0;
  const rows = await query<{ id: number; name: string; role: OfficerActor['role']; unit_id: number; path: string; valid_after: Date | null }>(
    em,
    'select o.id, o.name, o.role, o.unit_id, u.path, o.tokens_valid_after as valid_after from officers o join units u on u.id = o.unit_id where o.id = ? and o.active',
    [officerId],
  );
  const row = rows[0];
  if (!row) throw unauthenticated('This account is no longer active');
  const actor: OfficerActor = {
    type: 'officer',
    id: row.id,
    name: row.name,
    role: row.role,
    unitId: row.unit_id,
    unitPath: row.path,
    ...(row.valid_after ? { tokensValidAfter: new Date(row.valid_after).getTime() } : {}),
  };
  cache?.set(actor, mark);
  return stillValid(actor, issuedAt);
}

function stillValid(actor: OfficerActor, issuedAt: number): OfficerActor {
  if (actor.tokensValidAfter !== undefined && issuedAt <= actor.tokensValidAfter) throw unauthenticated('You have logged out: log in again');
  return actor;
}

/**
 * Logs the officer out everywhere: every token issued to them until now is refused from now on (a
 * phone left behind, a shared device). Servers that keep who a token belongs to hear of it at once.
 */
export async function logout(em: EntityManager, actor: Actor, settings: Pick<TokenSettings, 'actors'>): Promise<void> {
  const officer = requireOfficer(actor);
  await em.execute('update officers set tokens_valid_after = ? where id = ?', [new Date(), officer.id]);
  settings.actors?.invalidate(officer.id);
}
