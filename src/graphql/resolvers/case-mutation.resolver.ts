import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Case } from '../../entities';
import { caseRowOf, unitRowOf, type CaseRow, type UnitRow } from '../../domain/read/rows';
import { requireOfficer } from '../../domain/access/access';
import { reportCase } from '../../domain/cases/case-report.service';
import { addCaseNote, mergeCase, setResponsibleOfficer } from '../../domain/cases/case-steps.service';
import * as workflow from '../../domain/cases/case-workflow.service';
import { actorOf, type GraphQLContext } from '../context';
import { fromGlobalId, optionalId } from '../relay';
import { UnitType } from '../types/unit.type';
import * as t from '../types/workflow.type';

/** Workflow mutations: each parses its input, calls one domain function, returns `{ case }`. */
@Resolver()
export class CaseMutationResolver {
  private run<I extends { id: string; version?: number | null }, X>(
    ctx: GraphQLContext,
    input: I,
    fn: (em: GraphQLContext['em'], actor: ReturnType<typeof actorOf>, ref: Omit<I, 'id'> & { id: number } & X, now: Date) => Promise<Case>,
    extra?: X,
  ): Promise<{ case: CaseRow }> {
    requireOfficer(actorOf(ctx)); // who you are is checked before what you sent
    const ref = { ...input, ...extra, id: fromGlobalId(input.id, 'Case').id } as unknown as Omit<I, 'id'> & { id: number } & X;
    return fn(ctx.em, actorOf(ctx), ref, ctx.services.clock.now()).then((c) => ({ case: caseRowOf(c) }));
  }

  @Mutation(() => t.ReportCasePayload, { description: 'File a case (OFFICER and above, in your jurisdiction); the township of its place receives it.' })
  async reportCase(@Ctx() ctx: GraphQLContext, @Arg('input', () => t.ReportCaseInput, { description: 'The case.' }) input: t.ReportCaseInput) {
    requireOfficer(actorOf(ctx));
    const c = await reportCase(
      ctx.em,
      actorOf(ctx),
      { ...input, priority: input.priority!, unitId: fromGlobalId(input.unitId, 'Unit').id },
      ctx.services.clock.now(),
    );
    return { case: caseRowOf(c) };
  }

  @Mutation(() => t.AcceptCasePayload, { description: 'REPORTED → ACCEPTED (受理). OFFICER and above of the handling unit.' })
  acceptCase(@Ctx() ctx: GraphQLContext, @Arg('input', () => t.AcceptCaseInput, { description: 'Case, version, note.' }) input: t.AcceptCaseInput) {
    return this.run(ctx, input, workflow.acceptCase);
  }

  @Mutation(() => t.RejectCasePayload, { description: 'REPORTED → REJECTED with a reason. OFFICER and above.' })
  rejectCase(@Ctx() ctx: GraphQLContext, @Arg('input', () => t.RejectCaseInput, { description: 'Case, version, reason.' }) input: t.RejectCaseInput) {
    return this.run(ctx, input, workflow.rejectCase);
  }

  @Mutation(() => t.AssignCasePayload, {
    description: 'ACCEPTED/ASSIGNED → ASSIGNED (交办) to a unit under the handling unit and/or an officer. OFFICER and above.',
  })
  assignCase(@Ctx() ctx: GraphQLContext, @Arg('input', () => t.AssignCaseInput, { description: 'Case, version, target.' }) input: t.AssignCaseInput) {
    return this.run(ctx, input, workflow.assignCase, { unitId: optionalId(input.unitId, 'Unit'), assigneeId: optionalId(input.assigneeId, 'Officer') });
  }

  @Mutation(() => t.StartCasePayload, { description: 'ASSIGNED → IN_PROGRESS. The assignee, or OFFICER and above.' })
  startCase(@Ctx() ctx: GraphQLContext, @Arg('input', () => t.StartCaseInput, { description: 'Case, version, note.' }) input: t.StartCaseInput) {
    return this.run(ctx, input, workflow.startCase);
  }

  @Mutation(() => t.ResolveCasePayload, {
    description: 'IN_PROGRESS → RESOLVED (办结); asks the reporter for the return visit. The assignee, or OFFICER and above.',
  })
  resolveCase(@Ctx() ctx: GraphQLContext, @Arg('input', () => t.ResolveCaseInput, { description: 'Case, version, what was done.' }) input: t.ResolveCaseInput) {
    return this.run(ctx, input, workflow.resolveCase);
  }

  @Mutation(() => t.CloseCasePayload, {
    description: 'RESOLVED → CLOSED (销号) without a return visit. SUPERVISOR, when the reporter is anonymous or silent for 3 working days.',
  })
  closeCase(@Ctx() ctx: GraphQLContext, @Arg('input', () => t.CloseCaseInput, { description: 'Case, version, note.' }) input: t.CloseCaseInput) {
    return this.run(ctx, input, workflow.closeCase);
  }

  @Mutation(() => t.ReopenCasePayload, { description: 'RESOLVED/CLOSED → IN_PROGRESS with a fresh deadline (重办). SUPERVISOR.' })
  reopenCase(@Ctx() ctx: GraphQLContext, @Arg('input', () => t.ReopenCaseInput, { description: 'Case, version, reason.' }) input: t.ReopenCaseInput) {
    return this.run(ctx, input, workflow.reopenCase);
  }

  @Mutation(() => t.EscalateCasePayload, { description: 'Hand an open case to the unit above, or record that it went beyond the unit. OFFICER and above.' })
  escalateCase(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => t.EscalateCaseInput, { description: 'Case, version, escalation, reason.' }) input: t.EscalateCaseInput,
  ) {
    return this.run(ctx, input, workflow.escalateCase);
  }

  @Mutation(() => t.SuperviseCasePayload, { description: 'Raise the supervision level (督办) and notify the handling unit. SUPERVISOR.' })
  superviseCase(@Ctx() ctx: GraphQLContext, @Arg('input', () => t.SuperviseCaseInput, { description: 'Case, version, level.' }) input: t.SuperviseCaseInput) {
    return this.run(ctx, input, workflow.superviseCase);
  }

  @Mutation(() => t.ExtendDeadlinePayload, { description: 'Extend the resolve deadline once, with a reason. SUPERVISOR.' })
  extendDeadline(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => t.ExtendDeadlineInput, { description: 'Case, version, reason.' }) input: t.ExtendDeadlineInput,
  ) {
    return this.run(ctx, input, workflow.extendDeadline);
  }

  @Mutation(() => t.MergeCasePayload, { description: 'Fold a duplicate into another open case (→ MERGED). OFFICER and above.' })
  mergeCase(@Ctx() ctx: GraphQLContext, @Arg('input', () => t.MergeCaseInput, { description: 'Duplicate, version, target.' }) input: t.MergeCaseInput) {
    return this.run(ctx, input, mergeCase, { intoId: fromGlobalId(input.intoId, 'Case').id });
  }

  @Mutation(() => t.AddCaseNotePayload, {
    description: 'Add a note or a typed step (评查, 研判, 化解, 听证, 律师, 司法救助) to the trail. The assignee, or OFFICER and above.',
  })
  addCaseNote(@Ctx() ctx: GraphQLContext, @Arg('input', () => t.AddCaseNoteInput, { description: 'Case, step and note.' }) input: t.AddCaseNoteInput) {
    return this.run(ctx, input, addCaseNote as never);
  }

  @Mutation(() => t.RecordReturnVisitPayload, {
    description: 'Record the return visit (回访): SATISFIED/BASICALLY_SATISFIED closes, DISSATISFIED reopens. OFFICER and above.',
  })
  recordReturnVisit(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => t.RecordReturnVisitInput, { description: 'Case, version, result.' }) input: t.RecordReturnVisitInput,
  ) {
    return this.run(ctx, input, workflow.recordReturnVisit);
  }

  @Mutation(() => UnitType, { description: 'Name or clear the responsible officer (驻村民警负责制) of a village or community. SUPERVISOR and above.' })
  setResponsibleOfficer(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => t.SetResponsibleOfficerInput, { description: 'Unit and officer.' }) input: t.SetResponsibleOfficerInput,
  ): Promise<UnitRow> {
    requireOfficer(actorOf(ctx));
    return setResponsibleOfficer(ctx.em, actorOf(ctx), {
      unitId: fromGlobalId(input.unitId, 'Unit').id,
      officerId: optionalId(input.officerId, 'Officer') ?? null,
    }).then(unitRowOf);
  }
}
