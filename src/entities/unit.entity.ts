import { OptionalProps, Entity, Enum, Index, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { UnitCategory, UnitKind } from './enums';
import type { Officer } from './officer.entity';

/**
 * A node of the administrative tree (创建主体). `path` is the materialized path of ids
 * (`/1/5/27/`), so "everything under X" is one prefix match on an indexed column.
 */
@Entity({ tableName: 'units' })
@Index({ name: 'units_path_prefix_idx', expression: 'create index "units_path_prefix_idx" on "units" ("path" text_pattern_ops)' })
@Index({ name: 'units_name_trgm_idx', expression: 'create index "units_name_trgm_idx" on "units" using gin ("name" gin_trgm_ops)' })
export class Unit {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'path' | 'depth';

  @PrimaryKey()
  id!: number;

  @Property({ unique: true, length: 64 })
  code!: string;

  @Property({ length: 200 })
  name!: string;

  @Enum({ items: () => UnitKind })
  kind!: UnitKind;

  @Enum({ items: () => UnitCategory })
  @Index()
  category!: UnitCategory;

  @ManyToOne({ entity: 'Unit', ref: true, nullable: true, deleteRule: 'restrict' })
  @Index()
  parent?: Ref<Unit>;

  /** Materialized path of ids from the root, slash-delimited, ending with this unit's id. */
  @Property({ length: 512 })
  path!: string;

  /** 0 for a root. */
  @Property()
  depth!: number;

  /** 驻村民警 / 网格员: default assignee for cases here. */
  @ManyToOne({ entity: 'Officer', ref: true, nullable: true, deleteRule: 'set null' })
  responsibleOfficer?: Ref<Officer>;

  /** Start of the campaign here (after the dragnet survey): cases open then are stock (存量). */
  @Property({ type: 'date', nullable: true })
  baselineDate?: string;

  @Property({ defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
