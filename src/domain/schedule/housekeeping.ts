import type { EntityManager } from '@mikro-orm/postgresql';

/*
 * Records that only grow are kept as long as they serve and no longer: pushes that were delivered
 * or dropped for 90 days (enough to answer "was I told?"; dead letters stay until someone acts),
 * and the login audit log for 180 days (China's Cybersecurity Law, art. 21, asks network operators
 * to keep such logs for at least six months).
 */
export const DELIVERED_PUSH_KEEP_DAYS = 90;
export const LOGIN_AUDIT_KEEP_DAYS = 180;
const DAY_MS = 86_400_000;

/** Deletes what is past its keeping time; answers how many rows of each went. */
export async function houseKeeping(em: EntityManager, now: Date): Promise<{ pushes: number; loginAttempts: number }> {
  const pushes = await em.execute<{ affectedRows: number }>(
    `delete from outbox where status in ('DELIVERED', 'DROPPED') and created_at < ?`,
    [new Date(now.getTime() - DELIVERED_PUSH_KEEP_DAYS * DAY_MS)],
    'run',
  );
  const attempts = await em.execute<{ affectedRows: number }>(
    'delete from login_attempts where at < ?',
    [new Date(now.getTime() - LOGIN_AUDIT_KEEP_DAYS * DAY_MS)],
    'run',
  );
  return { pushes: pushes.affectedRows, loginAttempts: attempts.affectedRows };
}
