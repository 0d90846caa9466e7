import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { CaseKind, CasePriority, CaseStatus, Channel, Escalation, ReturnVisitResult, SupervisionLevel } from '../../entities';
import { CaseOrderField, SortDirection } from '../../domain/cases/case.query';
import { connectionType, Node } from '../relay';
import { Bounded } from '../limits';
import { MAX_CASE_ATTACHMENTS } from '../../domain/cases/case-steps.service';

@ObjectType('Attachment', { simpleResolvers: true, description: 'A file linked to a case: a photo, a signed undertaking (息诉罢访保证书), …' })
export class AttachmentType {
  @Field({ description: 'Stable id of the file.' })
  id!: string;

  @Field({ description: 'Original file name.' })
  name!: string;

  @Field({ description: 'MIME type, e.g. image/jpeg.' })
  mimeType!: string;

  @Field(() => Int, { description: 'Size in bytes.' })
  size!: number;

  @Field({ description: 'When it was added (ISO 8601).' })
  addedAt!: string;

  @Field({
    description:
      'Where to fetch the file: GET it with the same `Authorization: Bearer <token>` header as GraphQL (in a page, fetch it and show a blob URL). 404 outside your jurisdiction, and for documents recorded by their details only.',
  })
  url!: string;
}

@ObjectType('Case', { simpleResolvers: true, implements: Node, description: 'A reported problem and its handling, from report to close-out (案件).' })
export class CaseType extends Node {
  @Field({ description: 'Human-readable number, e.g. SL202611230001.' })
  number!: string;

  @Field(() => CaseKind, { description: 'Kind of problem.' })
  kind!: CaseKind;

  @Field(() => CasePriority, { description: 'Priority, which sets the deadlines.' })
  priority!: CasePriority;

  @Field({ description: 'Short title.' })
  title!: string;

  @Field({ description: 'What happened, in the reporter’s words.' })
  description!: string;

  @Bounded(MAX_CASE_ATTACHMENTS)
  @Field(() => [AttachmentType], { description: `Photos and documents linked to the case (at most ${MAX_CASE_ATTACHMENTS}).` })
  attachments!: AttachmentType[];

  @Field(() => Channel, { description: 'How the case reached us.' })
  channel!: Channel;

  @Field(() => CaseStatus, { description: 'Where the case is in the workflow.' })
  status!: CaseStatus;

  @Field({ description: 'When it was reported.' })
  reportedAt!: Date;

  @Field({ description: 'Deadline to accept it (受理时限).' })
  acceptDueAt!: Date;

  @Field({ description: 'Deadline to resolve it (办结时限).' })
  dueAt!: Date;

  @Field({ description: 'The resolve deadline was extended once by a supervisor.' })
  deadlineExtended!: boolean;

  @Field({ nullable: true, description: 'When it was accepted.' })
  acceptedAt?: Date;

  @Field({ nullable: true, description: 'When it was resolved.' })
  resolvedAt?: Date;

  @Field({ nullable: true, description: 'When it was closed out (销号).' })
  closedAt?: Date;

  @Field(() => SupervisionLevel, { description: 'Supervision level (督办等级).' })
  supervisionLevel!: SupervisionLevel;

  @Field(() => Escalation, { description: 'Whether the case went beyond its unit.' })
  escalation!: Escalation;

  @Field(() => ReturnVisitResult, { nullable: true, description: 'Result of the return visit (回访), once recorded.' })
  returnVisit?: ReturnVisitResult;

  @Field({ description: 'When it was created in the system.' })
  createdAt!: Date;

  @Field({ description: 'When it last changed.' })
  updatedAt!: Date;

  @Field(() => Int, { description: 'Optimistic-lock version: pass it back to workflow mutations.' })
  version!: number;
}

export const CaseConnection = connectionType('Case', CaseType, 'case');

@InputType({ description: 'Which cases to list; every given condition must hold, list conditions match any of their values.' })
export class CaseFilterInput {
  @Field(() => [CaseStatus], { nullable: true, description: 'Only these statuses.' })
  status?: CaseStatus[];

  @Field(() => [CaseKind], { nullable: true, description: 'Only these kinds.' })
  kind?: CaseKind[];

  @Field(() => [CasePriority], { nullable: true, description: 'Only these priorities.' })
  priority?: CasePriority[];

  @Field(() => ID, { nullable: true, description: 'Only cases that happened at this unit or anywhere under it.' })
  unitId?: string;

  @Field(() => ID, { nullable: true, description: 'Only cases assigned to this officer.' })
  assigneeId?: string;

  @Field({
    nullable: true,
    description: 'true: only your own work (待办) — cases assigned to you and, for officers and above, cases handled at your unit that nobody is assigned to.',
  })
  mine?: boolean;

  @Field({ nullable: true, description: 'true: only overdue cases; false: only cases on time.' })
  overdue?: boolean;

  @Field(() => [SupervisionLevel], { nullable: true, description: 'Only these supervision levels.' })
  supervisionLevel?: SupervisionLevel[];

  @Field({ nullable: true, description: 'Reported at or after this time.' })
  reportedAfter?: Date;

  @Field({ nullable: true, description: 'Reported before this time.' })
  reportedBefore?: Date;

  @Field({
    nullable: true,
    description: 'A case number (SL…), or text to find inside the title or description (substring match, works for Chinese).',
  })
  search?: string;
}

@InputType({ description: 'Sort order of a case list; ties are broken by creation order.' })
export class CaseOrderInput {
  @Field(() => CaseOrderField, { description: 'What to sort by.' })
  field!: CaseOrderField;

  @Field(() => SortDirection, { description: 'Which way.' })
  direction!: SortDirection;
}
