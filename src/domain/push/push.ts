import type { EntityManager } from '@mikro-orm/postgresql';
import type { CaseStatus, SupervisionLevel } from '../../entities';
import { toPgArray } from '../registry/unit-import';

/** What every push about a case carries, so a text can name it without a lookup. */
export interface CaseRefPayload {
  caseId: number;
  number: string;
  title: string;
}

/**
 * Every push the product sends, by topic, with its payload: the one list that queueing, delivery
 * and rendering agree on (a channel adapter only sends the rendered text).
 */
export type PushMessage =
  /** A resident's case changed status. */
  | { topic: 'case.status'; payload: CaseRefPayload & { status: CaseStatus } }
  /** The reporter is asked for the return visit (回访); `round` 2 is the reminder a working day later. */
  | { topic: 'case.return_visit'; payload: CaseRefPayload & { note?: string; round?: number } }
  /** A case was assigned to the officer. */
  | { topic: 'case.assigned'; payload: CaseRefPayload & { dueAt: string } }
  /** An EMERGENCY case waits for acceptance; re-pushed every round until accepted. */
  | { topic: 'case.emergency'; payload: CaseRefPayload & { unit: string; acceptDueAt: string; round?: number } }
  /** The supervision level of a case was raised, by a supervisor or by the deadline sweep. */
  | { topic: 'case.supervised'; payload: CaseRefPayload & { level: SupervisionLevel; dueAt: string; bySystem?: boolean } }
  /** A case was escalated to the officer's unit. */
  | { topic: 'case.escalated'; payload: CaseRefPayload & { fromUnit: string; toUnit: string; reason: string } }
  /** The reporter did not answer the return visit: a supervisor may close the case (销号). */
  | { topic: 'case.visit_unanswered'; payload: CaseRefPayload & { resolvedAt: string } }
  /** The officer's morning digest: new, due within a day, overdue. */
  | { topic: 'digest.daily'; payload: { date: string; newCases: number; dueSoon: number; overdue: number; numbers: string[] } }
  /** The county's weekly status (周动态) for its supervisors. */
  | {
      topic: 'report.weekly';
      payload: { unit: string; weekStart: string; reported: number; resolved: number; closed: number; overdue: number; supervised: number; listed: number };
    }
  /** A risk warning letter (风险提示函) to a county below target in a month, for its supervisors. */
  | { topic: 'report.warning_letter'; payload: { letterId: number; unit: string; month: string; categories: string[]; rank: number; of: number } };

export type PushTopic = PushMessage['topic'];
export const PUSH_TOPICS: readonly PushTopic[] = [
  'case.status',
  'case.return_visit',
  'case.assigned',
  'case.emergency',
  'case.supervised',
  'case.escalated',
  'case.visit_unanswered',
  'digest.daily',
  'report.weekly',
  'report.warning_letter',
];

export type Recipient = `officer:${number}` | `resident:${number}`;

/** A push to queue in the current transaction. */
export type Push = PushMessage & {
  recipient: Recipient;
  /** Same key, same push: queued once however often its cause is replayed. */
  dedupeKey: string;
  /** Not before this time (a reminder due later); now when absent. */
  availableAt?: Date;
};

/** Queues pushes in the caller's transaction, in one statement; duplicates by dedupe key are dropped. Answers how many were new. */
export async function enqueue(em: EntityManager, pushes: Push[], at: Date): Promise<number> {
  if (!pushes.length) return 0;
  const result = await em.execute<{ affectedRows: number }>(
    `insert into outbox (topic, recipient, payload, dedupe_key, created_at, available_at)
     select t.topic, t.recipient, t.payload::jsonb, t.dedupe_key, ?, t.available_at::timestamptz
     from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) as t(topic, recipient, payload, dedupe_key, available_at)
     on conflict (dedupe_key) do nothing`,
    [
      at,
      toPgArray(pushes.map((p) => p.topic)),
      toPgArray(pushes.map((p) => p.recipient)),
      toPgArray(pushes.map((p) => JSON.stringify(p.payload))),
      toPgArray(pushes.map((p) => p.dedupeKey)),
      toPgArray(pushes.map((p) => (p.availableAt ?? at).toISOString())),
    ],
    'run',
  );
  return result.affectedRows;
}

/** Pushes of one topic to several officers, each with its own dedupe key. */
export function toOfficers(message: PushMessage, officerIds: number[], key: string, availableAt?: Date): Push[] {
  return [...new Set(officerIds)].map((id) => ({ ...message, recipient: `officer:${id}` as const, dedupeKey: `${key}:officer:${id}`, availableAt }) as Push);
}
