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

/** Statuses in which a case still needs work or a return visit. */
export const OPEN_STATUSES: readonly CaseStatus[] = [
  CaseStatus.REPORTED,
  CaseStatus.ACCEPTED,
  CaseStatus.ASSIGNED,
  CaseStatus.IN_PROGRESS,
  CaseStatus.RESOLVED,
];

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
