import { Entity, Enum, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { CaseKind, CasePriority, LIMIT_UNITS, type LimitUnit } from './enums';

/** An admin's override of the default deadlines for one kind × priority. */
@Entity({ tableName: 'sla_policies' })
@Unique({ properties: ['kind', 'priority'] })
export class SlaPolicyRow {
  [OptionalProps]?: 'updatedAt';

  @PrimaryKey()
  id!: number;

  @Enum({ items: () => CaseKind })
  kind!: CaseKind;

  @Enum({ items: () => CasePriority })
  priority!: CasePriority;

  @Property()
  acceptAmount!: number;

  @Enum({ items: [...LIMIT_UNITS] })
  acceptUnit!: LimitUnit;

  @Property()
  resolveAmount!: number;

  @Enum({ items: [...LIMIT_UNITS] })
  resolveUnit!: LimitUnit;

  @Property({ nullable: true })
  extendedAmount?: number;

  @Enum({ items: [...LIMIT_UNITS], nullable: true })
  extendedUnit?: LimitUnit;

  @Property({ length: 3, defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
