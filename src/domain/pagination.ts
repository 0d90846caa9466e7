import { badInput } from './errors';

/** Pagination arguments of a Relay connection: forward (first/after) or backward (last/before). */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
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

/** Validates a page size (0..100, default 20), naming the argument. */
function size(value: number | null | undefined, argument: 'first' | 'last'): number {
  const n = value ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(n) || n < 0 || n > MAX_PAGE_SIZE) throw badInput(`${argument} must be a whole number from 0 to ${MAX_PAGE_SIZE}`, { argument });
  return n;
}

/** Validates `first` (0..100, default 20). */
export function pageSize(args: { first?: number | null }): number {
  return size(args.first, 'first');
}

/** The slice of a keyset-ordered list a request asks for. */
export interface PageWindow {
  size: number;
  /** Read from the end of the list towards its start (last/before). */
  backward: boolean;
  /** The cursor to read past (after, or before when backward), and the argument that gave it. */
  cursor?: string;
  argument: 'after' | 'before';
}

/** Reads first/after or last/before (not both directions at once). */
export function pageWindow(args: PageArgs): PageWindow {
  if (args.last != null || args.before != null) {
    if (args.first != null || args.after != null) throw badInput('page with first/after or with last/before, not both', { argument: 'last' });
    return { size: size(args.last, 'last'), backward: true, cursor: args.before ?? undefined, argument: 'before' };
  }
  return { size: size(args.first, 'first'), backward: false, cursor: args.after ?? undefined, argument: 'after' };
}

/**
 * How a keyset query reads a window of a list ordered `dir`: the comparison with the cursor's key
 * and the order to read in (reversed when reading backwards).
 */
export function keyset(w: PageWindow, dir: 'asc' | 'desc'): { cmp: '<' | '>'; order: 'asc' | 'desc' } {
  const after = dir === 'desc' ? '<' : '>';
  if (!w.backward) return { cmp: after, order: dir };
  return { cmp: after === '<' ? '>' : '<', order: dir === 'desc' ? 'asc' : 'desc' };
}

/** The page from rows read in the window's direction (up to size + 1 of them), in the list's own order. */
export function windowPage<T>(rows: T[], w: PageWindow, cursorOf: (row: T) => string): Pick<Page<T>, 'nodes' | 'cursors' | 'hasNextPage' | 'hasPreviousPage'> {
  const more = rows.length > w.size;
  const nodes = rows.slice(0, w.size);
  if (w.backward) nodes.reverse();
  return {
    nodes,
    cursors: nodes.map(cursorOf),
    hasNextPage: w.backward ? Boolean(w.cursor) : more,
    hasPreviousPage: w.backward ? more : Boolean(w.cursor),
  };
}

type KeyValue = string | number | null;

/** Opaque cursor: base64url JSON of the sort key, tagged with the ordering it belongs to. */
export function encodeCursor(order: string, key: KeyValue[]): string {
  return Buffer.from(JSON.stringify([order, ...key]), 'utf8').toString('base64url');
}

/** What a sort key value must be: a timestamp (ISO 8601), a text key, or a row id / sequence number. */
export type KeyKind = 'timestamp' | 'text' | 'int';

// Widest keys the database holds: int columns (ids, seq) and timestamps within a sane range.
const MAX_INT = 2 ** 31 - 1;
const ISO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-](\d{2}):(\d{2}))$/;

/**
 * A timestamp as PostgreSQL takes it: a real calendar day of the years 1 to 9999 (no 0000-01-01, no
 * 30 February), a time of day, and a UTC offset PostgreSQL accepts (at most ±15:59).
 */
export function isTimestamp(value: string): boolean {
  const m = ISO_TIMESTAMP.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const days = new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 1 : 0);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > days || hour > 23 || minute > 59 || second > 59) return false;
  return m[8] === 'Z' || (Number(m[9]) <= 15 && Number(m[10]) <= 59);
}

function isKind(value: KeyValue, kind: KeyKind): boolean {
  switch (kind) {
    case 'int':
      return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_INT;
    case 'timestamp':
      return typeof value === 'string' && isTimestamp(value);
    case 'text':
      return typeof value === 'string' && value.length <= 200 && !/[\u0000-\u001f\u007f]/.test(value);
  }
}

/**
 * Decodes a cursor made by encodeCursor for the same ordering, or BAD_USER_INPUT naming `after`:
 * each key value is checked against its kind, so a forged cursor never reaches SQL.
 */
export function decodeCursor(cursor: string, order: string, kinds: readonly KeyKind[], argument: 'after' | 'before' = 'after'): KeyValue[] {
  const bad = () =>
    badInput(
      `${argument} is not a cursor from this list; use pageInfo.${argument === 'after' ? 'endCursor of the previous' : 'startCursor of the next'} page`,
      { argument },
    );
  if (!/^[A-Za-z0-9_-]{1,512}$/.test(cursor)) throw bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== kinds.length + 1 || parsed[0] !== order) throw bad();
  const key = parsed.slice(1) as KeyValue[];
  if (!key.every((v, i) => isKind(v, kinds[i]))) throw bad();
  return key;
}
