import { Entity, Enum, ManyToOne, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import type { Case } from './case.entity';
import { CaseEventType, CaseStatus } from './enums';
import type { Officer } from './officer.entity';
import type { Resident } from './resident.entity';

/**
 * One entry of a case's append-only trail (全程留痕). `hash` covers this entry and `prevHash`,
 * the previous entry's hash, so an edited or deleted entry breaks the chain.
 */
@Entity({ tableName: 'case_events' })
@Unique({ name: 'case_events_case_seq_unique', properties: ['case', 'seq'] })
export class CaseEvent {
  @PrimaryKey({ type: 'bigint' })
  id!: string;

  @ManyToOne({ entity: 'Case', ref: true, deleteRule: 'cascade' })
  case!: Ref<Case>;

  /** Position in the case's chain, from 1. Unique per case, so two writers cannot fork the chain. */
  @Property()
  seq!: number;

  @Enum({ items: () => CaseEventType })
  type!: CaseEventType;

  @ManyToOne({ entity: 'Officer', ref: true, nullable: true, deleteRule: 'restrict' })
  actorOfficer?: Ref<Officer>;

  @ManyToOne({ entity: 'Resident', ref: true, nullable: true, deleteRule: 'restrict' })
  actorResident?: Ref<Resident>;

  @Enum({ items: () => CaseStatus, nullable: true })
  fromStatus?: CaseStatus;

  @Enum({ items: () => CaseStatus, nullable: true })
  toStatus?: CaseStatus;

  @Property({ type: 'text', nullable: true })
  note?: string;

  /** Typed details: target unit, amount of judicial aid, attachments, … */
  @Property({ type: 'json', nullable: true })
  data?: Record<string, unknown>;

  @Property({ length: 3 })
  createdAt!: Date;

  @Property({ length: 64 })
  prevHash!: string;

  @Property({ length: 64 })
  hash!: string;
}
