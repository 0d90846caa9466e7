import { Arg, Args, Ctx, Field, FieldResolver, ID, Int, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { Attachment } from '../../entities';
import { canReadCase, requireCapability, requireOfficer, residentView } from '../../domain/access/access';
import { decodeCursor, encodeCursor, pageWindow, windowPage } from '../../domain/pagination';
import { loadEventsWindow } from '../../domain/read/load';
import type { CaseRow, OfficerRow, UnitRow } from '../../domain/read/rows';
import { CaseEventConnection } from '../types/event.type';
import { DEFAULT_CASE_ORDER, getCase, listCases } from '../../domain/cases/case.query';
import { isOverdue, ladderDeadline } from '../../domain/time/supervision';
import { availableActions, type Action } from '../../domain/cases/workflow';
import { CaseAction } from '../types/enums';
import { notFound } from '../../domain/errors';
import { actorOf, type GraphQLContext } from '../context';
import { optionalId, orNull, PageArgsType, toConnection, toGlobalId } from '../relay';
import { AttachmentType, CaseConnection, CaseFilterInput, CaseOrderInput, CaseType } from '../types/case.type';
import { photoUrl } from '../../shared/urls';
import { OfficerType, ResidentType } from '../types/officer.type';
import { UnitType } from '../types/unit.type';
import { Bounded, Heavy } from '../limits';

/** loadSimilarCases answers at most this many per case. */
const MOST_SIMILAR = 5;

@Resolver(() => CaseType)
export class CaseResolver {
  @Query(() => CaseType, { nullable: true, description: 'One case by global id or by number; null when there is none in your jurisdiction.' })
  async case(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID, { nullable: true, description: 'Global id of the case.' }) id?: string,
    @Arg('number', () => String, { nullable: true, description: 'Case number, e.g. SL202611230001.' }) number?: string,
  ): Promise<CaseRow | null> {
    const actor = requireOfficer(actorOf(ctx));
    return orNull(getCase(ctx.em, actor, { id: optionalId(id, 'Case'), number: number ?? undefined }, (caseId) => ctx.loaders.case.load(caseId)));
  }

  @Query(() => CaseConnection, { description: 'Cases in your jurisdiction (where they happened or who handles them).' })
  async cases(
    @Ctx() ctx: GraphQLContext,
    @Args() page: PageArgsType,
    @Arg('filter', () => CaseFilterInput, { nullable: true, description: 'Conditions on the cases.' }) filter?: CaseFilterInput,
    @Arg('orderBy', () => CaseOrderInput, { nullable: true, description: 'Sort order; newest reported first by default.' })
    orderBy?: CaseOrderInput,
  ) {
    const actor = requireOfficer(actorOf(ctx));
    const order = orderBy ?? DEFAULT_CASE_ORDER;
    const result = await listCases(
      ctx.em,
      actor,
      {
        ...filter,
        unitId: optionalId(filter?.unitId, 'Unit'),
        assigneeId: optionalId(filter?.assigneeId, 'Officer'),
      },
      order,
      page,
      ctx.services.clock.now(),
    );
    ctx.loaders.primeCases(result.nodes);
    return toConnection(result);
  }

  @FieldResolver(() => ID, { description: 'Global id.' })
  id(@Root() c: CaseRow): string {
    return toGlobalId('Case', c.id);
  }

  @FieldResolver(() => [AttachmentType], { description: 'Photos and documents linked to the case.' })
  attachments(@Root() c: CaseRow): (Attachment & { url: string })[] {
    return c.attachments.map((a) => ({ ...a, url: photoUrl(c.id, a.id) }));
  }

  @FieldResolver(() => Boolean, { description: 'Past its accept or resolve deadline and not yet resolved.' })
  overdue(@Root() c: CaseRow, @Ctx() ctx: GraphQLContext): boolean {
    return isOverdue(c, ctx.services.clock.now());
  }

  @FieldResolver(() => Date, {
    nullable: true,
    description:
      'The deadline in force: acceptDueAt (or dueAt, if earlier) until accepted, then dueAt until resolved; null once the clock has stopped. overdue means it has passed.',
  })
  deadline(@Root() c: CaseRow): Date | null {
    return ladderDeadline(c) ?? null;
  }

  @Bounded(Object.keys(CaseAction).length)
  @FieldResolver(() => [CaseAction], {
    description:
      'What you may do to this case now, as the workflow and your role and jurisdiction allow (the mutation named by each value would not refuse it for its status or your permission). Clients show these actions and no others.',
  })
  availableActions(@Root() c: CaseRow, @Ctx() ctx: GraphQLContext): Promise<Action[]> {
    return availableActions(requireOfficer(actorOf(ctx)), c, ctx.services.clock.now(), ctx.loaders.workflow);
  }

  @FieldResolver(() => UnitType, { description: 'Where it happened: the creation subject it counts against.' })
  async unit(@Root() c: CaseRow, @Ctx() ctx: GraphQLContext): Promise<UnitRow> {
    return required(await ctx.loaders.unit.load(c.unitId));
  }

  @FieldResolver(() => UnitType, { description: 'Who works it now (the township’s governance centre at first).' })
  async handlingUnit(@Root() c: CaseRow, @Ctx() ctx: GraphQLContext): Promise<UnitRow> {
    return required(await ctx.loaders.unit.load(c.handlingUnitId));
  }

  @FieldResolver(() => OfficerType, { nullable: true, description: 'The officer it is assigned to, if any.' })
  async assignee(@Root() c: CaseRow, @Ctx() ctx: GraphQLContext): Promise<OfficerRow | null> {
    return c.assigneeId != null ? ((await ctx.loaders.officer.load(c.assigneeId)) ?? null) : null;
  }

  @FieldResolver(() => CaseEventConnection, { description: 'The trail (全程留痕), oldest first.' })
  async events(@Root() c: CaseRow, @Ctx() ctx: GraphQLContext, @Args() args: PageArgsType) {
    const w = pageWindow(args);
    // The first page of every case of a list comes from one batched statement; other windows one by one.
    const page =
      !w.backward && !w.cursor
        ? await ctx.loaders.events(w.size).load(c.id)
        : await loadEventsWindow(ctx.em, c.id, w, w.cursor ? (decodeCursor(w.cursor, 'event', ['int'], w.argument)[0] as number) : undefined);
    return toConnection({ ...windowPage(page.events, w, (e) => encodeCursor('event', [e.seq])), totalCount: async () => page.total });
  }

  @Heavy()
  @Bounded(MOST_SIMILAR)
  @FieldResolver(() => [CaseType], {
    description: 'Likely duplicates in your jurisdiction: same kind, same place or a neighbour, similar text, within 90 days.',
  })
  async similarCases(@Root() c: CaseRow, @Ctx() ctx: GraphQLContext): Promise<CaseRow[]> {
    return ctx.loaders.similarCases.load(c.id);
  }

  @FieldResolver(() => Boolean, { description: 'A petition repeated by the same reporter or at the same place within 90 days (重复信访).' })
  async repeatedPetition(@Root() c: CaseRow, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    return ctx.loaders.repeatedPetition.load(c.id);
  }

  @FieldResolver(() => CaseType, { nullable: true, description: 'The case this one was merged into, if MERGED (null if outside your jurisdiction).' })
  async mergedInto(@Root() c: CaseRow, @Ctx() ctx: GraphQLContext): Promise<CaseRow | null> {
    if (c.mergedIntoId == null) return null;
    const target = await ctx.loaders.case.load(c.mergedIntoId);
    return target && canReadCase(requireOfficer(actorOf(ctx)), target) ? target : null;
  }

  @Heavy()
  @FieldResolver(() => TrailCheck, { description: 'Checks the hash chain of the trail. SUPERVISOR and above.' })
  async trailCheck(@Root() c: CaseRow, @Ctx() ctx: GraphQLContext): Promise<TrailCheck> {
    requireCapability(actorOf(ctx), 'checkTrail');
    const broken = await ctx.loaders.trail.load(c.id);
    return { intact: !broken, brokenAtSeq: broken?.seq ?? null, reason: broken?.reason ?? null };
  }

  @FieldResolver(() => ResidentType, { nullable: true, description: 'Who reported it; null when anonymous or filed by an officer.' })
  async reporter(@Root() c: CaseRow, @Ctx() ctx: GraphQLContext): Promise<ResidentType | null> {
    if (c.reporterId == null) return null;
    const officer = requireOfficer(actorOf(ctx));
    if (c.anonymous) return residentView(officer, { id: c.reporterId, displayName: '' }, c);
    const resident = await ctx.loaders.resident.load(c.reporterId);
    return resident ? residentView(officer, resident, c) : null;
  }
}

@ObjectType({ simpleResolvers: true, description: 'Whether a case’s trail is intact.' })
class TrailCheck {
  @Field({ description: 'true when every entry links to the one before and matches its hash.' })
  intact!: boolean;

  @Field(() => Int, { nullable: true, description: 'First entry found broken.' })
  brokenAtSeq?: number | null;

  @Field(() => String, { nullable: true, description: 'What is wrong there.' })
  reason?: string | null;
}

function required<T>(value: T | undefined): T {
  if (value === undefined) throw notFound('Unit');
  return value;
}
