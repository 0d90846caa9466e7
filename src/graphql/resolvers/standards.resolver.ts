import DataLoader from 'dataloader';
import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { inJurisdiction, requireOfficer } from '../../domain/access/access';
import { notFound } from '../../domain/errors';
import type { UnitRow } from '../../domain/read/rows';
import {
  assessUnit,
  listStandardItems,
  MAX_STANDARD_ITEMS,
  monthKey,
  unitAssessments,
  type StandardItem,
  type UnitAssessment,
} from '../../domain/registry/standards';
import { Bounded } from '../limits';
import { UnitCategory } from '../../entities';
import { actorOf, type GraphQLContext } from '../context';
import { checkDeadline } from '../guard.middleware';
import { fromGlobalId } from '../relay';
import { AssessUnitInput, StandardItemType, UnitAssessmentType } from '../types/standards.type';
import { UnitType } from '../types/unit.type';

type AssessmentResult = UnitAssessment & { unit: UnitRow };

// Per request and month, so a page of units asks for their assessments in one statement.
const loaders = new WeakMap<GraphQLContext, Map<string, DataLoader<number, UnitAssessment>>>();

function assessmentLoader(ctx: GraphQLContext, month: string): DataLoader<number, UnitAssessment> {
  let byMonth = loaders.get(ctx);
  if (!byMonth) loaders.set(ctx, (byMonth = new Map()));
  let loader = byMonth.get(month);
  if (!loader) {
    loader = new DataLoader(async (ids: readonly number[]) => {
      checkDeadline(ctx);
      const found = await unitAssessments(ctx.em, ids, month);
      return ids.map((id) => found.get(id)!);
    });
    byMonth.set(month, loader);
  }
  return loader;
}

@Resolver(() => UnitType)
export class StandardsResolver {
  @Bounded(MAX_STANDARD_ITEMS)
  @Query(() => [StandardItemType], {
    description: 'The items of the creation standards (创建标准), in the scheme’s order (that of the file last imported). Any officer.',
  })
  async standardItems(@Ctx() ctx: GraphQLContext): Promise<StandardItem[]> {
    requireOfficer(actorOf(ctx));
    return listStandardItems(ctx.em);
  }

  @Mutation(() => UnitAssessmentType, {
    description:
      'Assess a village or community, an enterprise or an institution in your jurisdiction against the creation standards for a month (创建标准考评), item by item; OFFICER and above. NOT_FOUND for a unit you may not see; FORBIDDEN for grid workers and for the units above yours; BAD_USER_INPUT (naming every problem) for a region, a month in the future or before 2000, an unknown or repeated code, a score outside 0 to 1. All items or none are saved.',
  })
  async assessUnit(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => AssessUnitInput, { description: 'The unit, the month and the scores of the items.' }) input: AssessUnitInput,
  ): Promise<AssessmentResult> {
    const assessment = await assessUnit(
      ctx.em,
      actorOf(ctx),
      { unitId: fromGlobalId(input.unitId, 'Unit').id, month: input.month, items: input.items },
      ctx.services.clock.now(),
    );
    const unit = await ctx.loaders.unit.load(assessment.unitId);
    if (!unit) throw notFound('Unit');
    return { ...assessment, unit };
  }

  @FieldResolver(() => UnitAssessmentType, {
    nullable: true,
    description:
      'The unit’s assessment against the creation standards (创建标准考评) for a month; null when nothing was assessed that month, for a region (regions are not assessed) and for a unit outside your jurisdiction.',
  })
  async assessment(
    @Root() unit: UnitRow,
    @Ctx() ctx: GraphQLContext,
    @Arg('month', () => String, { description: 'The month, YYYY-MM (Asia/Shanghai), e.g. 2026-11.' }) month: string,
  ): Promise<AssessmentResult | null> {
    const actor = requireOfficer(actorOf(ctx));
    monthKey(month);
    if (unit.category === UnitCategory.REGION || !inJurisdiction(actor, unit.path)) return null;
    const assessment = await assessmentLoader(ctx, month).load(unit.id);
    return assessment.items.length ? { ...assessment, unit } : null;
  }
}
