import 'reflect-metadata';
import './types/enums';
import './types/event.type';
import { DateTimeResolver } from 'graphql-scalars';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { guardSchema } from './guard.middleware';
import { CaseMutationResolver } from './resolvers/case-mutation.resolver';
import { CaseResolver } from './resolvers/case.resolver';
import { CaseEventResolver } from './resolvers/event.resolver';
import { NodeResolver } from './resolvers/node.resolver';
import { OfficerResolver } from './resolvers/officer.resolver';
import { PushResolver } from './resolvers/push.resolver';
import { SlaResolver } from './resolvers/sla.resolver';
import { StandardsResolver } from './resolvers/standards.resolver';
import {
  BaselineResolver,
  CategoryProgressResolver,
  DashboardResolver,
  RankingResolver,
  UnitStatsResolver,
  WarningLetterResolver,
  ZeroBreakResolver,
  ZeroStatusResolver,
} from './resolvers/stats.resolver';
import { UnitResolver } from './resolvers/unit.resolver';

let built: Promise<GraphQLSchema> | undefined;

// Every object type is declared with `simpleResolvers: true`: a plain field reads its row's property
// directly, outside type-graphql's middleware chain (a page of 20 cases has hundreds of them); fields
// with arguments, and every root field, pass the request guard (guardSchema).

/** The schema, built once per process from the decorated classes. */
export function getSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers: [
      NodeResolver,
      UnitResolver,
      CaseResolver,
      CaseMutationResolver,
      CaseEventResolver,
      OfficerResolver,
      SlaResolver,
      PushResolver,
      StandardsResolver,
      DashboardResolver,
      CategoryProgressResolver,
      RankingResolver,
      WarningLetterResolver,
      UnitStatsResolver,
      ZeroBreakResolver,
      ZeroStatusResolver,
      BaselineResolver,
    ],
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    validate: false,
    emitSchemaFile: false,
  }).then((built) => {
    const schema = guardSchema(built);
    // type-graphql has no decorator for the root types' own descriptions.
    schema.getQueryType()!.description = 'Reads, scoped to your jurisdiction (分级授权): log in first and send Authorization: Bearer <token>.';
    const mutation = schema.getMutationType();
    if (mutation) mutation.description = 'Changes: log in, and work cases through the closed loop (闭环); every change is on the trail.';
    return schema;
  });
  return built;
}

/** SDL as committed in schema/schema.graphql (sorted, so diffs show real changes only). */
export async function schemaSdl(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await getSchema()))}\n`;
}
