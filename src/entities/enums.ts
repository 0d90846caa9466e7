/* Enumerations of the domain. Values are stored as text in PostgreSQL. */

export enum UnitKind {
  CITY = 'CITY',
  COUNTY = 'COUNTY',
  TOWNSHIP = 'TOWNSHIP',
  VILLAGE = 'VILLAGE',
  COMMUNITY = 'COMMUNITY',
  ENTERPRISE = 'ENTERPRISE',
  SCHOOL = 'SCHOOL',
  KINDERGARTEN = 'KINDERGARTEN',
  HOSPITAL = 'HOSPITAL',
  SCENIC_SPOT = 'SCENIC_SPOT',
  MARKET = 'MARKET',
  MINE_FACTORY = 'MINE_FACTORY',
  STATION = 'STATION',
  AIRPORT = 'AIRPORT',
  RELIGIOUS_SITE = 'RELIGIOUS_SITE',
  OTHER = 'OTHER',
}

export enum UnitCategory {
  REGION = 'REGION',
  VILLAGE_COMMUNITY = 'VILLAGE_COMMUNITY',
  ENTERPRISE = 'ENTERPRISE',
  INSTITUTION = 'INSTITUTION',
}

/** The category a kind counts in for the creation targets. */
export function categoryOf(kind: UnitKind): UnitCategory {
  switch (kind) {
    case UnitKind.CITY:
    case UnitKind.COUNTY:
    case UnitKind.TOWNSHIP:
      return UnitCategory.REGION;
    case UnitKind.VILLAGE:
    case UnitKind.COMMUNITY:
      return UnitCategory.VILLAGE_COMMUNITY;
    case UnitKind.ENTERPRISE:
    case UnitKind.MINE_FACTORY:
    case UnitKind.MARKET:
      return UnitCategory.ENTERPRISE;
    default:
      return UnitCategory.INSTITUTION;
  }
}

export enum OfficerRole {
  GRID_WORKER = 'GRID_WORKER',
  OFFICER = 'OFFICER',
  SUPERVISOR = 'SUPERVISOR',
  ADMIN = 'ADMIN',
}

export enum CaseKind {
  PETITION = 'PETITION',
  DISPUTE = 'DISPUTE',
  SAFETY_HAZARD = 'SAFETY_HAZARD',
  PUBLIC_ORDER_HAZARD = 'PUBLIC_ORDER_HAZARD',
  ACCIDENT = 'ACCIDENT',
  CRIMINAL_CASE = 'CRIMINAL_CASE',
  PUBLIC_ORDER_CASE = 'PUBLIC_ORDER_CASE',
  OTHER = 'OTHER',
}

export enum CasePriority {
  NORMAL = 'NORMAL',
  URGENT = 'URGENT',
  EMERGENCY = 'EMERGENCY',
}

export enum CaseStatus {
  REPORTED = 'REPORTED',
  ACCEPTED = 'ACCEPTED',
  ASSIGNED = 'ASSIGNED',
  IN_PROGRESS = 'IN_PROGRESS',
  RESOLVED = 'RESOLVED',
  CLOSED = 'CLOSED',
  REJECTED = 'REJECTED',
  MERGED = 'MERGED',
}

/*
 * The named sets of case statuses, each defined once, here beside the enum. SQL gets them from here:
 * lists generated from these constants (sqlStatuses) in statements built in code, and SQL functions
 * generated from them for the statistics triggers (src/domain/stats/statistics.ts). A test asks the
 * database's functions about every status.
 */

/** Open (未办结): the case still needs work, or its return visit. */
export const OPEN_STATUSES: readonly CaseStatus[] = [
  CaseStatus.REPORTED,
  CaseStatus.ACCEPTED,
  CaseStatus.ASSIGNED,
  CaseStatus.IN_PROGRESS,
  CaseStatus.RESOLVED,
];

/** A deadline runs against the handling unit: acceptance while REPORTED, resolution while it is worked. */
export const RUNNING_STATUSES: readonly CaseStatus[] = [CaseStatus.REPORTED, CaseStatus.ACCEPTED, CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS];

/** Accepted and not yet resolved: the resolution deadline runs. */
export const WORKED_STATUSES: readonly CaseStatus[] = [CaseStatus.ACCEPTED, CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS];

/** Counted in no figure: refused, or merged into another case that counts instead. */
export const UNCOUNTED_STATUSES: readonly CaseStatus[] = [CaseStatus.REJECTED, CaseStatus.MERGED];

/** A set as an SQL list, `('REPORTED', 'ACCEPTED')`, for statements built in code (statuses are fixed words, never input). */
export function sqlStatuses(set: readonly CaseStatus[]): string {
  return `(${set.map((s) => `'${s}'`).join(', ')})`;
}

/** Units of a time limit: clock minutes or hours, calendar days, or working days on the calendar. */
export const LIMIT_UNITS = ['MINUTES', 'HOURS', 'DAYS', 'WORKING_DAYS'] as const;
export type LimitUnit = (typeof LIMIT_UNITS)[number];

export enum Channel {
  WECHAT = 'WECHAT',
  WEB_CHAT = 'WEB_CHAT',
  GRAPHQL = 'GRAPHQL',
  OPEN311 = 'OPEN311',
  HOTLINE = 'HOTLINE',
  IMPORT = 'IMPORT',
}

export enum SupervisionLevel {
  NONE = 'NONE',
  REMINDED = 'REMINDED',
  URGED = 'URGED',
  SUPERVISED = 'SUPERVISED',
  LISTED = 'LISTED',
}

export enum Escalation {
  NONE = 'NONE',
  REQUIRES_HIGHER_AUTHORITY = 'REQUIRES_HIGHER_AUTHORITY',
  BEYOND_UNIT = 'BEYOND_UNIT',
}

export enum ReturnVisitResult {
  SATISFIED = 'SATISFIED',
  BASICALLY_SATISFIED = 'BASICALLY_SATISFIED',
  DISSATISFIED = 'DISSATISFIED',
}

/** What a trail entry records: a workflow transition or a typed step. */
export enum CaseEventType {
  REPORT = 'REPORT',
  ACCEPT = 'ACCEPT',
  REJECT = 'REJECT',
  ASSIGN = 'ASSIGN',
  START = 'START',
  RESOLVE = 'RESOLVE',
  CLOSE = 'CLOSE',
  REOPEN = 'REOPEN',
  ESCALATE = 'ESCALATE',
  SUPERVISE = 'SUPERVISE',
  EXTEND_DEADLINE = 'EXTEND_DEADLINE',
  MERGE = 'MERGE',
  MERGED_INTO = 'MERGED_INTO',
  NOTE = 'NOTE',
  RETURN_VISIT = 'RETURN_VISIT',
  REVIEW = 'REVIEW',
  COLLECTIVE_ANALYSIS = 'COLLECTIVE_ANALYSIS',
  MEDIATION = 'MEDIATION',
  HEARING = 'HEARING',
  LAWYER = 'LAWYER',
  JUDICIAL_AID = 'JUDICIAL_AID',
  IMPORTED = 'IMPORTED',
}

/** Where a push stands: waiting (or being sent), delivered, given up after retries, or no longer wanted. */
export enum PushState {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  DEAD = 'DEAD',
  DROPPED = 'DROPPED',
}

/** Early-warning rules (监测预警). */
export enum WarningRule {
  /** Open safety or public-order hazards at one unit at or above the threshold. */
  OPEN_HAZARDS = 'OPEN_HAZARDS',
  /** Repeated petitions (重复信访): at one unit, or by one reporter, within the window. */
  REPEATED_PETITIONS = 'REPEATED_PETITIONS',
  /** An EMERGENCY case still open. */
  OPEN_EMERGENCY = 'OPEN_EMERGENCY',
  /** An overdue case under the city's listed supervision (挂牌督办). */
  LISTED_OVERDUE = 'LISTED_OVERDUE',
  /** A hazard and a petition or dispute at one unit within the window: trouble gathering. */
  CLUSTER = 'CLUSTER',
}
