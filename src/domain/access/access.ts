import { OfficerRole } from '../../entities';
import type { Actor, OfficerActor } from './actor';
import { forbidden, unauthenticated } from '../errors';

/*
 * Every permission decision lives here (分级授权). Services call these before touching data;
 * resolvers never decide on their own.
 */

const ROLE_RANK: Record<OfficerRole, number> = {
  [OfficerRole.GRID_WORKER]: 1,
  [OfficerRole.OFFICER]: 2,
  [OfficerRole.SUPERVISOR]: 3,
  [OfficerRole.ADMIN]: 4,
};

/** The actor as an officer, or UNAUTHENTICATED. */
export function requireOfficer(actor: Actor): OfficerActor {
  if (!actor) throw unauthenticated();
  return actor;
}

/** True when the actor's role is at least `role` (roles are cumulative). */
export function hasRole(actor: { role: OfficerRole }, role: OfficerRole): boolean {
  return ROLE_RANK[actor.role] >= ROLE_RANK[role];
}

export function requireRole(actor: Actor, role: OfficerRole): OfficerActor {
  const officer = requireOfficer(actor);
  if (!hasRole(officer, role)) throw forbidden(`This needs the ${role} role or higher`);
  return officer;
}

/**
 * An admin whose jurisdiction is the whole deployment: every root unit lies under them (one city
 * deployed, and the admin at it). Settings that apply everywhere — the SLA policy — are theirs
 * alone; an admin of one county must not change the deadlines of the others.
 */
export function requireDeploymentAdmin(actor: Actor, roots: readonly { path: string }[]): OfficerActor {
  const admin = requireRole(actor, OfficerRole.ADMIN);
  if (!roots.length || !roots.every((r) => inJurisdiction(admin, r.path))) {
    throw forbidden('This setting applies to the whole deployment: only an admin of its top unit may change it');
  }
  return admin;
}

/** What a role is needed for, besides the workflow's actions (workflow.ts) and the admin's settings. */
const CAPABILITY_ROLE = {
  /** The command centre's figures, rankings, letters and warnings of a region. */
  viewStatistics: OfficerRole.SUPERVISOR,
  /** The ledger (台账) of a unit, as a file. */
  exportLedger: OfficerRole.SUPERVISOR,
  /** The check of a case's hash-chained trail. */
  checkTrail: OfficerRole.SUPERVISOR,
} as const;
export type Capability = keyof typeof CAPABILITY_ROLE;

/** The actor as an officer who may use the capability, or UNAUTHENTICATED / FORBIDDEN. */
export function requireCapability(actor: Actor, capability: Capability): OfficerActor {
  return requireRole(actor, CAPABILITY_ROLE[capability]);
}

/** A path lies in the actor's jurisdiction: their unit or anything under it. */
export function inJurisdiction(actor: OfficerActor, path: string): boolean {
  return path.startsWith(actor.unitPath);
}

/** Units an officer may read: their subtree, and the chain of units above them (for breadcrumbs). */
export function canReadUnit(actor: OfficerActor, unit: { path: string }): boolean {
  return inJurisdiction(actor, unit.path) || actor.unitPath.startsWith(unit.path);
}

/** A case is visible when where it happened or who handles it lies in the jurisdiction. */
export function canReadCase(actor: OfficerActor, c: { unitPath: string; handlingPath: string }): boolean {
  return inJurisdiction(actor, c.unitPath) || inJurisdiction(actor, c.handlingPath);
}

/** The cases of a list the actor may read (a list gathered without their scope, e.g. a warning's). */
export function readableCases<T extends { unitPath: string; handlingPath: string }>(actor: Actor, cases: T[]): T[] {
  const officer = requireOfficer(actor);
  return cases.filter((c) => canReadCase(officer, c));
}

/** Residents' phones are shown to the handling unit and the units above it only. */
export function canSeeReporterPhone(actor: OfficerActor, c: { handlingPath: string }): boolean {
  return c.handlingPath.startsWith(actor.unitPath);
}

/**
 * A resident as an officer may see them in connection with a case: the reporter of an anonymous case
 * is nameless (匿名), and the phone is in full only for the handling unit and the units above it.
 * Without a case (a push about no case), the phone is masked.
 */
export function residentView(
  actor: OfficerActor,
  resident: { id: number; displayName: string; phone?: string | null },
  c?: { anonymous: boolean; handlingPath: string; reporterId: number | null },
): { displayName: string; phone: string | null } {
  if (c?.anonymous && (c.reporterId == null || c.reporterId === resident.id)) return { displayName: '匿名', phone: null };
  if (!resident.phone) return { displayName: resident.displayName, phone: null };
  return { displayName: resident.displayName, phone: c && canSeeReporterPhone(actor, c) ? resident.phone : maskPhone(resident.phone) };
}

/** Escapes LIKE metacharacters so a path is matched literally as a prefix. */
export function likePrefix(path: string): string {
  return `${path.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
}

/** A LIKE pattern matching text anywhere, metacharacters escaped. */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
}

/** SQL condition (with params) restricting cases aliased `alias` to the actor's jurisdiction. */
export function caseScopeSql(actor: OfficerActor, alias: string, opts: { indexed: boolean } = { indexed: true }): [string, string[]] {
  if (!opts.indexed) {
    // The same rule as a plain test on each row: where a narrower index finds the rows (an officer's own
    // work), the planner must not also read the whole jurisdiction's path index to combine with it.
    // left() = …, unlike like and starts_with, is never turned into a range of the path indexes.
    const n = actor.unitPath.length;
    return [`(left(${alias}.unit_path, ${n}) = ? or left(${alias}.handling_path, ${n}) = ?)`, [actor.unitPath, actor.unitPath]];
  }
  const prefix = likePrefix(actor.unitPath);
  return [`(${alias}.unit_path like ? or ${alias}.handling_path like ?)`, [prefix, prefix]];
}

/**
 * The officer's own work (待办) among cases aliased `alias`: those assigned to them, and, for
 * officers and above, those handled at their own unit that nobody is assigned to yet (to accept,
 * assign or take). Grid workers work only what is assigned to them.
 */
export function ownWorkSql(actor: OfficerActor, alias: string): [string, number[]] {
  if (!hasRole(actor, OfficerRole.OFFICER)) return [`${alias}.assignee_id = ?`, [actor.id]];
  return [`${alias}.assignee_id = ? or (${alias}.assignee_id is null and ${alias}.handling_unit_id = ?)`, [actor.id, actor.unitId]];
}

/** SQL condition restricting units aliased `alias` to the actor's subtree. */
export function unitScopeSql(actor: OfficerActor, alias: string): [string, string[]] {
  return [`${alias}.path like ?`, [likePrefix(actor.unitPath)]];
}

/** Masks a phone number as 138****0000; short or odd values are masked whole. */
export function maskPhone(phone: string): string {
  if (phone.length < 7) return '*'.repeat(phone.length);
  return `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}`;
}

/**
 * May the officer take an action whose rule needs `role` (or being the assignee, when allowed)?
 * Officers act on cases handled at their unit or below; reading alone is not enough. Returns why
 * not, or null when they may.
 */
export function refusalOf(
  actor: OfficerActor,
  rule: { role: OfficerRole; assigneeMay: boolean },
  c: { assigneeId: number | null; handlingPath: string },
): string | null {
  if (rule.assigneeMay && c.assigneeId === actor.id) return null;
  if (!hasRole(actor, rule.role)) return `This needs the ${rule.role} role or higher${rule.assigneeMay ? ', or the case assigned to you' : ''}`;
  if (!inJurisdiction(actor, c.handlingPath)) return 'Only officers of the handling unit and the units above it may do this';
  return null;
}

/** refusalOf as a check: FORBIDDEN with the reason. */
export function authorizeAction(
  actor: OfficerActor,
  rule: { role: OfficerRole; assigneeMay: boolean },
  c: { assigneeId: number | null; handlingPath: string },
): void {
  const refusal = refusalOf(actor, rule, c);
  if (refusal) throw forbidden(refusal);
}
