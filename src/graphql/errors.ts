import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import { DomainError, type ErrorCode } from '../domain/errors';
import { logger } from '../logger';

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
 * Maps domain errors to `extensions.code`; masks everything unexpected as INTERNAL_SERVER_ERROR
 * (logged with its stack, shown only in development) so no SQL or stack trace leaks.
 */
export function formatError(showInternals: boolean) {
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
    const code = formatted.extensions?.code;
    if (original instanceof GraphQLError && typeof code === 'string' && APOLLO_REQUEST_CODES.has(code)) {
      const { stacktrace: _s, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    logger.error('unexpected error in GraphQL request:', original);
    return {
      ...base,
      message: showInternals && original instanceof Error ? `Internal server error: ${original.message}` : 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
