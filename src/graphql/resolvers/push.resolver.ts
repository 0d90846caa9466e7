import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { CaseRow, OfficerRow } from '../../domain/read/rows';
import { canReadCase, requireOfficer } from '../../domain/access/access';
import { acknowledgePushes, listOwnPushes, listPushes, retryPush, unreadPushCount, type PushView } from '../../domain/push/push.query';
import { residentView } from '../../domain/access/access';
import { actorOf, type GraphQLContext } from '../context';
import { fromGlobalId, optionalId, PageArgsType, toConnection, toGlobalId } from '../relay';
import { CaseType } from '../types/case.type';
import { ResidentType } from '../types/officer.type';
import {
  AcknowledgePushesInput,
  AcknowledgePushesPayload,
  PushConnection,
  PushFilterInput,
  PushRecipient,
  PushType,
  RetryPushInput,
  RetryPushPayload,
} from '../types/push.type';

@Resolver(() => PushType)
export class PushResolver {
  @Query(() => PushConnection, {
    description:
      'Supervisors and admins: pushes (推送) newest first — those to officers of your unit or below, and those about cases in your jurisdiction. FORBIDDEN for other roles.',
  })
  async pushes(
    @Ctx() ctx: GraphQLContext,
    @Args() page: PageArgsType,
    @Arg('filter', () => PushFilterInput, { nullable: true, description: 'Conditions on the pushes.' }) filter?: PushFilterInput,
  ) {
    const result = await listPushes(ctx.em, actorOf(ctx), { state: filter?.state, topic: filter?.topic, caseId: optionalId(filter?.caseId, 'Case') }, page);
    return toConnection(result);
  }

  @Mutation(() => RetryPushPayload, {
    description:
      'Supervisors and admins: send a dead letter (DEAD push) again — it goes back to PENDING with its attempts reset. BAD_USER_INPUT when the push is not DEAD; NOT_FOUND outside your scope.',
  })
  async retryPush(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => RetryPushInput, { description: 'Which push.' }) input: RetryPushInput,
  ): Promise<{ push: PushView }> {
    return { push: await retryPush(ctx.em, actorOf(ctx), String(fromGlobalId(input.id, 'Push').id), ctx.services.clock.now()) };
  }

  @Query(() => PushConnection, {
    description:
      'Every officer: your own pushes (消息), newest first — assignments, reminders, urges, digests — whether or not you have a chat bound. Pushes due later and those dropped before sending are left out.',
  })
  async myPushes(@Ctx() ctx: GraphQLContext, @Args() page: PageArgsType) {
    return toConnection(await listOwnPushes(ctx.em, actorOf(ctx), page, ctx.services.clock.now()));
  }

  @Query(() => Int, { description: 'Every officer: how many of your pushes you have not seen yet (in the workbench or on your chat).' })
  async unreadPushCount(@Ctx() ctx: GraphQLContext): Promise<number> {
    return unreadPushCount(ctx.em, actorOf(ctx), ctx.services.clock.now());
  }

  @Mutation(() => AcknowledgePushesPayload, {
    description:
      'Every officer: you have seen your pushes up to this one (the workbench sends it after showing them). They count as delivered; a chat send still pending for them is not made.',
  })
  async acknowledgePushes(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => AcknowledgePushesInput, { description: 'The newest push shown.' }) input: AcknowledgePushesInput,
  ): Promise<AcknowledgePushesPayload> {
    return acknowledgePushes(ctx.em, actorOf(ctx), input.upTo, ctx.services.clock.now());
  }

  @FieldResolver(() => ID, { description: 'Global id; pass it to retryPush or node(id).' })
  id(@Root() push: PushView): string {
    return toGlobalId('Push', push.id);
  }

  @FieldResolver(() => String, { description: 'Number of the push, as the delivery log names it ("push 42 … dead letter").' })
  number(@Root() push: PushView): string {
    return push.id;
  }

  @FieldResolver(() => PushRecipient, {
    nullable: true,
    description:
      'Who it goes to: the officer, or the resident (shown like Case.reporter: masked phone, nameless when anonymous); null if they no longer exist.',
  })
  async recipient(@Root() push: PushView, @Ctx() ctx: GraphQLContext): Promise<OfficerRow | ResidentType | null> {
    if (push.officerId != null) return (await ctx.loaders.officer.load(push.officerId)) ?? null;
    if (push.residentId == null) return null;
    const [resident, c] = await Promise.all([ctx.loaders.resident.load(push.residentId), push.caseId != null ? ctx.loaders.case.load(push.caseId) : undefined]);
    return resident ? residentView(requireOfficer(actorOf(ctx)), resident, c) : null;
  }

  @FieldResolver(() => CaseType, {
    nullable: true,
    description: 'The case it is about; null for digests and reports, and for cases outside your jurisdiction.',
  })
  async case(@Root() push: PushView, @Ctx() ctx: GraphQLContext): Promise<CaseRow | null> {
    if (push.caseId == null) return null;
    const c = await ctx.loaders.case.load(push.caseId);
    return c && canReadCase(requireOfficer(actorOf(ctx)), c) ? c : null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'The text as the chat shows it (Chinese); null when the topic has nothing to say there.' })
  text(@Root() push: PushView, @Ctx() ctx: GraphQLContext): string | null {
    return ctx.services.renderPush(push.message) ?? null;
  }
}
