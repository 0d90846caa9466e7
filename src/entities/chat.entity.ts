import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import type { Case } from './case.entity';
import { Channel } from './enums';

/** One chat contact's dialog state (a restart mid-dialog loses nothing) and rate-limit window. */
@Entity({ tableName: 'chat_sessions' })
export class ChatSession {
  [OptionalProps]?: 'state' | 'updatedAt' | 'windowStart' | 'windowCount';

  @Enum({ items: () => Channel, primary: true })
  channel!: Channel;

  @PrimaryKey({ length: 200 })
  contactId!: string;

  @Property({ type: 'json', default: '{}' })
  state: Record<string, unknown> = {};

  @Property({ length: 3, defaultRaw: 'now()' })
  updatedAt: Date = new Date();

  @Property({ length: 3, defaultRaw: 'now()' })
  windowStart: Date = new Date();

  @Property({ default: 0 })
  windowCount: number = 0;
}

/**
 * Messages already handled, by the sender and their transport id, with the replies given: a
 * redelivery is answered the same and does nothing twice; another contact's id is another message.
 */
@Entity({ tableName: 'chat_inbox' })
export class ChatInboxMessage {
  [OptionalProps]?: 'createdAt';

  @Enum({ items: () => Channel, primary: true })
  channel!: Channel;

  @PrimaryKey({ length: 200 })
  contactId!: string;

  @PrimaryKey({ length: 200 })
  messageId!: string;

  @Property({ type: 'json' })
  replies!: string[];

  @Property({ length: 3, defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

/** One stored chat photo: per-contact and total quotas sum `bytes`; unattached ones are swept when their dialog is gone. */
@Entity({ tableName: 'chat_uploads' })
@Index({
  name: 'chat_uploads_contact_idx',
  expression: 'create index "chat_uploads_contact_idx" on "chat_uploads" ("channel", "contact_id", "created_at") include ("bytes")',
})
@Index({ name: 'chat_uploads_created_idx', expression: 'create index "chat_uploads_created_idx" on "chat_uploads" ("created_at") include ("bytes")' })
@Index({
  name: 'chat_uploads_unattached_idx',
  expression: 'create index "chat_uploads_unattached_idx" on "chat_uploads" ("created_at") where "case_id" is null and "removed_at" is null',
})
export class ChatUpload {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Enum({ items: () => Channel })
  channel!: Channel;

  @Property({ length: 200 })
  contactId!: string;

  @Property()
  bytes!: number;

  @Property({ length: 3, defaultRaw: 'now()' })
  createdAt: Date = new Date();

  /** The case the photo ended up in; null while it only sits in a dialog's draft. */
  @ManyToOne({ entity: 'Case', ref: true, nullable: true, deleteRule: 'set null' })
  case?: Ref<Case>;

  /** When the sweep deleted the file; the row stays a day so the quota still counts it. */
  @Property({ length: 3, nullable: true })
  removedAt?: Date;
}

/** A fixed-window counter shared by every instance (e.g. new web contacts per address and hour). */
@Entity({ tableName: 'chat_rate_windows' })
export class ChatRateWindow {
  @PrimaryKey({ length: 300 })
  key!: string;

  @Property({ length: 3 })
  windowStart!: Date;

  @Property()
  count!: number;
}
