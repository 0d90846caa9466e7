import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** Last case number handed out per day (Asia/Shanghai), bumped atomically by an upsert. */
@Entity({ tableName: 'case_number_counters' })
export class CaseNumberCounter {
  @PrimaryKey({ type: 'date' })
  day!: string;

  @Property()
  last!: number;
}
