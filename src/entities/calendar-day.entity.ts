import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';

/** A holiday or a make-up workday (调休) in Asia/Shanghai; other days follow the normal week. */
@Entity({ tableName: 'calendar_days' })
export class CalendarDay {
  @PrimaryKey({ type: 'date' })
  date!: string;

  @Enum({ items: ['HOLIDAY', 'WORKDAY'] })
  type!: 'HOLIDAY' | 'WORKDAY';

  @Property({ length: 100, default: '' })
  name: string = '';
}
