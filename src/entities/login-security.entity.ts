import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import type { Officer } from './officer.entity';

/** How a login attempt ended; every attempt is recorded, refused ones too. */
export enum LoginOutcome {
  SUCCESS = 'SUCCESS',
  WRONG_PASSWORD = 'WRONG_PASSWORD',
  UNKNOWN_PHONE = 'UNKNOWN_PHONE',
  INACTIVE = 'INACTIVE',
  THROTTLED = 'THROTTLED',
  LOCKED = 'LOCKED',
}

/**
 * Failure counter of one login key (`phone:<phone>` or `addr:<client address>`), shared by every
 * API instance. Changed only by single atomic statements in login-throttle.ts.
 */
@Entity({ tableName: 'login_throttles' })
@Index({ name: 'login_throttles_last_failure_idx', properties: ['lastFailureAt'] })
export class LoginThrottle {
  @PrimaryKey({ length: 100 })
  key!: string;

  /** Failures counted: consecutive ones for a phone, those of the current window for an address. */
  @Property({ default: 0 })
  failures: number = 0;

  @Property({ length: 3 })
  windowStart!: Date;

  @Property({ length: 3 })
  lastFailureAt!: Date;
}

/** One login attempt on the audit log; written outside any transaction so refusals stay recorded. */
@Entity({ tableName: 'login_attempts' })
@Index({ name: 'login_attempts_officer_idx', properties: ['officer', 'id'] })
export class LoginAttempt {
  @PrimaryKey({ type: 'bigint' })
  id!: string;

  @Property({ length: 3 })
  at!: Date;

  /** The phone as typed, truncated. */
  @Property({ length: 32 })
  phone!: string;

  @ManyToOne({ entity: 'Officer', ref: true, nullable: true, deleteRule: 'set null' })
  officer?: Ref<Officer>;

  @Property({ length: 64 })
  clientAddress!: string;

  @Enum({ items: () => LoginOutcome })
  outcome!: LoginOutcome;
}
