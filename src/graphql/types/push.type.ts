import { createUnionType, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PushState } from '../../entities';
import { connectionType, Node } from '../relay';
import { OfficerType, ResidentType } from './officer.type';

registerEnumType(PushState, {
  name: 'PushState',
  description: 'Where a push (推送) stands in delivery.',
  valuesConfig: {
    PENDING: { description: 'Waiting to be sent, or to be retried after a failed send (待发送).' },
    DELIVERED: { description: 'Sent to the chat, or acknowledged by the web chat page (已送达).' },
    DEAD: { description: 'Given up after too many failed sends; see lastError, and retryPush to try again (死信).' },
    DROPPED: { description: 'Not sent because it no longer applied (the case moved on, the officer left); see reason (已撤销).' },
  },
});

export const PushRecipient = createUnionType({
  name: 'PushRecipient',
  description:
    'Who a push goes to: an officer (on the chat they bound) or a resident (群众) on the chat they reported from. Officer.phone is non-null and Resident.phone nullable: alias one when selecting both.',
  types: () => [OfficerType, ResidentType] as const,
  resolveType: (value) => ((value as { __typename?: string }).__typename === 'Officer' ? 'Officer' : 'Resident'),
});

@ObjectType('Push', {
  simpleResolvers: true,
  implements: Node,
  description: 'A chat message (推送) to an officer or a resident, queued with the change that caused it and delivered later.',
})
export class PushType extends Node {
  @Field({
    description:
      'What it is about: case.status, case.return_visit, case.assigned, case.emergency, case.supervised, case.escalated, case.visit_unanswered, digest.daily or report.weekly.',
  })
  topic!: string;

  @Field(() => PushState, { description: 'Where it stands in delivery.' })
  state!: PushState;

  @Field(() => Int, { description: 'Sends tried so far (for the web chat: times handed to the page).' })
  attempts!: number;

  @Field(() => String, { nullable: true, description: 'Why the last send failed; null after a successful one.' })
  lastError!: string | null;

  @Field(() => String, { nullable: true, description: 'Why it was dropped or given up (DROPPED, DEAD); null otherwise.' })
  reason!: string | null;

  @Field({ description: 'When it was queued.' })
  createdAt!: Date;

  @Field({ description: 'Not sent before this time: a reminder due later, or the next try after a failed send (back-off).' })
  availableAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When it was delivered; null until then.' })
  deliveredAt!: Date | null;
}

export const PushConnection = connectionType('Push', PushType, 'push');

@InputType({ description: 'Which pushes to list; every given condition must hold, list conditions match any of their values.' })
export class PushFilterInput {
  @Field(() => [PushState], { nullable: true, description: 'Only these delivery states.' })
  state?: PushState[];

  @Field(() => [String], { nullable: true, description: 'Only these topics (e.g. case.emergency); an unknown topic is BAD_USER_INPUT listing the known ones.' })
  topic?: string[];

  @Field(() => ID, { nullable: true, description: 'Only pushes about this case (global id of the Case).' })
  caseId?: string;
}

@InputType({ description: 'The dead push to send again.' })
export class RetryPushInput {
  @Field(() => ID, { description: 'Push.id (global id) of a DEAD push in your scope.' })
  id!: string;
}

@ObjectType({ simpleResolvers: true, description: 'Result of retryPush.' })
export class RetryPushPayload {
  @Field(() => PushType, { description: 'The push, PENDING again with its attempts reset: the next delivery run sends it.' })
  push!: unknown;
}

@InputType({ description: 'How far the workbench has shown your pushes.' })
export class AcknowledgePushesInput {
  @Field(() => String, { description: 'Push.number of the newest push shown: it and every older one of yours count as read.' })
  upTo!: string;
}

@ObjectType({ simpleResolvers: true, description: 'Result of acknowledgePushes.' })
export class AcknowledgePushesPayload {
  @Field(() => Int, { description: 'How many were unread and are now read (delivered).' })
  marked!: number;

  @Field(() => Int, { description: 'How many of your pushes stay unread.' })
  unread!: number;
}
