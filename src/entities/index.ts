import { CalendarDay } from './calendar-day.entity';
import { ChatInboxMessage, ChatRateWindow, ChatSession, ChatUpload } from './chat.entity';
import { CaseEvent } from './case-event.entity';
import { CaseFollower } from './case-follower.entity';
import { CaseNumberCounter } from './case-number-counter.entity';
import { Case } from './case.entity';
import { JobRun } from './job-run.entity';
import { LoginAttempt, LoginOutcome, LoginThrottle } from './login-security.entity';
import { Officer } from './officer.entity';
import { OutboxMessage } from './outbox.entity';
import { Resident } from './resident.entity';
import { SlaPolicyRow } from './sla-policy.entity';
import { Unit } from './unit.entity';

export {
  CalendarDay,
  Case,
  ChatInboxMessage,
  ChatRateWindow,
  ChatSession,
  ChatUpload,
  CaseEvent,
  CaseFollower,
  CaseNumberCounter,
  JobRun,
  LoginAttempt,
  LoginOutcome,
  LoginThrottle,
  Officer,
  OutboxMessage,
  Resident,
  SlaPolicyRow,
  Unit,
};
export * from './enums';
export type { Attachment } from './case.entity';

/** Every entity, passed explicitly to MikroORM (globs pick up stale build output). */
export const ENTITIES = [
  Unit,
  Officer,
  Resident,
  Case,
  CaseEvent,
  CaseNumberCounter,
  CalendarDay,
  SlaPolicyRow,
  OutboxMessage,
  CaseFollower,
  ChatSession,
  ChatInboxMessage,
  ChatUpload,
  ChatRateWindow,
  LoginThrottle,
  LoginAttempt,
  JobRun,
];
