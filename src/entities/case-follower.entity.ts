import { Entity, ManyToOne, PrimaryKeyProp, type Ref } from '@mikro-orm/core';
import type { Case } from './case.entity';
import type { Resident } from './resident.entity';

/** A resident who hears about a case besides its reporter (the reporter of a merged duplicate). */
@Entity({ tableName: 'case_followers' })
export class CaseFollower {
  [PrimaryKeyProp]?: ['case', 'resident'];

  @ManyToOne({ entity: 'Case', ref: true, primary: true, deleteRule: 'cascade' })
  case!: Ref<Case>;

  @ManyToOne({ entity: 'Resident', ref: true, primary: true, deleteRule: 'cascade' })
  resident!: Ref<Resident>;
}
