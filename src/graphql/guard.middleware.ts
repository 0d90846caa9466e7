import type { MiddlewareFn } from 'type-graphql';
import type { GraphQLContext } from './context';
import { timeoutError } from './errors';
import { checkArguments } from './input.rules';

/**
 * Runs before every resolver: stops a request past its deadline (graphql-js cannot be interrupted,
 * so each next field is where it ends) and checks the field's arguments before they reach SQL.
 */
export const requestGuard: MiddlewareFn<GraphQLContext> = ({ context, info, args }, next) => {
  if (context.deadline !== undefined && Date.now() > context.deadline) throw timeoutError(context.timeoutMs ?? 0);
  if (args && Object.keys(args).length) {
    const field = info.parentType.getFields()[info.fieldName];
    if (field) checkArguments(info.parentType.name, field, args);
  }
  return next();
};
