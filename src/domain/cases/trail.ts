import { createHash } from 'node:crypto';

/** prevHash of the first event of every case. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields of a trail entry that its hash covers. */
export interface HashedEvent {
  caseId: number;
  seq: number;
  type: string;
  actorOfficerId: number | null;
  actorResidentId: number | null;
  fromStatus: string | null;
  toStatus: string | null;
  note: string | null;
  data: Record<string, unknown> | null;
  createdAt: Date;
}

/** Key-sorted JSON, so the same content always hashes the same way. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`)
    .join(',')}}`;
}

/** SHA-256 over the previous hash and this entry's content (hex). */
export function eventHash(prevHash: string, e: HashedEvent): string {
  const body = canonical({ ...e, createdAt: e.createdAt.toISOString() });
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}
