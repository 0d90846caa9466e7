import { randomUUID } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import type { NextFunction, Request, Response } from 'express';
import type { GraphQLContext } from './context';

// A proxy's id is kept only when it is short and plain, so it cannot forge log lines.
const FORWARDED_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Express middleware: gives the request an id (res.locals.requestId) and answers it in x-request-id. */
export function requestScope() {
  return (req: Request, res: Response, next: NextFunction): void => {
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && FORWARDED_ID.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', requestId);
    res.locals.requestId = requestId;
    next();
  };
}

const REQUEST_ID = Symbol('requestId');

/**
 * Marks each error of a request with the request's id before errors are formatted (formatError sees
 * no context). Done this way rather than with AsyncLocalStorage, which on Node 20 puts a hook on
 * every promise of the process.
 */
export const requestIdPlugin: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors, contextValue }) {
        for (const error of errors) (error as unknown as Record<symbol, unknown>)[REQUEST_ID] = contextValue?.requestId;
      },
    };
  },
};

/** The id of the request an error happened in, as marked by requestIdPlugin. */
export function requestIdOf(error: unknown): string | undefined {
  const id = (error as Record<symbol, unknown> | null)?.[REQUEST_ID];
  return typeof id === 'string' ? id : undefined;
}
