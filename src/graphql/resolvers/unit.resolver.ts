import { Arg, Args, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { UnitKind } from '../../entities';
import type { OfficerRow, UnitRow } from '../../domain/read/rows';
import { OfficerType } from '../types/officer.type';
import { canReadUnit, requireOfficer } from '../../domain/access/access';
import { pageSize } from '../../domain/pagination';
import { getUnit, listUnits } from '../../domain/registry/unit.service';
import { actorOf, type GraphQLContext } from '../context';
import { fromGlobalId, optionalId, orNull, PageArgsType, toConnection, toGlobalId } from '../relay';
import { UnitConnection, UnitFilter, UnitType } from '../types/unit.type';

@Resolver(() => UnitType)
export class UnitResolver {
  @Query(() => UnitType, { nullable: true, description: 'One unit by global id or by code; null when there is none you may see.' })
  async unit(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID, { nullable: true, description: 'Global id of the unit.' }) id?: string,
    @Arg('code', () => String, { nullable: true, description: 'Code of the unit, e.g. 141122000000.' }) code?: string,
  ): Promise<UnitRow | null> {
    const actor = requireOfficer(actorOf(ctx));
    return orNull(getUnit(ctx.em, actor, { id: optionalId(id, 'Unit'), code: code ?? undefined }));
  }

  @Query(() => UnitConnection, { description: 'Units in your jurisdiction, ordered by code.' })
  async units(
    @Ctx() ctx: GraphQLContext,
    @Args() page: PageArgsType,
    @Arg('filter', () => UnitFilter, { nullable: true, description: 'Conditions on the units.' }) filter?: UnitFilter,
  ) {
    const actor = requireOfficer(actorOf(ctx));
    const result = await listUnits(
      ctx.em,
      actor,
      {
        parentId: optionalId(filter?.parentId, 'Unit'),
        withinId: optionalId(filter?.withinId, 'Unit'),
        kind: filter?.kind,
        category: filter?.category,
        search: filter?.search,
      },
      page,
    );
    return toConnection(result);
  }

  @FieldResolver(() => ID, { description: 'Global id.' })
  id(@Root() unit: UnitRow): string {
    return toGlobalId('Unit', unit.id);
  }

  @FieldResolver(() => UnitType, { nullable: true, description: 'The unit above; null for a root or when outside what you may see.' })
  async parent(@Root() unit: UnitRow, @Ctx() ctx: GraphQLContext): Promise<UnitRow | null> {
    if (unit.parentId == null) return null;
    const parent = await ctx.loaders.unit.load(unit.parentId);
    return parent && canReadUnit(requireOfficer(actorOf(ctx)), parent) ? parent : null;
  }

  @FieldResolver(() => OfficerType, {
    nullable: true,
    description: 'Responsible officer (驻村民警/网格员) of a village or community: default assignee of its cases.',
  })
  async responsibleOfficer(@Root() unit: UnitRow, @Ctx() ctx: GraphQLContext): Promise<OfficerRow | null> {
    requireOfficer(actorOf(ctx));
    return unit.responsibleOfficerId != null ? ((await ctx.loaders.officer.load(unit.responsibleOfficerId)) ?? null) : null;
  }

  @FieldResolver(() => [OfficerType], {
    description:
      'Active officers working at this unit itself (not below it), by name: whom its cases can be assigned to. Phones masked as Officer.phone says; empty outside your jurisdiction.',
  })
  async officers(
    @Root() unit: UnitRow,
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { nullable: true, description: 'At most this many, 0 to 100 (default 20).' }) first?: number,
  ): Promise<OfficerRow[]> {
    requireOfficer(actorOf(ctx));
    return ctx.loaders.unitOfficers(pageSize({ first })).load(unit.id);
  }

  @FieldResolver(() => [UnitType], { description: 'Units directly under this one that you may see, ordered by code.' })
  async children(
    @Root() unit: UnitRow,
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { nullable: true, description: 'At most this many, 0 to 100 (default 20).' }) first?: number,
    @Arg('kind', () => [UnitKind], { nullable: true, description: 'Only children of these kinds.' }) kind?: UnitKind[],
  ): Promise<UnitRow[]> {
    requireOfficer(actorOf(ctx));
    return ctx.loaders.children(pageSize({ first }), kind).load(unit.id);
  }
}

export { fromGlobalId };
