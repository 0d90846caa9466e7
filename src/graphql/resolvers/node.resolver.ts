import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { requireOfficer } from '../../domain/access/access';
import { getCase, getEvent } from '../../domain/cases/case.query';
import { getPush } from '../../domain/push/push.query';
import { getWarningLetter } from '../../domain/stats/letters';
import { badInput } from '../../domain/errors';
import { getOfficer } from '../../domain/registry/officer.service';
import { getUnit } from '../../domain/registry/unit.service';
import { actorOf, type GraphQLContext } from '../context';
import { Bounded } from '../limits';
import { fromGlobalId, Node, orNull } from '../relay';

/** Most ids one nodes() call takes: as many as a page holds. */
const MAX_NODES = 100;

/** The object a global id names, if the caller may see it; null otherwise (Relay's rule for node). */
async function nodeOf(ctx: GraphQLContext, id: string): Promise<unknown> {
  const actor = requireOfficer(actorOf(ctx));
  const ref = fromGlobalId(id);
  switch (ref.type) {
    case 'Unit':
      return orNull(getUnit(ctx.em, actor, { id: ref.id }));
    case 'Case':
      return orNull(getCase(ctx.em, actor, { id: ref.id }, (caseId) => ctx.loaders.case.load(caseId)));
    case 'Officer':
      return orNull(getOfficer(ctx.em, actor, ref.id));
    case 'CaseEvent':
      return orNull(getEvent(ctx.em, actor, ref.id));
    case 'Push':
      return orNull(getPush(ctx.em, actor, String(ref.id)).then((push) => ({ ...push, __typename: 'Push' })));
    case 'WarningLetter':
      return orNull(getWarningLetter(ctx.em, actor, ref.id).then(({ letter }) => ({ ...letter, __typename: 'WarningLetter' })));
  }
}

@Resolver()
export class NodeResolver {
  @Query(() => Node, {
    nullable: true,
    description: 'Any object by global id (Relay); null when it does not exist or is outside your jurisdiction. BAD_USER_INPUT for a malformed id.',
  })
  async node(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID, { description: 'Global id.' }) id: string): Promise<unknown> {
    return nodeOf(ctx, id);
  }

  @Bounded({ arg: 'ids', default: 0, max: MAX_NODES, length: true })
  @Query(() => [Node], {
    nullable: 'items',
    description: `Objects by global id, in the order asked (Relay): null for each that does not exist or is outside your jurisdiction. At most ${MAX_NODES} ids.`,
  })
  async nodes(@Ctx() ctx: GraphQLContext, @Arg('ids', () => [ID], { description: 'Global ids.' }) ids: string[]): Promise<unknown[]> {
    if (ids.length > MAX_NODES) throw badInput(`ids: at most ${MAX_NODES} at once`, { argument: 'ids' });
    return Promise.all(ids.map((id) => nodeOf(ctx, id)));
  }
}
