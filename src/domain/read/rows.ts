import type { Attachment, Case, CaseEvent, Officer, Unit } from '../../entities';
import type {
  CaseEventType,
  CaseKind,
  CasePriority,
  CaseStatus,
  Channel,
  Escalation,
  OfficerRole,
  ReturnVisitResult,
  SupervisionLevel,
  UnitCategory,
  UnitKind,
} from '../../entities';

/*
 * The read side's plain rows. GraphQL reads (lists, by-id loads, nested fields) answer from these:
 * pre-built SQL whose columns are already named as the API names them, so a page costs one pass
 * over the driver's rows (timestamps to Date) instead of managed entities, their identity map and
 * their change tracking. Entities stay on the write side; a write's result is turned into the same
 * row by the `…RowOf` functions here, so a mutation's payload and a later read answer alike.
 *
 * `__typename` names the GraphQL type, so interfaces and unions can tell rows apart.
 */

export interface CaseRow {
  __typename: 'Case';
  id: number;
  number: string;
  kind: CaseKind;
  priority: CasePriority;
  title: string;
  description: string;
  attachments: Attachment[];
  unitId: number;
  unitPath: string;
  handlingUnitId: number;
  handlingPath: string;
  assigneeId: number | null;
  reporterId: number | null;
  anonymous: boolean;
  reportedById: number | null;
  channel: Channel;
  status: CaseStatus;
  reportedAt: Date;
  acceptDueAt: Date;
  dueAt: Date;
  deadlineExtended: boolean;
  acceptedAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  supervisionLevel: SupervisionLevel;
  escalation: Escalation;
  returnVisit: ReturnVisitResult | null;
  mergedIntoId: number | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

export interface UnitRow {
  __typename: 'Unit';
  id: number;
  code: string;
  name: string;
  kind: UnitKind;
  category: UnitCategory;
  parentId: number | null;
  path: string;
  depth: number;
  responsibleOfficerId: number | null;
  /** YYYY-MM-DD. */
  baselineDate: string | null;
}

/** What the API shows of an officer (never the password hash or the chat binding). */
export interface OfficerRow {
  __typename: 'Officer';
  id: number;
  name: string;
  phone: string;
  role: OfficerRole;
  unitId: number;
  /** False once deactivated: no login, no token works. */
  active: boolean;
}

export interface ResidentRow {
  __typename: 'Resident';
  id: number;
  displayName: string;
  phone: string | null;
}

export interface EventRow {
  __typename: 'CaseEvent';
  /** bigint: a string, as the driver gives it. */
  id: string;
  caseId: number;
  seq: number;
  type: CaseEventType;
  actorOfficerId: number | null;
  actorResidentId: number | null;
  fromStatus: CaseStatus | null;
  toStatus: CaseStatus | null;
  note: string | null;
  data: Record<string, unknown> | null;
  createdAt: Date;
  prevHash: string;
  hash: string;
}

type Field = string | { time: string };

/** How one kind of row is read: its select list for a table alias, and the raw driver row made into it. */
export interface RowReader<R> {
  table: string;
  /** `alias.col as "prop", …` in the row's property order. */
  columns(alias: string): string;
  /** Completes a driver row in place (typename, timestamps to Date) and returns it. */
  fromRaw(raw: Record<string, unknown>): R;
}

function reader<R extends { __typename: string }>(
  typename: R['__typename'],
  table: string,
  fields: { [K in Exclude<keyof R, '__typename'>]: Field },
): RowReader<R> {
  const entries = Object.entries(fields) as [string, Field][];
  const times = entries.filter(([, f]) => typeof f !== 'string').map(([key]) => key);
  return {
    table,
    columns: (alias) =>
      entries
        .map(([key, f]) =>
          typeof f === 'string'
            ? `${alias}.${f} as "${key}"`
            : // Epoch milliseconds: the driver is set to hand timestamps over as text, and a number is cheaper to turn into a Date.
              `(extract(epoch from ${alias}.${f.time}) * 1000)::float8 as "${key}"`,
        )
        .join(', '),
    fromRaw(raw) {
      raw.__typename = typename;
      for (const key of times) if (raw[key] != null) raw[key] = new Date(raw[key] as number);
      return raw as R;
    },
  };
}

export const CASE_ROW = reader<CaseRow>('Case', 'cases', {
  id: 'id',
  number: 'number',
  kind: 'kind',
  priority: 'priority',
  title: 'title',
  description: 'description',
  attachments: 'attachments',
  unitId: 'unit_id',
  unitPath: 'unit_path',
  handlingUnitId: 'handling_unit_id',
  handlingPath: 'handling_path',
  assigneeId: 'assignee_id',
  reporterId: 'reporter_id',
  anonymous: 'anonymous',
  reportedById: 'reported_by_id',
  channel: 'channel',
  status: 'status',
  reportedAt: { time: 'reported_at' },
  acceptDueAt: { time: 'accept_due_at' },
  dueAt: { time: 'due_at' },
  deadlineExtended: 'deadline_extended',
  acceptedAt: { time: 'accepted_at' },
  resolvedAt: { time: 'resolved_at' },
  closedAt: { time: 'closed_at' },
  supervisionLevel: 'supervision_level',
  escalation: 'escalation',
  returnVisit: 'return_visit',
  mergedIntoId: 'merged_into_id',
  createdAt: { time: 'created_at' },
  updatedAt: { time: 'updated_at' },
  version: 'version',
});

export const UNIT_ROW = reader<UnitRow>('Unit', 'units', {
  id: 'id',
  code: 'code',
  name: 'name',
  kind: 'kind',
  category: 'category',
  parentId: 'parent_id',
  path: 'path',
  depth: 'depth',
  responsibleOfficerId: 'responsible_officer_id',
  // A date column arrives as YYYY-MM-DD text.
  baselineDate: 'baseline_date',
});

export const OFFICER_ROW = reader<OfficerRow>('Officer', 'officers', {
  id: 'id',
  name: 'name',
  phone: 'phone',
  role: 'role',
  unitId: 'unit_id',
  active: 'active',
});

export const RESIDENT_ROW = reader<ResidentRow>('Resident', 'residents', {
  id: 'id',
  displayName: 'display_name',
  phone: 'phone',
});

export const EVENT_ROW = reader<EventRow>('CaseEvent', 'case_events', {
  id: 'id',
  caseId: 'case_id',
  seq: 'seq',
  type: 'type',
  actorOfficerId: 'actor_officer_id',
  actorResidentId: 'actor_resident_id',
  fromStatus: 'from_status',
  toStatus: 'to_status',
  note: 'note',
  data: 'data',
  createdAt: { time: 'created_at' },
  prevHash: 'prev_hash',
  hash: 'hash',
});

const idOf = (ref: { id: number } | null | undefined): number | null => ref?.id ?? null;

/** The row of a case entity (a write's result), equal to what the read side would load. */
export function caseRowOf(c: Case): CaseRow {
  return {
    __typename: 'Case',
    id: c.id,
    number: c.number,
    kind: c.kind,
    priority: c.priority,
    title: c.title,
    description: c.description,
    attachments: c.attachments,
    unitId: c.unit.id,
    unitPath: c.unitPath,
    handlingUnitId: c.handlingUnit.id,
    handlingPath: c.handlingPath,
    assigneeId: idOf(c.assignee),
    reporterId: idOf(c.reporter),
    anonymous: c.anonymous,
    reportedById: idOf(c.reportedBy),
    channel: c.channel,
    status: c.status,
    reportedAt: c.reportedAt,
    acceptDueAt: c.acceptDueAt,
    dueAt: c.dueAt,
    deadlineExtended: c.deadlineExtended,
    acceptedAt: c.acceptedAt ?? null,
    resolvedAt: c.resolvedAt ?? null,
    closedAt: c.closedAt ?? null,
    supervisionLevel: c.supervisionLevel,
    escalation: c.escalation,
    returnVisit: c.returnVisit ?? null,
    mergedIntoId: idOf(c.mergedInto),
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    version: c.version,
  };
}

export function unitRowOf(u: Unit): UnitRow {
  return {
    __typename: 'Unit',
    id: u.id,
    code: u.code,
    name: u.name,
    kind: u.kind,
    category: u.category,
    parentId: idOf(u.parent),
    path: u.path,
    depth: u.depth,
    responsibleOfficerId: idOf(u.responsibleOfficer),
    baselineDate: u.baselineDate ?? null,
  };
}

export function officerRowOf(o: Officer): OfficerRow {
  return { __typename: 'Officer', id: o.id, name: o.name, phone: o.phone, role: o.role, unitId: o.unit.id, active: o.active };
}

export function residentRowOf(r: { id: number; displayName: string; phone?: string | null }): ResidentRow {
  return { __typename: 'Resident', id: r.id, displayName: r.displayName, phone: r.phone ?? null };
}

export function eventRowOf(e: CaseEvent): EventRow {
  return {
    __typename: 'CaseEvent',
    id: String(e.id),
    caseId: e.case.id,
    seq: e.seq,
    type: e.type,
    actorOfficerId: idOf(e.actorOfficer),
    actorResidentId: idOf(e.actorResident),
    fromStatus: e.fromStatus ?? null,
    toStatus: e.toStatus ?? null,
    note: e.note ?? null,
    data: e.data ?? null,
    createdAt: e.createdAt,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}
