import { Field, Float, ID, InputType, Int, ObjectType, type ClassType } from 'type-graphql';
import { CaseKind, CasePriority, Channel, Escalation, ReturnVisitResult, SupervisionLevel } from '../../entities';
import { CaseType } from './case.type';
import { CaseStepType } from './event.type';

/** Builds the `<Name>Payload` type of a workflow mutation: the case after the change (Relay style). */
function payload(name: string, what: string): ClassType<{ case: unknown }> {
  @ObjectType(`${name}Payload`, { simpleResolvers: true, description: `Result of ${what}.` })
  class Payload {
    @Field(() => CaseType, { description: 'The case after the change.' })
    case!: unknown;
  }
  return Payload;
}

export const ReportCasePayload = payload('ReportCase', 'reportCase');
export const AcceptCasePayload = payload('AcceptCase', 'acceptCase');
export const RejectCasePayload = payload('RejectCase', 'rejectCase');
export const AssignCasePayload = payload('AssignCase', 'assignCase');
export const StartCasePayload = payload('StartCase', 'startCase');
export const ResolveCasePayload = payload('ResolveCase', 'resolveCase');
export const CloseCasePayload = payload('CloseCase', 'closeCase');
export const ReopenCasePayload = payload('ReopenCase', 'reopenCase');
export const EscalateCasePayload = payload('EscalateCase', 'escalateCase');
export const SuperviseCasePayload = payload('SuperviseCase', 'superviseCase');
export const ExtendDeadlinePayload = payload('ExtendDeadline', 'extendDeadline');
export const MergeCasePayload = payload('MergeCase', 'mergeCase (the duplicate, now MERGED)');
export const AddCaseNotePayload = payload('AddCaseNote', 'addCaseNote');
export const RecordReturnVisitPayload = payload('RecordReturnVisit', 'recordReturnVisit');

@InputType({ description: 'The case to change and the version you saw (a stale version gives VERSION_CONFLICT).' })
export class CaseVersionInput {
  @Field(() => ID, { description: 'Global id of the case.' })
  id!: string;

  @Field(() => Int, { description: 'Case.version as you loaded it.' })
  version!: number;
}

@InputType({ description: 'A transition with an optional note.' })
export class CaseNoteOptionalInput extends CaseVersionInput {
  @Field({ nullable: true, description: 'Optional note for the trail.' })
  note?: string;
}

@InputType('AcceptCaseInput', { description: 'Accept a reported case (受理).' })
export class AcceptCaseInput extends CaseNoteOptionalInput {}

@InputType('StartCaseInput', { description: 'Start working an assigned case.' })
export class StartCaseInput extends CaseNoteOptionalInput {}

@InputType({ description: 'Refuse a reported case (不予受理).' })
export class RejectCaseInput extends CaseVersionInput {
  @Field({ description: 'Why, as told to the reporter (e.g. the proper legal channel).' })
  reason!: string;
}

@InputType({
  description:
    'Give an accepted case to a unit under the handling unit and/or an officer there (交办). With neither, it goes to the responsible officer (驻村民警) of its place.',
})
export class AssignCaseInput extends CaseNoteOptionalInput {
  @Field(() => ID, { nullable: true, description: 'Unit to hand it to; must lie under the handling unit.' })
  unitId?: string;

  @Field(() => ID, { nullable: true, description: 'Officer to work it; their jurisdiction must cover the unit.' })
  assigneeId?: string;
}

@InputType({ description: 'Mark a case resolved (办结); the reporter is asked for the return visit.' })
export class ResolveCaseInput extends CaseVersionInput {
  @Field({ description: 'What was done.' })
  note!: string;
}

@InputType({ description: 'Close out (销号) without a return visit: supervisors only, when the reporter is anonymous or silent for 3 working days.' })
export class CloseCaseInput extends CaseVersionInput {
  @Field({ description: 'Why it is closed without a visit.' })
  note!: string;
}

@InputType({ description: 'Reopen a resolved or closed case with a fresh deadline (重办): supervisors only.' })
export class ReopenCaseInput extends CaseVersionInput {
  @Field({ description: 'Why.' })
  reason!: string;
}

@InputType({ description: 'Move a case to the unit above, or record that it went beyond the unit.' })
export class EscalateCaseInput extends CaseVersionInput {
  @Field(() => Escalation, {
    description: 'REQUIRES_HIGHER_AUTHORITY (needs the level above) or BEYOND_UNIT (越级访, or the unit failed to resolve it: costs its 零上访).',
  })
  escalation!: Escalation;

  @Field({ description: 'Why.' })
  reason!: string;

  @Field({
    nullable: true,
    defaultValue: true,
    description: 'Hand the case to the unit above (default). false only records the escalation, e.g. a skip-level petition already received above.',
  })
  moveUp?: boolean;
}

@InputType({ description: 'Raise the supervision level by hand (督办): supervisors only.' })
export class SuperviseCaseInput extends CaseNoteOptionalInput {
  @Field(() => SupervisionLevel, { description: 'New level; must be above the current one.' })
  level!: SupervisionLevel;
}

@InputType({ description: 'Extend the resolve deadline once (NORMAL: to 15 working days; petitions: to 90 days): supervisors only.' })
export class ExtendDeadlineInput extends CaseVersionInput {
  @Field({ description: 'Why.' })
  reason!: string;
}

@InputType({ description: 'Fold a duplicate into another open case; its reporter then follows that case.' })
export class MergeCaseInput extends CaseNoteOptionalInput {
  @Field(() => ID, { description: 'The case to keep.' })
  intoId!: string;
}

@InputType({ description: 'A document recorded with a step, e.g. a signed undertaking to end the petition (息诉罢访保证书).' })
export class StepAttachmentInput {
  @Field({ description: 'File name.' })
  name!: string;

  @Field({ description: 'MIME type, e.g. application/pdf.' })
  mimeType!: string;

  @Field(() => Int, { description: 'Size in bytes.' })
  size!: number;
}

@InputType({ description: 'A note or typed step on the trail; it does not change the case’s status or version.' })
export class AddCaseNoteInput {
  @Field(() => ID, { description: 'Global id of the case.' })
  id!: string;

  @Field(() => Int, { nullable: true, description: 'Optional: the version you saw, to refuse the note if the case changed.' })
  version?: number;

  @Field(() => CaseStepType, { nullable: true, defaultValue: CaseStepType.NOTE, description: 'Kind of entry (default NOTE).' })
  type?: CaseStepType;

  @Field({ description: 'The note.' })
  note!: string;

  @Field(() => Float, { nullable: true, description: 'Amount in yuan; required for JUDICIAL_AID, refused otherwise.' })
  amount?: number;

  @Field(() => [StepAttachmentInput], { nullable: true, description: 'Documents recorded with the step.' })
  attachments?: StepAttachmentInput[];
}

@InputType({ description: 'The reporter’s verdict on the return visit (回访): satisfied closes, dissatisfied reopens.' })
export class RecordReturnVisitInput extends CaseNoteOptionalInput {
  @Field(() => ReturnVisitResult, { description: 'The verdict.' })
  result!: ReturnVisitResult;
}

@InputType({ description: 'The resident an officer files for.' })
export class ReporterInput {
  @Field({ description: 'Name as given.' })
  displayName!: string;

  @Field({ nullable: true, description: 'Phone, if given (masked to officers below the handling unit).' })
  phone?: string;
}

@InputType({ description: 'File a case as an officer: for a resident who called or came in, or an incident such as an accident.' })
export class ReportCaseInput {
  @Field(() => CaseKind, { description: 'Kind of problem.' })
  kind!: CaseKind;

  @Field(() => CasePriority, {
    nullable: true,
    defaultValue: CasePriority.NORMAL,
    description: 'Priority (default NORMAL); EMERGENCY alerts the chain at once.',
  })
  priority?: CasePriority;

  @Field({ description: 'Short title (≤ 200 characters).' })
  title!: string;

  @Field({ description: 'What happened (≤ 5000 characters).' })
  description!: string;

  @Field(() => ID, { description: 'Where it happened: a unit in your jurisdiction.' })
  unitId!: string;

  @Field(() => Channel, { nullable: true, defaultValue: Channel.GRAPHQL, description: 'How it reached you: GRAPHQL (default), HOTLINE, IMPORT or OPEN311.' })
  channel?: Channel;

  @Field(() => ReporterInput, { nullable: true, description: 'The resident, if any; leave out for anonymous reports and incidents.' })
  reporter?: ReporterInput;
}

@InputType({ description: 'Name (or clear) the responsible officer (驻村民警/网格员) of a village or community.' })
export class SetResponsibleOfficerInput {
  @Field(() => ID, { description: 'The village or community.' })
  unitId!: string;

  @Field(() => ID, { nullable: true, description: 'The officer; null clears it. Their jurisdiction must cover the unit.' })
  officerId?: string | null;
}
