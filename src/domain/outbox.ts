import type { EntityManager } from '@mikro-orm/postgresql';

/** A push to queue in the current transaction. */
export interface Push {
  topic: string;
  recipient: `officer:${number}` | `resident:${number}`;
  payload: Record<string, unknown>;
  /** Same key, same push: queued once however often its cause is replayed. */
  dedupeKey: string;
}

/** Queues pushes in the caller's transaction; duplicates by dedupe key are dropped. */
export async function enqueue(em: EntityManager, pushes: Push[], at: Date): Promise<void> {
  for (const p of pushes) {
    await em.execute(
      `insert into outbox (topic, recipient, payload, dedupe_key, created_at, available_at)
       values (?, ?, ?::jsonb, ?, ?, ?) on conflict (dedupe_key) do nothing`,
      [p.topic, p.recipient, JSON.stringify(p.payload), p.dedupeKey, at, at],
    );
  }
}
