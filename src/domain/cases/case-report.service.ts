import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Case, CaseEventType, CaseKind, CasePriority, CaseStatus, Channel, OfficerRole, Resident, SupervisionLevel, Unit, UnitKind } from '../../entities';
import { inJurisdiction, requireRole } from '../access/access';
import type { Actor } from '../access/actor';
import { localDate } from '../time/local-time';
import { loadCalendar, policyFor } from '../time/deadline.service';
import { badInput, notFound } from '../errors';
import { enqueue, toOfficers } from '../push/push';
import { emergencyRecipients } from '../push/recipients';
import { nextCheck } from '../time/follow-up';
import { deadlines, type SlaPolicy } from '../time/sla';
import { appendEvents } from './trail.service';

export interface ReportInput {
  kind: CaseKind;
  priority: CasePriority;
  title: string;
  description: string;
  unitId: number;
  channel?: Channel | null;
  /** The resident reported for; none for incidents an officer files themself. */
  reporter?: { displayName: string; phone?: string | null } | null;
}

const PHONE = /^\+?\d[\d-]{5,19}$/;
const OFFICER_CHANNELS = [Channel.GRAPHQL, Channel.HOTLINE, Channel.IMPORT, Channel.OPEN311];

/** Checks and trims report fields; every problem at once. */
export function validateReport(input: ReportInput): { title: string; description: string } {
  const title = input.title.trim();
  const description = input.description.trim();
  const problems: string[] = [];
  if (!title) problems.push('title is empty');
  if (title.length > 200) problems.push('title is longer than 200 characters');
  if (!description) problems.push('description is empty');
  if (description.length > 5000) problems.push('description is longer than 5000 characters');
  const phone = input.reporter?.phone?.trim();
  if (phone && !PHONE.test(phone)) problems.push(`reporter phone "${phone}" is not a phone number`);
  if (input.reporter && !input.reporter.displayName.trim()) problems.push('reporter name is empty');
  if (problems.length) throw badInput(problems.join('; '), { problems });
  return { title, description };
}

/** Next case number of the local day, e.g. SL202611230001 (atomic per day). */
export async function nextCaseNumber(em: EntityManager, now: Date): Promise<string> {
  const day = localDate(now);
  const [{ last }] = await em.execute<{ last: number }[]>(
    `insert into case_number_counters (day, last) values (?, 1)
     on conflict (day) do update set last = case_number_counters.last + 1 returning last`,
    [day],
  );
  return `SL${day.replace(/-/g, '')}${String(last).padStart(4, '0')}`;
}

/**
 * Who receives a new case (矛盾不上交): the nearest township at or above where it happened; a case
 * at county level or above (or under a county with no township between) is handled there.
 */
export async function receivingUnit(em: EntityManager, unit: Unit): Promise<Unit> {
  const ids = unit.path.split('/').filter(Boolean).map(Number);
  return receivingUnitOf(unit, await em.find(Unit, { id: { $in: ids } }));
}

/** receivingUnit with the units of the place's path already loaded (`chain`, in any order). */
export function receivingUnitOf(unit: Unit, chain: Unit[]): Unit {
  const ids = unit.path.split('/').filter(Boolean).map(Number).reverse();
  const byId = new Map(chain.map((u) => [u.id, u]));
  for (const id of ids) {
    const u = byId.get(id)!;
    if ([UnitKind.TOWNSHIP, UnitKind.COUNTY, UnitKind.CITY].includes(u.kind)) return u;
  }
  return unit;
}

/** An officer files a case (for a resident who called, or an incident they found). */
export async function reportCase(em: EntityManager, actor: Actor, input: ReportInput, now: Date): Promise<Case> {
  const officer = requireRole(actor, OfficerRole.OFFICER);
  const { title, description } = validateReport(input);
  const channel = input.channel ?? Channel.GRAPHQL;
  if (!OFFICER_CHANNELS.includes(channel)) throw badInput(`officers file cases through ${OFFICER_CHANNELS.join(', ')}; chat channels belong to residents`);
  return em.transactional(async (tx) => {
    const unit = await tx.findOne(Unit, { id: input.unitId });
    if (!unit || !inJurisdiction(officer, unit.path)) throw notFound('Unit');
    let reporter: Resident | undefined;
    if (input.reporter) {
      reporter = tx.create(Resident, {
        channel,
        externalId: `officer-entry:${randomUUID()}`,
        displayName: input.reporter.displayName.trim(),
        phone: input.reporter.phone?.trim() || undefined,
      });
    }
    return fileCase(tx, { title, description, kind: input.kind, priority: input.priority, unit, channel, reporter, reportedBy: officer.id }, now);
  });
}

/**
 * Creates a case with number, deadlines, trail and emergency pushes; shared by every channel.
 * `known` passes what the caller has already read: the receiving unit, the SLA policy.
 */
export async function fileCase(
  tx: EntityManager,
  f: {
    title: string;
    description: string;
    kind: CaseKind;
    priority: CasePriority;
    unit: Unit;
    channel: Channel;
    reporter?: Resident;
    reportedBy?: number;
    attachments?: Case['attachments'];
    anonymous?: boolean;
  },
  now: Date,
  known: { handling?: Unit; policy?: SlaPolicy } = {},
): Promise<Case> {
  const handling = known.handling ?? (await receivingUnit(tx, f.unit));
  const calendar = await loadCalendar(tx);
  const { acceptDueAt, dueAt } = deadlines(calendar, known.policy ?? (await policyFor(tx, f.kind, f.priority)), now);
  const c = tx.create(Case, {
    number: await nextCaseNumber(tx, now),
    kind: f.kind,
    priority: f.priority,
    title: f.title,
    description: f.description,
    attachments: f.attachments ?? [],
    unit: f.unit,
    unitPath: f.unit.path,
    handlingUnit: handling,
    handlingPath: handling.path,
    reporter: f.reporter,
    ...(f.anonymous ? { anonymous: true } : {}),
    reportedBy: f.reportedBy,
    channel: f.channel,
    status: CaseStatus.REPORTED,
    reportedAt: now,
    acceptDueAt,
    dueAt,
    // The deadline sweep's first look: a reminder before the deadline, or the next emergency round.
    nextCheckAt: nextCheck(
      {
        status: CaseStatus.REPORTED,
        priority: f.priority,
        reportedAt: now,
        acceptDueAt,
        dueAt,
        supervisionLevel: SupervisionLevel.NONE,
        hasReporter: Boolean(f.reporter),
      },
      calendar,
      now,
    ),
    createdAt: now,
    updatedAt: now,
  });
  await tx.flush();
  await appendEvents(
    tx,
    c,
    [
      {
        type: CaseEventType.REPORT,
        actorOfficerId: f.reportedBy ?? null,
        actorResidentId: f.reporter && !f.reportedBy ? f.reporter.id : null,
        toStatus: CaseStatus.REPORTED,
        data: { channel: f.channel, unitId: f.unit.id, handlingUnitId: handling.id },
      },
    ],
    now,
  );
  if (f.priority === CasePriority.EMERGENCY) {
    // 应急处置: pushed at once to the handling unit and up the chain to the county supervisor.
    const recipients = await emergencyRecipients(tx, { handlingUnitId: handling.id, handlingPath: handling.path });
    const message = {
      topic: 'case.emergency',
      payload: { caseId: c.id, number: c.number, title: c.title, unit: f.unit.name, acceptDueAt: acceptDueAt.toISOString(), round: 1 },
    } as const;
    await enqueue(tx, toOfficers(message, recipients, `case:${c.id}:emergency`), now);
  }
  await tx.flush();
  return c;
}
