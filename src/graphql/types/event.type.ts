import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { CaseEventType, CaseStatus } from '../../entities';
import type { OfficerRow } from '../../domain/read/rows';
import { STEP_TYPES, type StepType } from '../../domain/cases/workflow';
import { connectionType, Node } from '../relay';
import { Bounded } from '../limits';
import { MAX_STEP_ATTACHMENTS } from '../../domain/cases/case-steps.service';
import { AttachmentType } from './case.type';
import { OfficerType, ResidentType } from './officer.type';

/** Who wrote a trail entry. */
export enum ActorKind {
  OFFICER = 'OFFICER',
  RESIDENT = 'RESIDENT',
  SYSTEM = 'SYSTEM',
}
registerEnumType(ActorKind, {
  name: 'ActorKind',
  description: 'Who acted on a trail entry.',
  valuesConfig: {
    OFFICER: { description: 'An officer (工作人员), named in `officer`.' },
    RESIDENT: { description: 'The member of the public who reported the case (群众), shown in `resident`.' },
    SYSTEM: { description: 'The system itself (系统): deadline sweeps, imports and other automatic entries.' },
  },
});

@ObjectType('CaseEventActor', { simpleResolvers: true, description: 'Who acted on a trail entry: an officer, the resident, or the system.' })
export class CaseEventActor {
  @Field(() => ActorKind, { description: 'Officer, resident or system.' })
  kind!: ActorKind;

  @Field({ description: 'Name to show: the officer’s name, the resident’s display name (匿名 when they reported anonymously), or 系统.' })
  name!: string;

  @Field(() => OfficerType, { nullable: true, description: 'The officer, when an officer acted.' })
  officer?: OfficerRow | null;

  @Field(() => ResidentType, {
    nullable: true,
    description: 'The resident, when a resident acted; phone masked as on Case.reporter, nothing but 匿名 when they reported anonymously.',
  })
  resident?: ResidentType | null;
}

registerEnumType(CaseEventType, {
  name: 'CaseEventType',
  description: 'What a trail entry records (全程留痕).',
  valuesConfig: {
    REPORT: { description: 'Reported (上报).' },
    ACCEPT: { description: 'Accepted (受理).' },
    REJECT: { description: 'Not accepted, with the reason (不予受理).' },
    ASSIGN: { description: 'Assigned to a unit or officer (交办).' },
    START: { description: 'Work started (开始办理).' },
    RESOLVE: { description: 'Resolved, with what was done (办结).' },
    CLOSE: { description: 'Closed out without a return visit by a supervisor (销号).' },
    REOPEN: { description: 'Reopened with a fresh deadline (重办).' },
    ESCALATE: { description: 'Escalated to the unit above, or recorded as beyond the unit (上报/越级).' },
    SUPERVISE: { description: 'Supervision level raised (督办).' },
    EXTEND_DEADLINE: { description: 'Resolve deadline extended once (延期).' },
    MERGE: { description: 'A duplicate was folded into this case.' },
    MERGED_INTO: { description: 'This case was folded into another as a duplicate (合并).' },
    NOTE: { description: 'A note (备注).' },
    RETURN_VISIT: { description: 'Return visit result recorded (回访).' },
    REVIEW: { description: 'Case review (评查).' },
    COLLECTIVE_ANALYSIS: { description: 'Collective analysis (集中研判).' },
    MEDIATION: { description: 'Mediation (协调化解).' },
    HEARING: { description: 'Hearing held (组织听证).' },
    LAWYER: { description: 'Lawyer involved (律师代理).' },
    JUDICIAL_AID: { description: 'Judicial aid granted, with its amount (司法救助).' },
    IMPORTED: { description: 'Imported from another system.' },
  },
});

/** The typed steps an officer may record with addCaseNote: the domain's list, as a GraphQL enum. */
export const CaseStepType = Object.fromEntries(STEP_TYPES.map((t) => [t, t])) as { [K in StepType]: K };
export type CaseStepType = StepType;
registerEnumType(CaseStepType, {
  name: 'CaseStepType',
  description: 'A note or a step of the legal-petition process (涉法涉诉信访) recorded on the trail.',
  valuesConfig: {
    NOTE: { description: 'A plain note (备注).' },
    REVIEW: { description: 'Case review (评查).' },
    COLLECTIVE_ANALYSIS: { description: 'Collective analysis (集中研判).' },
    MEDIATION: { description: 'Mediation (协调化解).' },
    HEARING: { description: 'Hearing (组织听证).' },
    LAWYER: { description: 'Lawyer involvement (律师代理).' },
    JUDICIAL_AID: { description: 'Judicial aid (司法救助): give the amount.' },
  },
});

@ObjectType('CaseEvent', { simpleResolvers: true, implements: Node, description: 'One entry of a case’s append-only, hash-chained trail (全程留痕).' })
export class CaseEventObject extends Node {
  @Field(() => Int, { description: 'Position in the case’s trail, from 1.' })
  seq!: number;

  @Field(() => CaseEventType, { description: 'What happened.' })
  type!: CaseEventType;

  @Field(() => CaseStatus, { nullable: true, description: 'Status before.' })
  fromStatus?: CaseStatus;

  @Field(() => CaseStatus, { nullable: true, description: 'Status after.' })
  toStatus?: CaseStatus;

  @Field(() => String, { nullable: true, description: 'Note, reason or result written with it.' })
  note?: string;

  @Field(() => Float, { nullable: true, description: 'Amount in yuan (JUDICIAL_AID).' })
  amount?: number | null;

  @Bounded(MAX_STEP_ATTACHMENTS)
  @Field(() => [AttachmentType], { description: `Documents recorded with this entry (at most ${MAX_STEP_ATTACHMENTS}).` })
  attachments!: AttachmentType[];

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Other details of the entry (target unit, escalation type, deadlines, …).' })
  details?: Record<string, unknown> | null;

  @Field(() => CaseEventActor, { description: 'Who acted: an officer, the resident, or the system.' })
  actor!: CaseEventActor;

  @Field({ description: 'When it happened.' })
  createdAt!: Date;

  @Field({ description: 'SHA-256 of this entry and the previous hash.' })
  hash!: string;

  @Field({ description: 'Hash of the previous entry (64 zeros for the first).' })
  prevHash!: string;
}

export const CaseEventConnection = connectionType('CaseEvent', CaseEventObject, 'trail entry');
