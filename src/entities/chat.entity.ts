import { Entity, Enum, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
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

/** Messages already handled, by their transport id, with the replies given: a redelivery is answered the same and does nothing twice. */
@Entity({ tableName: 'chat_inbox' })
export class ChatInboxMessage {
  [OptionalProps]?: 'createdAt';

  @Enum({ items: () => Channel, primary: true })
  channel!: Channel;

  @PrimaryKey({ length: 200 })
  messageId!: string;

  @Property({ length: 200 })
  contactId!: string;

  @Property({ type: 'json' })
  replies!: string[];

  @Property({ length: 3, defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
