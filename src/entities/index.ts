import { CalendarDay } from './calendar-day.entity';
import { ChatInboxMessage, ChatSession } from './chat.entity';
import { CaseEvent } from './case-event.entity';
import { CaseFollower } from './case-follower.entity';
import { CaseNumberCounter } from './case-number-counter.entity';
import { Case } from './case.entity';
import { Officer } from './officer.entity';
import { OutboxMessage } from './outbox.entity';
import { Resident } from './resident.entity';
import { SlaPolicyRow } from './sla-policy.entity';
import { Unit } from './unit.entity';

export { CalendarDay, Case, ChatInboxMessage, ChatSession, CaseEvent, CaseFollower, CaseNumberCounter, Officer, OutboxMessage, Resident, SlaPolicyRow, Unit };
export type { LimitUnit } from './sla-policy.entity';
export * from './enums';
export type { Attachment } from './case.entity';

/** Every entity, passed explicitly to MikroORM (globs pick up stale build output). */
export const ENTITIES = [Unit, Officer, Resident, Case, CaseEvent, CaseNumberCounter, CalendarDay, SlaPolicyRow, OutboxMessage, CaseFollower, ChatSession, ChatInboxMessage];
