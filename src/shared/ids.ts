import { badInput } from '../domain/errors';

/** Types a global id may name (reachable through node(id)). */
export type NodeTypeName = 'Unit' | 'Case' | 'Officer' | 'CaseEvent' | 'Push' | 'WarningLetter';
export const NODE_TYPES: readonly NodeTypeName[] = ['Unit', 'Case', 'Officer', 'CaseEvent', 'Push', 'WarningLetter'];

/** Rows with bigint keys (the trail, the outbox); the others are PostgreSQL integers. */
const BIGINT_TYPES: ReadonlySet<NodeTypeName> = new Set(['CaseEvent', 'Push']);
const MAX_ID = 2 ** 31 - 1;

/** Relay global id: base64url of `Type:id` (bigint keys come as the driver's strings). */
export function toGlobalId(type: NodeTypeName, id: number | string): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
}

/**
 * Decodes a global id, checking its type when one is expected; BAD_USER_INPUT otherwise. Ids are PostgreSQL integers: a larger
 * number names nothing and must not reach a query as one. Only the id this server would write is
 * taken: no trailing parts (`Case:1:2`), no leading zeros, no other spelling of the same base64.
 */
export function fromGlobalId(globalId: string, expected?: NodeTypeName): { type: NodeTypeName; id: number } {
  const bad = () => badInput(`"${globalId.slice(0, 64)}" is not a valid ${expected ?? 'node'} id`);
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(globalId)) throw bad();
  const m = /^([A-Za-z]+):([1-9]\d{0,15})$/.exec(Buffer.from(globalId, 'base64url').toString('utf8'));
  const type = m?.[1] as NodeTypeName | undefined;
  const id = Number(m?.[2]);
  const max = type && BIGINT_TYPES.has(type) ? Number.MAX_SAFE_INTEGER : MAX_ID;
  if (!type || !NODE_TYPES.includes(type) || id > max || toGlobalId(type, id) !== globalId) throw bad();
  if (expected && type !== expected) throw bad();
  return { type, id };
}
