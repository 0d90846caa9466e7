import { CaseEvent } from './case-event.entity';
import { CaseNumberCounter } from './case-number-counter.entity';
import { Case } from './case.entity';
import { Officer } from './officer.entity';
import { Resident } from './resident.entity';
import { Unit } from './unit.entity';

export { Case, CaseEvent, CaseNumberCounter, Officer, Resident, Unit };
export * from './enums';
export type { Attachment } from './case.entity';

/** Every entity, passed explicitly to MikroORM (globs pick up stale build output). */
export const ENTITIES = [Unit, Officer, Resident, Case, CaseEvent, CaseNumberCounter];
