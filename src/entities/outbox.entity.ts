import { Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * A push waiting to be delivered, written in the same transaction as the change that caused it.
 * `dedupeKey` is unique: the same reminder is queued once however often its cause is replayed.
 */
@Entity({ tableName: 'outbox' })
@Index({ name: 'outbox_pending_idx', expression: 'create index "outbox_pending_idx" on "outbox" ("available_at") where "delivered_at" is null' })
@Index({ name: 'outbox_recipient_idx', properties: ['recipient', 'id'] })
export class OutboxMessage {
  [OptionalProps]?: 'createdAt' | 'availableAt' | 'attempts';

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
}
