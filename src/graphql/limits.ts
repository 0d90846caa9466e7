import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { getNamedType, GraphQLError, isLeafType, type DocumentNode, type GraphQLSchema, type ValidationContext } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../domain/pagination';
import { LimitError } from './errors';

export interface GraphQLLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  maxTokens: number;
  timeoutMs: number;
}

/**
 * A field that takes `first` returns up to that many items, so everything selected inside it is paid
 * `first` times; any other object costs 1 plus its selection, a scalar nothing.
 */
export const pageSizeEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  const own = isLeafType(getNamedType(field.type)) ? 0 : 1;
  if (!field.args.some((a) => a.name === 'first')) return own + childComplexity;
  // Out-of-range values are refused by the resolver with a clearer message; here they count as the bound.
  const first = typeof args.first === 'number' ? Math.min(Math.max(args.first, 0), MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE;
  return own + first * childComplexity;
};

const ESTIMATORS = [fieldExtensionsEstimator(), pageSizeEstimator];

/** Cost of an operation, computed from the document and variables before anything runs. */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, variables?: Record<string, unknown>, operationName?: string): number {
  return getComplexity({ schema, query: document, variables, operationName, estimators: ESTIMATORS });
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

/** Apollo options that refuse oversized requests before they run: armor's rules, the token cap and the cost check. */
export function limitOptions(limits: GraphQLLimits, production: boolean) {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, propagateOnRejection: false, onReject: [report('depth', 'depth', 'nest fewer fields')] },
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
    plugins: [...armor.plugins, costPlugin(limits.maxCost), oneTimeoutPlugin],
    validationRules: armor.validationRules,
    parseOptions: { maxTokens: limits.maxTokens },
  };
}

function costPlugin(maxCost: number): ApolloServerPlugin {
  // Apollo keeps one parsed document per distinct query text, so a client repeating a query reuses its
  // cost (a walk of the whole document): one entry per document and set of variables, a few per document.
  const known = new WeakMap<DocumentNode, Map<string, number>>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request, operationName }) {
          const key = `${operationName ?? ''}\u0000${request.variables ? JSON.stringify(request.variables) : ''}`;
          let costs = known.get(document);
          let cost = costs?.get(key);
          if (cost === undefined) {
            try {
              cost = operationCost(schema, document, request.variables ?? undefined, operationName ?? undefined);
            } catch (err) {
              // Bad variables: execution refuses them with its own message.
              if (err instanceof GraphQLError) return;
              throw err;
            }
            if (!costs) known.set(document, (costs = new Map()));
            if (costs.size < 32 && key.length < 2048) costs.set(key, cost);
          }
          if (cost > maxCost) {
            throw new LimitError(`The query costs ${cost}, more than the limit of ${maxCost}; ask for fewer items (first) or fewer nested lists`, { cost, limit: maxCost });
          }
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
