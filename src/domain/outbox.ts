import type { EntityManager } from '@mikro-orm/postgresql';
import { toPgArray } from './unit-import';

/** A push to queue in the current transaction. */
export interface Push {
  topic: string;
  recipient: `officer:${number}` | `resident:${number}`;
  payload: Record<string, unknown>;
  /** Same key, same push: queued once however often its cause is replayed. */
  dedupeKey: string;
}

/** Queues pushes in the caller's transaction, in one statement; duplicates by dedupe key are dropped. */
export async function enqueue(em: EntityManager, pushes: Push[], at: Date): Promise<void> {
  if (!pushes.length) return;
  await em.execute(
    `insert into outbox (topic, recipient, payload, dedupe_key, created_at, available_at)
     select t.topic, t.recipient, t.payload::jsonb, t.dedupe_key, ?, ?
     from unnest(?::text[], ?::text[], ?::text[], ?::text[]) as t(topic, recipient, payload, dedupe_key)
     on conflict (dedupe_key) do nothing`,
    [
      at,
      at,
      toPgArray(pushes.map((p) => p.topic)),
      toPgArray(pushes.map((p) => p.recipient)),
      toPgArray(pushes.map((p) => JSON.stringify(p.payload))),
      toPgArray(pushes.map((p) => p.dedupeKey)),
    ],
  );
}
