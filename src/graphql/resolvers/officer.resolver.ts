import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { officerRowOf, type OfficerRow, type UnitRow } from '../../domain/read/rows';
import { requireOfficer } from '../../domain/access/access';
import { login, logout } from '../../domain/access/auth.service';
import { listLoginAttempts } from '../../domain/access/login-audit';
import { officerPhoneFor, setOfficerActive, unlockLogin } from '../../domain/registry/officer.service';
import { issueBindingCode } from '../../domain/registry/officer-chat.service';
import { notFound } from '../../domain/errors';
import { actorOf, type GraphQLContext } from '../context';
import { fromGlobalId, PageArgsType, toConnection, toGlobalId } from '../relay';
import { ChatBindingCode, LoginAttemptConnection, LoginInput, LoginPayload, OfficerIdInput, OfficerType, UnlockLoginInput } from '../types/officer.type';
import { UnitType } from '../types/unit.type';

@Resolver(() => OfficerType)
export class OfficerResolver {
  @Query(() => OfficerType, { nullable: true, description: 'The officer you are logged in as; null without a token.' })
  async me(@Ctx() ctx: GraphQLContext): Promise<OfficerRow | null> {
    const actor = actorOf(ctx);
    if (!actor) return null;
    return (await ctx.loaders.officer.load(actor.id)) ?? null;
  }

  @Mutation(() => LoginPayload, {
    description:
      'Log in with phone and password; returns a bearer token. UNAUTHENTICATED when wrong; RATE_LIMITED (with extensions.retryAfter in seconds, and locked: true when only an admin can lift it) after repeated failures for the phone or from your network.',
  })
  async login(@Ctx() ctx: GraphQLContext, @Arg('input', () => LoginInput, { description: 'Phone and password.' }) input: LoginInput) {
    const result = await login(ctx.em, ctx.services.tokens, input, { now: ctx.services.clock.now(), clientAddress: ctx.clientIp });
    // The rest of this request sees the officer who just proved who they are.
    ctx.actor = result.actor;
    ctx.authError = undefined;
    return { ...result, officer: officerRowOf(result.officer) };
  }

  @Mutation(() => Boolean, {
    description:
      'Log out everywhere: every token issued to you until now is refused from now on (UNAUTHENTICATED), on this device and any other. Answers true.',
  })
  async logout(@Ctx() ctx: GraphQLContext): Promise<boolean> {
    await logout(ctx.em, actorOf(ctx), ctx.services.tokens);
    return true;
  }

  @Mutation(() => OfficerType, {
    description: 'Admins: lift the login lock (and any back-off) of an officer in your jurisdiction after repeated wrong passwords.',
  })
  async unlockLogin(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => UnlockLoginInput, { description: 'Whose login to unlock.' }) input: UnlockLoginInput,
  ): Promise<OfficerRow> {
    return unlockLogin(ctx.em, actorOf(ctx), input.phone);
  }

  @Mutation(() => OfficerType, {
    description:
      'Admins: deactivate an officer of your jurisdiction (someone who left, or a lost phone): they cannot log in, and their tokens are refused from the next request on. Not yourself.',
  })
  async deactivateOfficer(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => OfficerIdInput, { description: 'Whom to deactivate.' }) input: OfficerIdInput,
  ): Promise<OfficerRow> {
    const row = await setOfficerActive(ctx.em, actorOf(ctx), fromGlobalId(input.officerId, 'Officer').id, false);
    ctx.loaders.officer.clear(row.id);
    return row;
  }

  @Mutation(() => OfficerType, { description: 'Admins: let a deactivated officer of your jurisdiction log in again.' })
  async reactivateOfficer(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => OfficerIdInput, { description: 'Whom to reactivate.' }) input: OfficerIdInput,
  ): Promise<OfficerRow> {
    const row = await setOfficerActive(ctx.em, actorOf(ctx), fromGlobalId(input.officerId, 'Officer').id, true);
    ctx.loaders.officer.clear(row.id);
    return row;
  }

  @Query(() => LoginAttemptConnection, {
    description:
      'Admins: the login audit log, newest first: attempts on officers of your jurisdiction (and, for admins of the top unit, on phones that match nobody).',
  })
  async loginAttempts(@Ctx() ctx: GraphQLContext, @Args() page: PageArgsType) {
    return toConnection(await listLoginAttempts(ctx.em, actorOf(ctx), page));
  }

  @Mutation(() => ChatBindingCode, {
    description:
      'A one-time code to bind your WeChat (or web chat) to your account: send “绑定 <code>” to the bot within 10 minutes; then “待办” lists your open cases and pushes reach you there.',
  })
  async chatBindingCode(@Ctx() ctx: GraphQLContext): Promise<ChatBindingCode> {
    return issueBindingCode(ctx.em, actorOf(ctx), ctx.services.clock.now());
  }

  @FieldResolver(() => ID, { description: 'Global id.' })
  id(@Root() officer: OfficerRow): string {
    return toGlobalId('Officer', officer.id);
  }

  @FieldResolver(() => String, { description: 'Mobile phone; masked unless it is you or you are an admin.' })
  phone(@Root() officer: OfficerRow, @Ctx() ctx: GraphQLContext): string {
    return officerPhoneFor(requireOfficer(actorOf(ctx)), officer);
  }

  @FieldResolver(() => UnitType, { description: 'Their unit: their jurisdiction is it and everything under it.' })
  async unit(@Root() officer: OfficerRow, @Ctx() ctx: GraphQLContext): Promise<UnitRow> {
    const unit = await ctx.loaders.unit.load(officer.unitId);
    if (!unit) throw notFound('Unit');
    return unit;
  }
}
