import { defaultFieldResolver, isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type { GraphQLContext } from './context';
import { deadlineExceeded } from '../domain/limits/fair-share';
import { checkArguments } from './input.rules';

/** Throws once the request is past its deadline (graphql-js cannot be interrupted: each next step is where it ends). */
export function checkDeadline(context: Pick<GraphQLContext, 'deadline' | 'timeoutMs'>): void {
  if (context.deadline !== undefined && Date.now() > context.deadline) throw deadlineExceeded(context.timeoutMs ?? 0);
}

/**
 * Puts the request guard in front of every root field and every field that takes arguments: the
 * deadline is checked, and each argument passes the input rule before any resolver sees it. Fields
 * without arguments below the root are left alone (a page has hundreds of them, and a plain wrapper
 * per field was a measurable share of a request); the deadline also stops the batched loads they
 * trigger (createLoaders). The wrapper is synchronous and adds no promise.
 */
export function guardSchema(schema: GraphQLSchema): GraphQLSchema {
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean));
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (!roots.has(type) && field.args.length === 0) continue;
      const resolve: GraphQLFieldResolver<unknown, GraphQLContext> = field.resolve ?? defaultFieldResolver;
      const typeName = type.name;
      field.resolve = (source, args, context, info) => {
        checkDeadline(context);
        if (field.args.length) checkArguments(typeName, field, args);
        return resolve(source, args, context, info);
      };
    }
  }
  return schema;
}
