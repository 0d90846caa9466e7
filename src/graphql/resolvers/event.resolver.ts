import { FieldResolver, Float, ID, Resolver, Root } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import type { Attachment, CaseEvent } from '../../entities';
import { AttachmentType } from '../types/case.type';
import { CaseEventObject } from '../types/event.type';

/** Trail entries keep their typed details in `data`; these fields read them out. */
@Resolver(() => CaseEventObject)
export class CaseEventResolver {
  @FieldResolver(() => ID, { description: 'Id of the entry.' })
  id(@Root() e: CaseEvent): string {
    return String(e.id);
  }

  @FieldResolver(() => Float, { nullable: true, description: 'Amount in yuan (JUDICIAL_AID).' })
  amount(@Root() e: CaseEvent): number | null {
    return typeof e.data?.amount === 'number' ? e.data.amount : null;
  }

  @FieldResolver(() => [AttachmentType], { description: 'Documents recorded with this entry.' })
  attachments(@Root() e: CaseEvent): Attachment[] {
    return Array.isArray(e.data?.attachments) ? (e.data.attachments as Attachment[]) : [];
  }

  @FieldResolver(() => GraphQLJSONObject, { nullable: true, description: 'Other details of the entry (target unit, escalation type, deadlines, …).' })
  details(@Root() e: CaseEvent): Record<string, unknown> | null {
    if (!e.data) return null;
    const { amount: _a, attachments: _t, ...rest } = e.data;
    return Object.keys(rest).length ? rest : null;
  }
}
