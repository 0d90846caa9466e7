import { OptionalProps, Entity, Enum, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Channel } from './enums';

/** A chat identity of a member of the public. Residents never see other residents' data. */
@Entity({ tableName: 'residents' })
@Unique({ properties: ['channel', 'externalId'] })
export class Resident {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey()
  id!: number;

  @Enum({ items: () => Channel })
  channel!: Channel;

  /** The contact id on that channel (WeChat contact id, web chat browser id, …). */
  @Property({ length: 200 })
  externalId!: string;

  @Property({ length: 100 })
  displayName!: string;

  @Property({ length: 32, nullable: true })
  phone?: string;

  @Property({ defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
