import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** One run of a scheduled job for one period (a day, a week): claimed once, however many workers fire it. */
@Entity({ tableName: 'job_runs' })
export class JobRun {
  @PrimaryKey({ length: 64 })
  job!: string;

  @PrimaryKey({ length: 64 })
  period!: string;

  @Property({ length: 3 })
  startedAt!: Date;

  @Property({ length: 3, nullable: true })
  finishedAt?: Date;

  @Property({ type: 'json', nullable: true })
  result?: Record<string, unknown>;
}
