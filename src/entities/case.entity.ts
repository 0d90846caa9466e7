import { OptionalProps, Entity, Enum, Index, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { CaseKind, CasePriority, CaseStatus, Channel, Escalation, ReturnVisitResult, RUNNING_STATUSES, sqlStatuses, SupervisionLevel } from './enums';
import type { Officer } from './officer.entity';
import type { Resident } from './resident.entity';
import type { Unit } from './unit.entity';

/** A file linked to a case (photo, signed undertaking, …); the bytes live in storage, not here. */
export interface Attachment {
  id: string;
  name: string;
  mimeType: string;
  size: number;
  addedAt: string;
}

/**
 * A reported problem and its handling. `unitPath` and `handlingPath` copy the units' materialized
 * paths so that jurisdiction scoping is a prefix match on an indexed column of this table.
 */
@Entity({ tableName: 'cases' })
@Index({ name: 'cases_unit_path_idx', expression: 'create index "cases_unit_path_idx" on "cases" ("unit_path" text_pattern_ops, "reported_at")' })
@Index({ name: 'cases_handling_path_idx', expression: 'create index "cases_handling_path_idx" on "cases" ("handling_path" text_pattern_ops, "reported_at")' })
@Index({ name: 'cases_reported_at_idx', properties: ['reportedAt', 'id'] })
@Index({ name: 'cases_status_reported_at_idx', properties: ['status', 'reportedAt'] })
@Index({
  name: 'cases_open_due_idx',
  expression: `create index "cases_open_due_idx" on "cases" ("due_at") where "status" in ${sqlStatuses(RUNNING_STATUSES)}`,
})
@Index({
  name: 'cases_accept_due_idx',
  expression: `create index "cases_accept_due_idx" on "cases" ("accept_due_at") where "status" = 'REPORTED'`,
})
// An officer's own work (待办, the cases filter `mine`): what is assigned to them, and what waits unassigned at their unit, by status.
@Index({ name: 'cases_assignee_status_idx', properties: ['assignee', 'status'] })
@Index({
  name: 'cases_unassigned_handling_idx',
  expression: 'create index "cases_unassigned_handling_idx" on "cases" ("handling_unit_id", "status") where "assignee_id" is null',
})
// Similar cases: others at the same or a neighbouring unit within 90 days.
@Index({ name: 'cases_unit_reported_idx', properties: ['unit', 'reportedAt'] })
@Index({ name: 'cases_next_check_idx', expression: 'create index "cases_next_check_idx" on "cases" ("next_check_at") where "next_check_at" is not null' })
@Index({
  name: 'cases_text_trgm_idx',
  expression: `create index "cases_text_trgm_idx" on "cases" using gin (("title" || ' ' || "description") gin_trgm_ops)`,
})
// Every 1- and 2-character substring (case_search_grams, made by the search migration): trigrams cannot serve searches that short.
@Index({
  name: 'cases_text_grams_idx',
  expression: `create index "cases_text_grams_idx" on "cases" using gin ("case_search_grams"("title" || ' ' || "description"))`,
})
export class Case {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'attachments' | 'anonymous' | 'deadlineExtended' | 'supervisionLevel' | 'escalation' | 'version' | 'stock';

  @PrimaryKey()
  id!: number;

  /** Human-readable number, e.g. SL202611230001. */
  @Property({ unique: true, length: 32 })
  number!: string;

  @Enum({ items: () => CaseKind })
  kind!: CaseKind;

  @Enum({ items: () => CasePriority })
  priority!: CasePriority;

  @Property({ length: 200 })
  title!: string;

  @Property({ type: 'text' })
  description!: string;

  @Property({ type: 'json', default: '[]' })
  attachments: Attachment[] = [];

  /** Where it happened: the creation subject it counts against. */
  @ManyToOne({ entity: 'Unit', ref: true, deleteRule: 'restrict' })
  @Index()
  unit!: Ref<Unit>;

  @Property({ length: 512 })
  unitPath!: string;

  /** Who works it now. */
  @ManyToOne({ entity: 'Unit', ref: true, deleteRule: 'restrict' })
  @Index()
  handlingUnit!: Ref<Unit>;

  @Property({ length: 512 })
  handlingPath!: string;

  @ManyToOne({ entity: 'Officer', ref: true, nullable: true, deleteRule: 'set null' })
  @Index()
  assignee?: Ref<Officer>;

  @ManyToOne({ entity: 'Resident', ref: true, nullable: true, deleteRule: 'set null' })
  @Index()
  reporter?: Ref<Resident>;

  /** The reporter asked not to be named: officers see no name or phone, and the case may close without a visit. */
  @Property({ default: false })
  anonymous: boolean = false;

  /** The officer who filed it on someone's behalf, if any. */
  @ManyToOne({ entity: 'Officer', ref: true, nullable: true, deleteRule: 'set null' })
  reportedBy?: Ref<Officer>;

  @Enum({ items: () => Channel })
  channel!: Channel;

  @Enum({ items: () => CaseStatus })
  status!: CaseStatus;

  @Property({ length: 3 })
  reportedAt!: Date;

  @Property({ length: 3 })
  acceptDueAt!: Date;

  @Property({ length: 3 })
  dueAt!: Date;

  @Property({ default: false })
  deadlineExtended: boolean = false;

  @Property({ length: 3, nullable: true })
  acceptedAt?: Date;

  @Property({ length: 3, nullable: true })
  resolvedAt?: Date;

  @Property({ length: 3, nullable: true })
  closedAt?: Date;

  @Enum({ items: () => SupervisionLevel, default: SupervisionLevel.NONE })
  supervisionLevel: SupervisionLevel = SupervisionLevel.NONE;

  /** When the deadline sweep next has something to do with this case (a threshold, a re-push, a reminder); null: nothing. */
  @Property({ length: 3, nullable: true })
  nextCheckAt?: Date | null;

  @Enum({ items: () => Escalation, default: Escalation.NONE })
  escalation: Escalation = Escalation.NONE;

  /** When escalation was last set, for the zero-status month. */
  @Property({ length: 3, nullable: true })
  escalatedAt?: Date;

  @Enum({ items: () => ReturnVisitResult, nullable: true })
  returnVisit?: ReturnVisitResult;

  @ManyToOne({ entity: 'Case', ref: true, nullable: true, deleteRule: 'set null' })
  mergedInto?: Ref<Case>;

  /** Open at its region's campaign baseline date (存量); set when an admin sets that date. */
  @Property({ default: false })
  stock: boolean = false;

  @Property({ length: 3, defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ length: 3, defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  /** Optimistic lock: workflow inputs carry the version the client saw. */
  @Property({ version: true })
  version!: number;
}
