import type { EntityManager } from '@mikro-orm/postgresql';
import { addressKey } from './address';

/** How hard logins are throttled; from the LOGIN_* settings. */
export interface LoginLimits {
  /** Wrong passwords in a row for one phone before each further attempt must wait. */
  freeFailures: number;
  /** The first wait; it doubles with every further failure… */
  backoffBaseSeconds: number;
  /** …up to this. */
  backoffMaxSeconds: number;
  /** Consecutive failures that lock the phone until an admin unlocks it; 0 never locks. */
  lockAfterFailures: number;
  /** Failures from one client address (any phones) allowed per window: stops spraying many phones. */
  addressMaxFailures: number;
  addressWindowSeconds: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = Object.freeze({
  freeFailures: 5,
  backoffBaseSeconds: 1,
  backoffMaxSeconds: 900,
  lockAfterFailures: 10,
  addressMaxFailures: 30,
  addressWindowSeconds: 900,
});

/** A phone's failures are forgotten after a day without any (unless it is locked). */
const FAILURE_MEMORY_SECONDS = 86_400;
const NEVER = 2_147_483_647;

export type Admission = { ok: true } | { ok: false; locked: boolean; retryAfterSeconds: number };

export const phoneKey = (phone: string) => `phone:${phone.slice(0, 64)}`;

/** Seconds a phone with `failures` consecutive failures must wait after the last one. */
export function backoffSeconds(failures: number, limits: LoginLimits): number {
  if (failures < limits.freeFailures) return 0;
  return Math.min(limits.backoffMaxSeconds, limits.backoffBaseSeconds * 2 ** Math.min(failures - limits.freeFailures, 40));
}

type Row = { failures: number; window_start: Date; last_failure_at: Date };

// Each attempt is counted as a failure before its password is checked, in one atomic statement: parallel
// attempts cannot slip past the limit, and a success takes its count back. Autocommitted on purpose.
const exec = <T = unknown[]>(em: EntityManager, sql: string, params: unknown[]) => em.getConnection().execute(sql, params as never[], 'all') as Promise<T>;

async function current(em: EntityManager, key: string): Promise<Row | undefined> {
  return (await exec<Row[]>(em, 'select failures, window_start, last_failure_at from login_throttles where key = ?', [key]))[0];
}

/**
 * Counts a failed attempt against a key in one atomic statement, starting afresh when `reset` holds,
 * but only while `admit` holds: answers whether the attempt was let through.
 */
async function countAttempt(
  em: EntityManager,
  key: string,
  now: Date,
  reset: { sql: string; params: unknown[] },
  admit: { sql: string; params: unknown[] },
): Promise<boolean> {
  const rows = await exec<unknown[]>(
    em,
    `insert into login_throttles as t (key, failures, window_start, last_failure_at) values (?, 1, ?, ?)
     on conflict (key) do update set
       failures = case when ${reset.sql} then 1 else t.failures + 1 end,
       window_start = case when ${reset.sql} then excluded.window_start else t.window_start end,
       last_failure_at = excluded.last_failure_at
     where ${admit.sql}
     returning failures`,
    [key, now, now, ...reset.params, ...reset.params, ...admit.params],
  );
  return rows.length > 0;
}

/** Counts an attempt for a phone, or refuses it while the phone must wait or is locked. */
export async function admitPhone(em: EntityManager, phone: string, now: Date, limits: LoginLimits): Promise<Admission> {
  const key = phoneKey(phone);
  const lock = limits.lockAfterFailures || NEVER;
  const stale = `t.last_failure_at <= excluded.last_failure_at - make_interval(secs => ${FAILURE_MEMORY_SECONDS})`;
  const admitted = await countAttempt(
    em,
    key,
    now,
    { sql: stale, params: [] },
    {
      sql: `t.failures < ?::int and (${stale} or t.failures < ?::int
       or t.last_failure_at + make_interval(secs => least(?::float8, ?::float8 * power(2, least(t.failures - ?::int, 40)))) <= excluded.last_failure_at)`,
      params: [lock, limits.freeFailures, limits.backoffMaxSeconds, limits.backoffBaseSeconds, limits.freeFailures],
    },
  );
  if (admitted) return { ok: true };
  const row = await current(em, key);
  if (!row) return { ok: true };
  const locked = row.failures >= lock;
  const waitMs = new Date(row.last_failure_at).getTime() + backoffSeconds(row.failures, limits) * 1000 - now.getTime();
  return { ok: false, locked, retryAfterSeconds: locked ? limits.backoffMaxSeconds : Math.max(1, waitMs / 1000) };
}

/** Counts an attempt for a client address in its fixed window, or refuses it when the window is used up. */
export async function admitAddress(em: EntityManager, address: string, now: Date, limits: LoginLimits): Promise<Admission> {
  const key = addressKey(address);
  const expired = { sql: 't.window_start <= excluded.window_start - make_interval(secs => ?::float8)', params: [limits.addressWindowSeconds] };
  const admitted = await countAttempt(em, key, now, expired, {
    sql: `${expired.sql} or t.failures < ?::int`,
    params: [...expired.params, limits.addressMaxFailures],
  });
  if (admitted) return { ok: true };
  const row = await current(em, key);
  const ends = row ? new Date(row.window_start).getTime() + limits.addressWindowSeconds * 1000 : now.getTime();
  return { ok: false, locked: false, retryAfterSeconds: Math.max(1, (ends - now.getTime()) / 1000) };
}

/** Takes back an address's count for an attempt that turned out not to be a failure. */
export async function refundAddress(em: EntityManager, address: string): Promise<void> {
  await exec(em, 'update login_throttles set failures = greatest(failures - 1, 0) where key = ?', [addressKey(address)]);
}

/** After a success: the phone starts afresh, and counters nobody needs any more are dropped. */
export async function clearPhone(em: EntityManager, phone: string, now: Date, limits: LoginLimits): Promise<void> {
  await exec(em, 'delete from login_throttles where key = ?', [phoneKey(phone)]);
  const cutoff = new Date(now.getTime() - Math.max(FAILURE_MEMORY_SECONDS, limits.addressWindowSeconds) * 1000);
  await exec(em, `delete from login_throttles where last_failure_at < ? and (key not like 'phone:%' or failures < ?)`, [
    cutoff,
    limits.lockAfterFailures || NEVER,
  ]);
}

/** Lifts a lock or back-off on a phone; true when there was one to lift. */
export async function unlockPhone(em: EntityManager, phone: string): Promise<boolean> {
  const rows = await exec<unknown[]>(em, 'delete from login_throttles where key = ? returning failures', [phoneKey(phone)]);
  return rows.length > 0;
}
