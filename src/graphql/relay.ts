import { Field, ID, InterfaceType, Int, ObjectType, type ClassType } from 'type-graphql';
import { badInput } from '../domain/errors';
import { Bounded, Heavy } from './limits';
import type { Page } from '../domain/pagination';
import { EXACT_COUNT_LIMIT, type CaseCount } from '../domain/cases/case.query';

/** Types reachable through node(id). */
export type NodeTypeName = 'Unit' | 'Case' | 'Officer';
const NODE_TYPES: readonly NodeTypeName[] = ['Unit', 'Case', 'Officer'];

const MAX_ID = 2 ** 31 - 1;

/** Relay global id: base64url of `Type:id`. */
export function toGlobalId(type: NodeTypeName, id: number): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
}

/** Decodes a global id, checking its type when one is expected; BAD_USER_INPUT otherwise. */
export function fromGlobalId(globalId: string, expected?: NodeTypeName): { type: NodeTypeName; id: number } {
  const bad = () => badInput(`"${globalId.slice(0, 64)}" is not a valid ${expected ?? 'node'} id`);
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(globalId)) throw bad();
  const m = /^([A-Za-z]+):([1-9]\d{0,9})$/.exec(Buffer.from(globalId, 'base64url').toString('utf8'));
  const type = m?.[1] as NodeTypeName | undefined;
  const id = Number(m?.[2]);
  // Ids are PostgreSQL integers: a larger number names nothing and must not reach a query as one. Only
  // the id this server would write is taken: no trailing parts (`Case:1:2`), no leading zeros, no
  // other spelling of the same base64.
  if (!type || !NODE_TYPES.includes(type) || id > MAX_ID || toGlobalId(type, id) !== globalId) throw bad();
  if (expected && type !== expected) throw bad();
  return { type, id };
}

/** Decodes an optional global id argument. */
export function optionalId(globalId: string | null | undefined, expected: NodeTypeName): number | undefined {
  return globalId == null ? undefined : fromGlobalId(globalId, expected).id;
}

@InterfaceType('Node', {
  description: 'An object with a global id, fetchable with node(id) (Relay Global Object Identification).',
  // Read rows carry the name of their type.
  resolveType: (value: { __typename?: string }) => (NODE_TYPES as readonly string[]).includes(value.__typename ?? '') ? value.__typename : undefined,
})
export abstract class Node {
  @Field(() => ID, { description: 'Global id, opaque; pass it to node(id) or to arguments that take an ID.' })
  id!: string;
}

@ObjectType({ simpleResolvers: true, description: 'Where a page of a connection sits in the whole list (Relay).' })
export class PageInfo {
  @Field({ description: 'More items follow: ask again with after: endCursor.' })
  hasNextPage!: boolean;

  @Field({ description: 'Items come before this page (true when after was given).' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first edge of this page.' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last edge; pass it as after for the next page.' })
  endCursor!: string | null;
}

export interface ConnectionShape<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  readonly totalCount: Promise<number>;
  readonly totalCountIsEstimate: Promise<boolean>;
  readonly totalCountExact: Promise<number>;
}

/** Builds `<Name>Connection` and `<Name>Edge` object types for a node type. */
export function connectionType<T extends object>(name: string, nodeType: ClassType, what: string): ClassType<ConnectionShape<T>> {
  @ObjectType(`${name}Edge`, { simpleResolvers: true, description: `One ${what} in a page, with its cursor.` })
  class Edge {
    @Field({ description: 'Opaque position of this item; pass it as after to continue from here.' })
    cursor!: string;

    @Field(() => nodeType, { description: `The ${what}.` })
    node!: T;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true, description: `A page of ${what}s (Relay connection).` })
  class Connection {
    // As many as the `first` of the connection's field, which already multiplies this object.
    @Bounded(1)
    @Field(() => [Edge], { description: `The ${what}s of this page, in order.` })
    edges!: Edge[];

    @Field(() => PageInfo, { description: 'Whether more pages follow, and the cursors to fetch them.' })
    pageInfo!: PageInfo;

    @Field(() => Int, {
      description: `How many ${what}s match in all (across every page): exact up to ${EXACT_COUNT_LIMIT.toLocaleString('en')}; above that it may be an estimate from a sample of the table (usually within ten per cent), which totalCountIsEstimate says.`,
    })
    totalCount!: Promise<number>;

    @Field(() => Boolean, { description: 'totalCount is an estimate (more than ' + EXACT_COUNT_LIMIT.toLocaleString('en') + ' match); ask for totalCountExact for the exact figure.' })
    totalCountIsEstimate!: Promise<boolean>;

    @Heavy()
    @Field(() => Int, { description: `How many ${what}s match in all, always counted exactly: slower than totalCount on large lists (a whole city).` })
    totalCountExact!: Promise<number>;
  }
  return Connection as unknown as ClassType<ConnectionShape<T>>;
}

/** Maps a domain page to a connection object; each count runs its query only when selected, once. */
export function toConnection<T>(page: Page<T> & { boundedCount?: () => Promise<CaseCount> }): ConnectionShape<T> {
  let exact: Promise<number> | undefined;
  let bounded: Promise<CaseCount> | undefined;
  const exactCount = () => (exact ??= page.totalCount());
  // Lists whose domain gives no bounded count are counted exactly: none grows to where that is slow.
  const boundedCount = () => (bounded ??= page.boundedCount?.() ?? exactCount().then((count) => ({ count, estimated: false })));
  return {
    edges: page.nodes.map((node, i) => ({ node, cursor: page.cursors[i] })),
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: page.cursors[0] ?? null,
      endCursor: page.cursors[page.cursors.length - 1] ?? null,
    },
    get totalCount() {
      return boundedCount().then((c) => c.count);
    },
    get totalCountIsEstimate() {
      return boundedCount().then((c) => c.estimated);
    },
    get totalCountExact() {
      return exactCount();
    },
  };
}
