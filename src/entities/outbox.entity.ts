import { Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { PushState } from './enums';

/**
 * A push waiting to be delivered, written in the same transaction as the change that caused it.
 * `dedupeKey` is unique: the same reminder is queued once however often its cause is replayed.
 */
@Entity({ tableName: 'outbox' })
@Index({ name: 'outbox_pending_idx', expression: 'create index "outbox_pending_idx" on "outbox" ("available_at") where "status" = \'PENDING\'' })
@Index({ name: 'outbox_dead_idx', expression: 'create index "outbox_dead_idx" on "outbox" ("id") where "status" = \'DEAD\'' })
@Index({ name: 'outbox_recipient_idx', properties: ['recipient', 'id'] })
export class OutboxMessage {
  [OptionalProps]?: 'createdAt' | 'availableAt' | 'attempts' | 'status';

  @PrimaryKey({ type: 'bigint' })
  id!: string;

  /** What it is about, e.g. case.emergency, case.status, case.return_visit. */
  @Property({ length: 64 })
  topic!: string;

  /** Who gets it: `officer:<id>` or `resident:<id>`. */
  @Property({ length: 200 })
  recipient!: string;

  @Property({ type: 'json' })
  payload!: Record<string, unknown>;

  @Property({ length: 200, unique: true })
  dedupeKey!: string;

  @Property({ length: 3, defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ length: 3, defaultRaw: 'now()' })
  availableAt: Date = new Date();

  @Property({ length: 3, nullable: true })
  deliveredAt?: Date;

  @Property({ default: 0 })
  attempts: number = 0;

  @Property({ type: 'text', nullable: true })
  lastError?: string;

  /** PENDING, DELIVERED, DEAD (too many failed sends) or DROPPED (no longer applied; see reason). */
  @Enum({ items: () => PushState, default: PushState.PENDING })
  status: PushState = PushState.PENDING;

  /** Held by a sender until then (a crash mid-send frees it); for the web channel, when it was handed over. */
  @Property({ length: 3, nullable: true })
  claimedUntil?: Date;

  /** Why it was dropped or given up. */
  @Property({ length: 200, nullable: true })
  reason?: string;
}
