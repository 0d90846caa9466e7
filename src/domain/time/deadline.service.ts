import type { EntityManager } from '@mikro-orm/postgresql';
import { CalendarDay, SlaPolicyRow, type CaseKind, type CasePriority } from '../../entities';
import { WorkCalendar, type CalendarEntry } from './calendar';
import { badInput } from '../errors';
import { requireDeploymentAdmin } from '../access/access';
import type { Actor } from '../access/actor';
import { query } from '../../db/sql';
import { defaultPolicy, type Limit, type SlaPolicy } from './sla';

/** The working-day calendar as stored (holidays and make-up workdays are data). */
export async function loadCalendar(em: EntityManager): Promise<WorkCalendar> {
  const days = await em.find(CalendarDay, {});
  return new WorkCalendar(days.map((d) => ({ date: d.date, type: d.type })));
}

function policyOf(row: SlaPolicyRow): SlaPolicy {
  return {
    accept: { amount: row.acceptAmount, unit: row.acceptUnit },
    resolve: { amount: row.resolveAmount, unit: row.resolveUnit },
    extended: row.extendedAmount && row.extendedUnit ? { amount: row.extendedAmount, unit: row.extendedUnit } : undefined,
  };
}

/** The policy for a kind × priority: an admin's override, else the product default. */
export async function policyFor(em: EntityManager, kind: CaseKind, priority: CasePriority): Promise<SlaPolicy> {
  const row = await em.findOne(SlaPolicyRow, { kind, priority });
  return row ? policyOf(row) : defaultPolicy(kind, priority);
}

/** Every policy at once (one statement), for work that needs many. */
export async function loadPolicies(em: EntityManager): Promise<(kind: CaseKind, priority: CasePriority) => SlaPolicy> {
  const rows = new Map((await em.find(SlaPolicyRow, {})).map((r) => [`${r.kind}|${r.priority}`, policyOf(r)]));
  return (kind, priority) => rows.get(`${kind}|${priority}`) ?? defaultPolicy(kind, priority);
}

function checkLimit(name: string, limit: Limit | undefined): void {
  if (!limit) return;
  if (!Number.isInteger(limit.amount) || limit.amount <= 0 || limit.amount > 100_000) {
    throw badInput(`${name} must be a positive whole number`);
  }
}

/** Sets (or replaces) the policy of a kind × priority. Admin only; callers check the role. */
export async function saveSlaPolicy(em: EntityManager, actor: Actor, kind: CaseKind, priority: CasePriority, policy: SlaPolicy): Promise<SlaPolicy> {
  requireDeploymentAdmin(actor, await query<{ path: string }>(em, 'select path from units where parent_id is null'));
  checkLimit('accept', policy.accept);
  checkLimit('resolve', policy.resolve);
  checkLimit('extended', policy.extended);
  const row =
    (await em.findOne(SlaPolicyRow, { kind, priority })) ??
    em.create(SlaPolicyRow, {
      kind,
      priority,
      acceptAmount: 0,
      acceptUnit: 'HOURS',
      resolveAmount: 0,
      resolveUnit: 'HOURS',
    });
  em.assign(row, {
    acceptAmount: policy.accept.amount,
    acceptUnit: policy.accept.unit,
    resolveAmount: policy.resolve.amount,
    resolveUnit: policy.resolve.unit,
    extendedAmount: policy.extended?.amount ?? null,
    extendedUnit: policy.extended?.unit ?? null,
  });
  await em.flush();
  return policy;
}

/** Imports a year's holidays and make-up workdays; replaces the entries of the dates given. */
export async function importCalendar(em: EntityManager, entries: CalendarEntry[]): Promise<number> {
  if (!entries.length) throw badInput('the calendar file has no days');
  await em.transactional(async (tx) => {
    for (const e of entries) await tx.upsert(CalendarDay, { date: e.date, type: e.type, name: e.name ?? '' });
  });
  return entries.length;
}
