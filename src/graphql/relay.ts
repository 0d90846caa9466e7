import { ArgsType, Field, ID, InterfaceType, Int, ObjectType, type ClassType } from 'type-graphql';
import { fromGlobalId, NODE_TYPES, type NodeTypeName } from '../shared/ids';
import { DomainError } from '../domain/errors';
import { Bounded, Heavy } from './limits';
import type { Page } from '../domain/pagination';
import { EXACT_COUNT_LIMIT, type CaseCount } from '../domain/cases/case.query';

export { fromGlobalId, toGlobalId, type NodeTypeName } from '../shared/ids';

/**
 * A missing object answers null, never an error that would wipe the rest of the answer: NOT_FOUND
 * (which is also what an object outside the caller's jurisdiction looks like) becomes null.
 */
export async function orNull<T>(lookup: Promise<T>): Promise<T | null> {
  try {
    return await lookup;
  } catch (err) {
    if (err instanceof DomainError && err.code === 'NOT_FOUND') return null;
    throw err;
  }
}

/** Decodes an optional global id argument. */
export function optionalId(globalId: string | null | undefined, expected: NodeTypeName): number | undefined {
  return globalId == null ? undefined : fromGlobalId(globalId, expected).id;
}

/** The arguments of every connection (Relay): forward with first/after, or backward with last/before. */
@ArgsType()
export class PageArgsType {
  @Field(() => Int, { nullable: true, description: 'How many items from the start (or after `after`), 0 to 100 (default 20).' })
  first?: number;

  @Field(() => String, { nullable: true, description: 'Start after this cursor (pageInfo.endCursor of the previous page).' })
  after?: string;

  @Field(() => Int, { nullable: true, description: 'How many items from the end (or before `before`), 0 to 100; not with first/after.' })
  last?: number;

  @Field(() => String, { nullable: true, description: 'End before this cursor (pageInfo.startCursor of the next page).' })
  before?: string;
}

@InterfaceType('Node', {
  description: 'An object with a global id, fetchable with node(id) (Relay Global Object Identification).',
  // Read rows carry the name of their type.
  resolveType: (value: { __typename?: string }) => ((NODE_TYPES as readonly string[]).includes(value.__typename ?? '') ? value.__typename : undefined),
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

    @Field(() => Boolean, {
      description: 'totalCount is an estimate (more than ' + EXACT_COUNT_LIMIT.toLocaleString('en') + ' match); ask for totalCountExact for the exact figure.',
    })
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
