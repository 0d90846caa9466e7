import { randomUUID } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import type { NextFunction, Request, Response } from 'express';
import { logger } from '../logger';
import type { GraphQLContext } from './context';

// A proxy's id is kept only when it is short and plain, so it cannot forge log lines.
const FORWARDED_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** What a request did, filled in as it runs (GraphQL's operation, the officer) and logged at its end. */
export interface RequestRecord {
  operation?: string;
  officer?: number;
  /** Error codes of a GraphQL answer. */
  codes?: string[];
}

/** Probes and scrapes, logged at debug level only (a balancer asks every few seconds). */
const QUIET = /^\/(healthz|readyz|metrics)$/;

/**
 * Express middleware: gives the request an id (res.locals.requestId, answered in x-request-id; a
 * proxy's is kept) and logs one line when it ends: id, method, path (never the query string, which
 * may carry a token), status, duration, GraphQL operation, officer id, outcome and error code.
 * Never a phone, password or token.
 */
export function requestScope() {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = performance.now();
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && FORWARDED_ID.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', requestId);
    res.locals.requestId = requestId;
    const record: RequestRecord = {};
    res.locals.requestRecord = record;
    let logged = false;
    const end = () => {
      if (logged) return;
      logged = true;
      const ms = Math.round((performance.now() - started) * 10) / 10;
      const path = req.originalUrl.split('?')[0].slice(0, 200);
      const aborted = !res.writableFinished;
      const status = res.statusCode;
      const outcome = aborted ? 'aborted' : record.codes?.length || status >= 500 ? 'error' : status >= 400 ? 'refused' : 'ok';
      const op = record.operation?.slice(0, 64);
      const line = { req: requestId, method: req.method, path, status, ms, op, officer: record.officer, outcome, code: record.codes?.join(',') };
      const text = `${req.method} ${path}${op ? ` ${op}` : ''} → ${aborted ? 'aborted' : status}${line.code ? ` ${line.code}` : ''} in ${ms} ms`;
      if (outcome === 'ok' && QUIET.test(path)) logger.debug(line, text);
      else logger.info(line, text);
    };
    res.once('finish', end);
    res.once('close', end);
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
      // What the request's log line says of it.
      async willSendResponse({ contextValue, operationName, operation, response }) {
        const record = contextValue?.requestRecord;
        if (!record) return;
        record.operation = operationName ?? operation?.operation;
        record.officer = contextValue.actor?.id;
        const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
        if (body?.errors?.length) record.codes = [...new Set(body.errors.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR')))];
      },
    };
  },
};

/** The id of the request an error happened in, as marked by requestIdPlugin. */
export function requestIdOf(error: unknown): string | undefined {
  const id = (error as Record<symbol, unknown> | null)?.[REQUEST_ID];
  return typeof id === 'string' ? id : undefined;
}
