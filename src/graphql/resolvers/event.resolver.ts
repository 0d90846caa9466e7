import { Ctx, FieldResolver, Float, ID, Resolver, Root } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import type { Attachment } from '../../entities';
import type { EventRow } from '../../domain/read/rows';
import { requireOfficer, residentView } from '../../domain/access/access';
import { notFound } from '../../domain/errors';
import { toGlobalId } from '../relay';
import { photoUrl } from '../../shared/urls';
import { actorOf, type GraphQLContext } from '../context';
import { AttachmentType } from '../types/case.type';
import { ActorKind, CaseEventActor, CaseEventObject } from '../types/event.type';

/** Name shown for entries nobody acted on (deadline sweeps, imports). */
const SYSTEM_NAME = '系统';

/** Trail entries keep their typed details in `data`; these fields read them out. */
@Resolver(() => CaseEventObject)
export class CaseEventResolver {
  @FieldResolver(() => ID, { description: 'Global id.' })
  id(@Root() e: EventRow): string {
    return toGlobalId('CaseEvent', e.id);
  }

  @FieldResolver(() => Float, { nullable: true, description: 'Amount in yuan (JUDICIAL_AID).' })
  amount(@Root() e: EventRow): number | null {
    return typeof e.data?.amount === 'number' ? e.data.amount : null;
  }

  @FieldResolver(() => [AttachmentType], { description: 'Documents recorded with this entry.' })
  attachments(@Root() e: EventRow): (Attachment & { url: string })[] {
    const list = Array.isArray(e.data?.attachments) ? (e.data.attachments as Attachment[]) : [];
    return list.map((a) => ({ ...a, url: photoUrl(e.caseId, a.id) }));
  }

  @FieldResolver(() => CaseEventActor, { description: 'Who acted: an officer, the resident, or the system.' })
  async actor(@Root() e: EventRow, @Ctx() ctx: GraphQLContext): Promise<CaseEventActor> {
    const viewer = requireOfficer(actorOf(ctx));
    if (e.actorOfficerId != null) {
      // Batched per request: a page of entries costs one officers statement, however long.
      const officer = await ctx.loaders.officer.load(e.actorOfficerId);
      if (!officer) throw notFound('Officer');
      return { kind: ActorKind.OFFICER, name: officer.name, officer, resident: null };
    }
    if (e.actorResidentId != null) {
      // The case is normally already in the request's loader (the entry came through it).
      const [resident, c] = await Promise.all([ctx.loaders.resident.load(e.actorResidentId), ctx.loaders.case.load(e.caseId)]);
      if (!resident || !c) throw notFound('Resident');
      const shown = residentView(viewer, resident, c);
      return { kind: ActorKind.RESIDENT, name: shown.displayName, officer: null, resident: shown };
    }
    return { kind: ActorKind.SYSTEM, name: SYSTEM_NAME, officer: null, resident: null };
  }

  @FieldResolver(() => GraphQLJSONObject, { nullable: true, description: 'Other details of the entry (target unit, escalation type, deadlines, …).' })
  details(@Root() e: EventRow): Record<string, unknown> | null {
    if (!e.data) return null;
    const { amount: _a, attachments: _t, ...rest } = e.data;
    return Object.keys(rest).length ? rest : null;
  }
}
