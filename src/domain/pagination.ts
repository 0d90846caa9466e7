import { badInput } from './errors';

/** Forward pagination arguments of a Relay connection. */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** A page of nodes with a cursor each; totalCount runs its own query only when asked for. */
export interface Page<T> {
  nodes: T[];
  cursors: string[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  totalCount: () => Promise<number>;
}

/** Validates `first` (0..100, default 20). */
export function pageSize(args: PageArgs): number {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badInput(`first must be a whole number from 0 to ${MAX_PAGE_SIZE}`, { argument: 'first' });
  }
  return first;
}

type KeyValue = string | number | null;

/** Opaque cursor: base64url JSON of the sort key, tagged with the ordering it belongs to. */
export function encodeCursor(order: string, key: KeyValue[]): string {
  return Buffer.from(JSON.stringify([order, ...key]), 'utf8').toString('base64url');
}

/** Decodes a cursor made by encodeCursor for the same ordering, or BAD_USER_INPUT. */
export function decodeCursor(cursor: string, order: string, arity: number): KeyValue[] {
  const bad = () => badInput('after is not a cursor from this list; use pageInfo.endCursor of the previous page', { argument: 'after' });
  if (!/^[A-Za-z0-9_-]{1,512}$/.test(cursor)) throw bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== arity + 1 || parsed[0] !== order) throw bad();
  const key = parsed.slice(1);
  if (!key.every((v) => v === null || typeof v === 'string' || typeof v === 'number')) throw bad();
  return key as KeyValue[];
}
