import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import { DomainError, type ErrorCode } from '../domain/errors';
import { deadlineExceeded } from '../domain/limits/fair-share';
import { logger } from '../logger';
import { requestIdOf } from './request-scope';

/** The HTTP-free codes clients may see, besides Apollo's own request-level ones. */
const CODES: Record<ErrorCode, true> = {
  UNAUTHENTICATED: true,
  FORBIDDEN: true,
  NOT_FOUND: true,
  BAD_USER_INPUT: true,
  INVALID_TRANSITION: true,
  VERSION_CONFLICT: true,
  RATE_LIMITED: true,
};
const APOLLO_REQUEST_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/**
 * A request refused for its size or run time (depth, aliases, tokens, cost, timeout): the client's
 * input, so BAD_USER_INPUT, with the measured figure and the limit in extensions.
 */
export class LimitError extends GraphQLError {
  constructor(message: string, figures: Record<string, number>) {
    super(message, { extensions: { code: 'BAD_USER_INPUT', ...figures, http: { status: 400 } } });
    this.name = 'LimitError';
  }
}

/**
 * A request refused before it ran for a reason the client can act on (RATE_LIMITED): HTTP 429 with
 * Retry-After, the code and the figures in extensions.
 */
export function refusedRequest(err: DomainError): GraphQLError {
  const retryAfter = Number(err.details?.retryAfter ?? 1);
  return new GraphQLError(err.message, {
    extensions: { code: err.code, ...err.details, http: { status: 429, headers: new Map([['retry-after', String(retryAfter)]]) } },
  });
}

/** Masked answer for anything unexpected: the id to quote, nothing about the cause. */
export function internalError(requestId: string | undefined): GraphQLError {
  return new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR', requestId, http: { status: 500 } } });
}

// PostgreSQL's query_canceled: statement_timeout hit (the only cancel the server issues).
const PG_QUERY_CANCELED = '57014';
// graphql-js's wording ("more that" in 16.x).
const TOKEN_LIMIT = /Document contains more tha[nt] (\d+) tokens/;

/**
 * Maps domain errors to `extensions.code`; masks everything unexpected as INTERNAL_SERVER_ERROR with the
 * request id, whatever the mode: the cause (SQL, parameters, addresses) goes to the log only.
 */
export function formatError(statementTimeoutMs: number) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = { locations: formatted.locations, path: formatted.path };
    if (original instanceof DomainError && CODES[original.code]) {
      return { ...base, message: original.message, extensions: { code: original.code, ...original.details } };
    }
    if (original instanceof ArgumentValidationError) {
      const problems = original.extensions.validationErrors;
      return { ...base, message: 'Invalid arguments', extensions: { code: 'BAD_USER_INPUT', problems } };
    }
    const limit = original instanceof LimitError ? original : original instanceof GraphQLError ? original.originalError : undefined;
    if (limit instanceof LimitError) {
      const { http: _h, ...extensions } = limit.extensions;
      return { ...base, message: limit.message, extensions };
    }
    if ((original as Error | null)?.name === 'KnexTimeoutError') {
      // No pooled connection came in time: the server is overloaded, not broken. Say so, and when to retry.
      logger.warn({ req: requestIdOf(error) }, "no database connection within the pool's wait");
      return { ...base, message: 'The server is busy; try again in a few seconds', extensions: { code: 'RATE_LIMITED', retryAfter: 5, scope: 'server' } };
    }
    if ((original as { code?: unknown } | null)?.code === PG_QUERY_CANCELED) {
      // statement_timeout: the request's own deadline cancels with its own error (src/db/sql.ts).
      const timeout = deadlineExceeded(statementTimeoutMs);
      return { ...base, message: timeout.message, extensions: { code: timeout.code, ...timeout.details } };
    }
    const code = formatted.extensions?.code;
    if (original instanceof GraphQLError && typeof code === 'string' && APOLLO_REQUEST_CODES.has(code)) {
      const tokens = code === 'GRAPHQL_PARSE_FAILED' ? TOKEN_LIMIT.exec(original.message) : null;
      if (tokens) {
        return { message: `The query has more than ${tokens[1]} tokens; send a smaller one`, extensions: { code: 'BAD_USER_INPUT', limit: Number(tokens[1]) } };
      }
      const { stacktrace: _s, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    if (original instanceof GraphQLError && typeof code === 'string' && code in CODES) {
      // Refused before it ran (refusedRequest): the message and figures are the client's to read.
      const { http: _h, stacktrace: _s, ...extensions } = original.extensions;
      return { message: original.message, extensions };
    }
    if (code === 'INTERNAL_SERVER_ERROR' && original instanceof GraphQLError && original.extensions.requestId) {
      // Already masked and logged (context creation).
      return { message: original.message, extensions: { code, requestId: original.extensions.requestId } };
    }
    const requestId = requestIdOf(error);
    logger.error({ req: requestId, err: original }, 'unexpected error in GraphQL request');
    return { ...base, message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } };
  };
}
