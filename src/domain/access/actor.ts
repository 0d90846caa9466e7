import type { OfficerRole } from '../../entities';

/** An authenticated officer, with the materialized path of their jurisdiction. */
export interface OfficerActor {
  readonly type: 'officer';
  readonly id: number;
  readonly name: string;
  readonly role: OfficerRole;
  readonly unitId: number;
  /** Path of the officer's unit, e.g. `/1/5/`: everything whose path starts with it is in scope. */
  readonly unitPath: string;
  /** Tokens issued at or before this instant (ms since the epoch) are refused: the officer logged out then. */
  readonly tokensValidAfter?: number;
}

/** Whoever is calling: an officer, or nobody yet. Residents act through the bot, never GraphQL. */
export type Actor = OfficerActor | null;

/** The clock port: domain code never reads the system time itself. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
