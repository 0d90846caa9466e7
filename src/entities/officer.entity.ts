import { OptionalProps, Entity, Enum, Index, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { OfficerRole } from './enums';
import type { Unit } from './unit.entity';

/** A person who works cases; their jurisdiction is their unit and everything under it. */
@Entity({ tableName: 'officers' })
export class Officer {
  [OptionalProps]?: 'active' | 'createdAt';

  @PrimaryKey()
  id!: number;

  @Property({ length: 100 })
  name!: string;

  /** Login name. */
  @Property({ unique: true, length: 32 })
  phone!: string;

  /** scrypt hash in PHC-like form; never leaves the domain layer. */
  @Property({ length: 255, hidden: true, lazy: true })
  passwordHash!: string;

  @Enum({ items: () => OfficerRole })
  role!: OfficerRole;

  @ManyToOne({ entity: 'Unit', ref: true, deleteRule: 'restrict' })
  @Index()
  unit!: Ref<Unit>;

  /** Chat channel and contact id for pushes, e.g. `WECHAT:wxid_…`. */
  @Property({ length: 200, nullable: true, unique: true })
  chatContact?: string;

  /** SHA-256 of a one-time code that binds a chat contact to this officer, and when it lapses. */
  @Property({ length: 64, nullable: true, hidden: true })
  bindingCodeHash?: string;

  @Property({ length: 3, nullable: true, hidden: true })
  bindingCodeExpiresAt?: Date;

  @Property({ default: true })
  active: boolean = true;

  /** Tokens issued before this moment are refused (set when the officer logs out). */
  @Property({ length: 3, nullable: true, hidden: true })
  tokensValidAfter?: Date;

  @Property({ defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
