import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { requireOfficer } from '../../domain/access/access';
import { getCase } from '../../domain/cases/case.query';
import { getOfficer } from '../../domain/registry/officer.service';
import { getUnit } from '../../domain/registry/unit.service';
import { actorOf, type GraphQLContext } from '../context';
import { fromGlobalId, Node } from '../relay';

@Resolver()
export class NodeResolver {
  @Query(() => Node, { description: 'Any object by global id (Relay); NOT_FOUND when it does not exist or is outside your jurisdiction.' })
  async node(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID, { description: 'Global id.' }) id: string): Promise<unknown> {
    const actor = requireOfficer(actorOf(ctx));
    const ref = fromGlobalId(id);
    switch (ref.type) {
      case 'Unit':
        return getUnit(ctx.em, actor, { id: ref.id });
      case 'Case':
        return getCase(ctx.em, actor, { id: ref.id });
      case 'Officer':
        return getOfficer(ctx.em, actor, ref.id);
    }
  }
}
