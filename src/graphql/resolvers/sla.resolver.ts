import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { CaseKind, CasePriority } from '../../entities';
import { requireOfficer } from '../../domain/access/access';
import { loadPolicies, saveSlaPolicy } from '../../domain/time/deadline.service';
import { actorOf, type GraphQLContext } from '../context';
import { SetSlaPolicyInput, SlaPolicyType } from '../types/sla.type';
import { Bounded } from '../limits';

@Resolver()
export class SlaResolver {
  @Bounded(Object.keys(CaseKind).length * Object.keys(CasePriority).length)
  @Query(() => [SlaPolicyType], { description: 'The deadlines in force for every kind × priority (defaults of the design unless an admin changed them).' })
  async slaPolicies(@Ctx() ctx: GraphQLContext) {
    requireOfficer(actorOf(ctx));
    const policy = await loadPolicies(ctx.em);
    return Object.values(CaseKind).flatMap((kind) => Object.values(CasePriority).map((priority) => ({ kind, priority, ...policy(kind, priority) })));
  }

  @Mutation(() => SlaPolicyType, {
    description: 'Set the deadlines of a kind × priority; applies to cases reported from now on, everywhere. ADMIN of the top unit (the whole deployment).',
  })
  async setSlaPolicy(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => SetSlaPolicyInput, { description: 'Kind, priority and limits.' }) input: SetSlaPolicyInput,
  ) {
    const saved = await saveSlaPolicy(ctx.em, actorOf(ctx), input.kind, input.priority, {
      accept: input.accept,
      resolve: input.resolve,
      extended: input.extended ?? undefined,
    });
    return { kind: input.kind, priority: input.priority, ...saved };
  }
}
