import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Officer, Unit } from '../../entities';
import { requireOfficer } from '../../domain/access';
import { login } from '../../domain/auth.service';
import { officerPhoneFor } from '../../domain/officer.service';
import { issueBindingCode } from '../../domain/officer-chat.service';
import { notFound } from '../../domain/errors';
import { actorOf, type GraphQLContext } from '../context';
import { toGlobalId } from '../relay';
import { ChatBindingCode, LoginInput, LoginPayload, OfficerType } from '../types/officer.type';
import { UnitType } from '../types/unit.type';

@Resolver(() => OfficerType)
export class OfficerResolver {
  @Query(() => OfficerType, { nullable: true, description: 'The officer you are logged in as; null without a token.' })
  async me(@Ctx() ctx: GraphQLContext): Promise<Officer | null> {
    const actor = actorOf(ctx);
    if (!actor) return null;
    return (await ctx.loaders.officer.load(actor.id)) ?? null;
  }

  @Mutation(() => LoginPayload, { description: 'Log in with phone and password; returns a bearer token. UNAUTHENTICATED when wrong.' })
  async login(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => LoginInput, { description: 'Phone and password.' }) input: LoginInput,
  ) {
    const result = await login(ctx.em, ctx.services.tokens, input, ctx.services.clock.now());
    // The rest of this request sees the officer who just proved who they are.
    ctx.actor = result.actor;
    ctx.authError = undefined;
    return result;
  }

  @Mutation(() => ChatBindingCode, { description: 'A one-time code to bind your WeChat (or web chat) to your account: send “绑定 <code>” to the bot within 10 minutes; then “待办” lists your open cases and pushes reach you there.' })
  async chatBindingCode(@Ctx() ctx: GraphQLContext): Promise<ChatBindingCode> {
    return issueBindingCode(ctx.em, actorOf(ctx), ctx.services.clock.now());
  }

  @FieldResolver(() => ID, { description: 'Global id.' })
  id(@Root() officer: Officer): string {
    return toGlobalId('Officer', officer.id);
  }

  @FieldResolver(() => String, { description: 'Mobile phone; masked unless it is you or you are an admin.' })
  phone(@Root() officer: Officer, @Ctx() ctx: GraphQLContext): string {
    return officerPhoneFor(requireOfficer(actorOf(ctx)), officer);
  }

  @FieldResolver(() => UnitType, { description: 'Their unit: their jurisdiction is it and everything under it.' })
  async unit(@Root() officer: Officer, @Ctx() ctx: GraphQLContext): Promise<Unit> {
    const unit = await ctx.loaders.unit.load(officer.unit.id);
    if (!unit) throw notFound('Unit');
    return unit;
  }
}
