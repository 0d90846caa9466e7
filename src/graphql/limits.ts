import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { getNamedType, getNullableType, GraphQLError, isLeafType, isListType, type DocumentNode, type GraphQLSchema, type ValidationContext } from 'graphql';
import { Extensions } from 'type-graphql';
import { fieldExtensionsEstimator, getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../domain/pagination';
import type { GraphQLContext } from './context';
import { LimitError } from './errors';

export interface GraphQLLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  maxTokens: number;
  timeoutMs: number;
}

/**
 * How many items a list field without `first` can return, declared on the field (`@Bounded`):
 * - a number: at most that many (the kinds of a case, the categories, a case's attachments);
 * - `{ arg, default, max }`: an argument caps it (`trend(months)`), or its length (`nodes(ids)`, `length: true`);
 * - `{ regions }`: the regions of a level under the caller's unit (or `withinId`), counted in the
 *   database — the level itself, or the name of the argument holding it (`rankings(level)`).
 * A connection's `edges` are bounded by 1: the `first` of the connection's field pays for them.
 */
export type ListBound = number | { arg: string; default: number; max: number; length?: boolean } | { regions: 'COUNTY' | 'TOWNSHIP' | { arg: string } };

/** Declares the bound of a list field that takes no `first`; a test checks every list field has one or the other. */
export const Bounded = (bound: ListBound) => Extensions({ listBound: bound as never });

/**
 * Marks a field whose work is heavy whatever its size (a dashboard, a ranking, similar cases): a
 * request selecting it runs its statements in the heavy share of the database (src/domain/limits).
 */
export const Heavy = () => Extensions({ heavy: true });

/** What a field costs that runs statements of its own for each object it is asked on (not batched). */
export const OWN_STATEMENTS_COST = 10;

/** Counts of regions for `{ regions }` bounds, by level and the unit they lie under. */
export type RegionCounts = (level: 'COUNTY' | 'TOWNSHIP', withinGlobalId: string | undefined) => number;

function boundOf(bound: ListBound, args: Record<string, unknown>, regions: RegionCounts): number {
  if (typeof bound === 'number') return bound;
  if ('arg' in bound) {
    // A number argument (months), or the length of a list argument (ids) when `length` says so.
    const v = bound.length ? (Array.isArray(args[bound.arg]) ? (args[bound.arg] as unknown[]).length : undefined) : args[bound.arg];
    return typeof v === 'number' ? Math.min(Math.max(v, 0), bound.max) : bound.default;
  }
  const level = typeof bound.regions === 'string' ? bound.regions : args[bound.regions.arg];
  const within = typeof args.withinId === 'string' ? args.withinId : undefined;
  return level === 'COUNTY' || level === 'TOWNSHIP' ? regions(level, within) : MAX_PAGE_SIZE;
}

/**
 * Each object costs 1, a scalar nothing; a list multiplies what is selected inside it by how many
 * items it may return: its `first` or `last` (default 20, at most 100), else its declared bound. A list with
 * neither (none should exist: a test walks the schema) counts as a full page.
 */
function sizeEstimator(regions: RegionCounts, found: { heavy: boolean }): ComplexityEstimator {
  return ({ type, field, args, childComplexity }) => {
    if (field.extensions?.heavy) found.heavy = true;
    const leaf = isLeafType(getNamedType(field.type));
    const own = leaf ? 0 : 1;
    // Introspection reads the schema, whose size is fixed: its lists are not multiplied (depth bounds it).
    if (type.name.startsWith('__') || field.name.startsWith('__')) return own + childComplexity;
    // Each object of a list costs at least 1, even when only its scalars are selected.
    const perItem = leaf ? 0 : Math.max(1, childComplexity);
    if (field.args.some((a) => a.name === 'first')) {
      // Out-of-range values are refused by the resolver with a clearer message; here they count as the bound.
      // A page is read forwards (first) or backwards (last); asking both is refused, so the larger pays.
      const sizes = [args.first, args.last].filter((n): n is number => typeof n === 'number');
      const size = sizes.length ? Math.min(Math.max(...sizes, 0), MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE;
      return own + size * perItem;
    }
    if (!isListType(getNullableType(field.type))) return own + childComplexity;
    const bound = field.extensions?.listBound as ListBound | undefined;
    return own + (bound === undefined ? MAX_PAGE_SIZE : boundOf(bound, args, regions)) * perItem;
  };
}

export interface OperationCost {
  cost: number;
  /** A field marked heavy is selected. */
  heavy: boolean;
  /** The cost depends on region counts (not to be remembered per document). */
  dynamic: boolean;
}

/** Cost of an operation, computed from the document and variables before anything runs. */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables?: Record<string, unknown>,
  operationName?: string,
  regions: RegionCounts = () => MAX_PAGE_SIZE,
): OperationCost {
  const found = { heavy: false, dynamic: false };
  const counting: RegionCounts = (level, within) => {
    found.dynamic = true;
    return regions(level, within);
  };
  const cost = getComplexity({ schema, query: document, variables, operationName, estimators: [fieldExtensionsEstimator(), sizeEstimator(counting, found)] });
  return { cost, ...found };
}

const FOUND = /limit of (\d+) exceeded, found (\d+)/;

/** Armor reports "… limit of N exceeded, found M": answer it as a LimitError with the figures named. */
function report(measure: string, what: string, hint: string) {
  return (ctx: ValidationContext | null, error: GraphQLError) => {
    const m = FOUND.exec(error.message);
    if (!ctx || !m) return;
    const [limit, found] = [Number(m[1]), Number(m[2])];
    ctx.reportError(new LimitError(`The query has ${what} ${found}, more than the limit of ${limit}; ${hint}`, { [measure]: found, limit }));
  };
}

/**
 * Apollo options that refuse oversized requests before they run (armor's rules, the token cap, the
 * cost check) and mark heavy ones. `countRegions` answers `{ regions }` bounds for the caller.
 */
export function limitOptions(limits: GraphQLLimits & { heavyCost?: number }, production: boolean, countRegions?: RegionCounter) {
  const armor = new ApolloArmor({
    // Depth counts fields, not fragment spreads: a document built of fragments (Relay's) is as deep as its fields.
    maxDepth: { n: limits.maxDepth, flattenFragments: true, propagateOnRejection: false, onReject: [report('depth', 'depth', 'nest fewer fields')] },
    maxAliases: { n: limits.maxAliases, propagateOnRejection: false, onReject: [report('aliases', 'aliases', 'send fewer aliased fields')] },
    maxDirectives: { n: 50, propagateOnRejection: false, onReject: [report('directives', 'directives', 'use fewer directives')] },
    // graphql-js's own parse option counts the tokens while parsing and stops there (see parseOptions).
    maxTokens: { enabled: false },
    // Costs need the variables (first: $n), so they are computed once the operation is known (costPlugin).
    costLimit: { enabled: false },
    // Suggestions name fields a client did not ask about: off in production, where introspection is too.
    blockFieldSuggestion: { enabled: production },
  }).protect();
  return {
    plugins: [...armor.plugins, costPlugin(limits.maxCost, limits.heavyCost ?? Infinity, countRegions), oneTimeoutPlugin],
    validationRules: armor.validationRules,
    parseOptions: { maxTokens: limits.maxTokens },
  };
}

/** Counts the regions of a level under a unit (the caller's own when `withinGlobalId` is not given). */
export type RegionCounter = (ctx: GraphQLContext, level: 'COUNTY' | 'TOWNSHIP', withinGlobalId: string | undefined) => Promise<number>;

function costPlugin(maxCost: number, heavyCost: number, countRegions?: RegionCounter): ApolloServerPlugin<GraphQLContext> {
  // Apollo keeps one parsed document per distinct query text, so a client repeating a query reuses its
  // cost (a walk of the whole document): one entry per document and set of variables, a few per document.
  // A cost that depends on region counts (rankings) depends on the caller too, and is computed each time.
  const known = new WeakMap<DocumentNode, Map<string, OperationCost>>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request, operationName, contextValue }) {
          const key = `${operationName ?? ''}\u0000${request.variables ? JSON.stringify(request.variables) : ''}`;
          let costs = known.get(document);
          let measured = costs?.get(key);
          if (measured === undefined) {
            const variables = request.variables ?? undefined;
            try {
              // First with every region count at 0, noting which counts the operation needs.
              const needed = new Map<string, [level: 'COUNTY' | 'TOWNSHIP', within: string | undefined]>();
              measured = operationCost(schema, document, variables, operationName ?? undefined, (level, within) => {
                needed.set(`${level}|${within ?? ''}`, [level, within]);
                return 0;
              });
              if (measured.dynamic) {
                const counts = new Map<string, number>();
                for (const [k, [level, within]] of needed) counts.set(k, countRegions ? await countRegions(contextValue, level, within) : MAX_PAGE_SIZE);
                measured = operationCost(
                  schema,
                  document,
                  variables,
                  operationName ?? undefined,
                  (level, within) => counts.get(`${level}|${within ?? ''}`) ?? MAX_PAGE_SIZE,
                );
              }
            } catch (err) {
              // Bad variables: execution refuses them with its own message.
              if (err instanceof GraphQLError) return;
              throw err;
            }
            if (!measured.dynamic) {
              if (!costs) known.set(document, (costs = new Map()));
              if (costs.size < 32 && key.length < 2048) costs.set(key, measured);
            }
          }
          const { cost, heavy } = measured;
          if (cost > maxCost) {
            throw new LimitError(`The query costs ${cost}, more than the limit of ${maxCost}; ask for fewer items (first) or fewer nested lists`, {
              cost,
              limit: maxCost,
            });
          }
          if ((heavy || cost >= heavyCost) && contextValue.lane) contextValue.lane.heavy = true;
        },
      };
    },
  };
}

/** Past the deadline every remaining field fails the same way: the client needs to read it once. */
const oneTimeoutPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single') return;
        const result = response.body.singleResult;
        if (!result.errors || result.errors.length < 2) return;
        let seen = false;
        result.errors = result.errors.filter((e) => {
          if (e.extensions?.timeoutMs === undefined) return true;
          if (seen) return false;
          seen = true;
          return true;
        });
      },
    };
  },
};
