import type { EntityManager } from '@mikro-orm/postgresql';
import { LoginOutcome, OfficerRole } from '../../entities';
import { selectRows } from '../read/load';
import { OFFICER_ROW, type OfficerRow } from '../read/rows';
import { likePrefix, requireRole } from './access';
import type { Actor } from './actor';
import { decodeCursor, encodeCursor, keyset, pageWindow, windowPage, type Page, type PageArgs } from '../pagination';

/** One entry of the login audit log as admins read it. */
export interface LoginAttemptView {
  id: number;
  at: Date;
  phone: string;
  clientAddress: string;
  outcome: LoginOutcome;
  officer: OfficerRow | null;
}

/**
 * Appends an attempt to the audit log, with the officer the phone belongs to (looked up here for
 * every outcome alike, refused ones too); autocommitted, so a refused login stays on record.
 * Refusals by the throttle cost the attacker nothing, so they are recorded at most once a minute
 * per phone and outcome (or per address, for `refusedBy: 'address'`): a flood cannot fill the disk
 * through this log.
 */
export async function recordLoginAttempt(
  em: EntityManager,
  entry: { at: Date; phone: string; clientAddress: string; outcome: LoginOutcome; refusedBy?: 'phone' | 'address' },
): Promise<void> {
  const phone = entry.phone.slice(0, 32);
  const address = entry.clientAddress.slice(0, 64);
  const since = new Date(entry.at.getTime() - 60_000);
  const seen =
    entry.refusedBy === 'phone'
      ? [`and not exists (select 1 from login_attempts where phone = ? and outcome = ? and at > ?)`, [phone, entry.outcome, since]]
      : entry.refusedBy === 'address'
        ? [`and not exists (select 1 from login_attempts where client_address = ? and outcome = 'THROTTLED' and at > ?)`, [address, since]]
        : ['', []];
  await em.getConnection().execute(
    `insert into login_attempts (at, phone, officer_id, client_address, outcome)
     select ?, ?, (select id from officers where phone = ?), ?, ? where true ${seen[0]}`,
    [entry.at, phone, entry.phone, address, entry.outcome, ...(seen[1] as unknown[])],
    'run',
  );
}

const ORDER = 'loginAttempts:id';

/**
 * Login attempts newest first, for admins: those of officers in their jurisdiction; attempts on
 * phones that match nobody only for admins of a top unit (they belong to no jurisdiction).
 */
export async function listLoginAttempts(em: EntityManager, actor: Actor, args: PageArgs): Promise<Page<LoginAttemptView>> {
  const admin = requireRole(actor, OfficerRole.ADMIN);
  const w = pageWindow(args);
  const { cmp, order } = keyset(w, 'desc');
  const top = admin.unitPath.split('/').filter(Boolean).length === 1;
  const where = [`(u.path like ?${top ? ' or a.officer_id is null' : ''})`];
  const params: unknown[] = [likePrefix(admin.unitPath)];
  if (w.cursor) {
    const [id] = decodeCursor(w.cursor, ORDER, ['int'], w.argument);
    where.push(`a.id ${cmp} ?`);
    params.push(id);
  }
  const from = `from login_attempts a left join officers o on o.id = a.officer_id left join units u on u.id = o.unit_id where ${where.join(' and ')}`;
  const rows = await em.execute<{ id: string; at: Date; phone: string; client_address: string; outcome: LoginOutcome; officer_id: number | null }[]>(
    `select a.id, a.at, a.phone, a.client_address, a.outcome, a.officer_id ${from} order by a.id ${order} limit ?`,
    [...params, w.size + 1],
  );
  const page = rows.slice(0, w.size);
  const officerIds = [...new Set(page.map((r) => r.officer_id).filter((id): id is number => id != null))];
  const officers = new Map((officerIds.length ? await selectRows(em, OFFICER_ROW, 'o', 'where o.id = any(?)', [officerIds]) : []).map((o) => [o.id, o]));
  // Every row read becomes a node (the one past the page only tells that more follow; windowPage drops it).
  const nodes = rows.map((r) => ({
    id: Number(r.id),
    at: new Date(r.at),
    phone: r.phone,
    clientAddress: r.client_address,
    outcome: r.outcome,
    officer: r.officer_id == null ? null : (officers.get(r.officer_id) ?? null),
  }));
  const countParams = params.slice(0, 1);
  return {
    ...windowPage(nodes, w, (n) => encodeCursor(ORDER, [n.id])),
    totalCount: async () =>
      Number(
        (
          await em.execute<{ n: string }[]>(
            `select count(*) n from login_attempts a left join officers o on o.id = a.officer_id left join units u on u.id = o.unit_id where ${where[0]}`,
            countParams,
          )
        )[0].n,
      ),
  };
}
