// The enums' own module, not the entities: the workbench's browser build reads these labels too.
import type { CaseEventType, CaseKind, CasePriority, CaseStatus, Escalation, ReturnVisitResult, SupervisionLevel, WarningRule } from '../entities/enums';

/*
 * The Chinese names of the product's enums, in one place for every transport. Kinds, return-visit
 * results and categories read the same to everyone; statuses, priorities and the supervision ladder
 * are given here in officers' words (the chat speaks to residents about their own case in its own
 * words, bot/messages.ts: "已办结，等待您的评价").
 */

export const KIND_LABEL: Record<CaseKind, string> = {
  DISPUTE: '矛盾纠纷',
  SAFETY_HAZARD: '安全隐患',
  PUBLIC_ORDER_HAZARD: '治安隐患',
  PETITION: '信访诉求',
  ACCIDENT: '事故',
  PUBLIC_ORDER_CASE: '治安案件',
  CRIMINAL_CASE: '刑事案件线索',
  OTHER: '其他问题',
};

export const VISIT_LABEL: Record<ReturnVisitResult, string> = { SATISFIED: '满意', BASICALLY_SATISFIED: '基本满意', DISSATISFIED: '不满意' };

/** The categories judged against the zero targets, as letters and reports name them. */
export const CATEGORY_LABEL: Record<string, string> = { VILLAGE_COMMUNITY: '村（社区）', ENTERPRISE: '企业', INSTITUTION: '单位' };

export const STATUS_LABEL: Record<CaseStatus, string> = {
  REPORTED: '待受理',
  ACCEPTED: '已受理',
  ASSIGNED: '已交办',
  IN_PROGRESS: '办理中',
  RESOLVED: '已办结',
  CLOSED: '已销号',
  REJECTED: '不予受理',
  MERGED: '已合并',
};

export const PRIORITY_LABEL: Record<CasePriority, string> = { NORMAL: '普通', URGENT: '紧急', EMERGENCY: '特急' };

export const SUPERVISION_LABEL: Record<SupervisionLevel, string> = { NONE: '无', REMINDED: '到期提醒', URGED: '催办', SUPERVISED: '督办', LISTED: '挂牌督办' };

export const ESCALATION_LABEL: Record<Escalation, string> = { NONE: '无', REQUIRES_HIGHER_AUTHORITY: '需上级协调', BEYOND_UNIT: '越级' };

/** Trail entry types. */
export const EVENT_LABEL: Record<CaseEventType, string> = {
  REPORT: '上报',
  ACCEPT: '受理',
  REJECT: '不予受理',
  ASSIGN: '交办',
  START: '开始办理',
  RESOLVE: '办结',
  CLOSE: '销号',
  REOPEN: '重办',
  ESCALATE: '提级上报',
  SUPERVISE: '督办',
  EXTEND_DEADLINE: '延期',
  MERGE: '并入重复件',
  MERGED_INTO: '合并',
  NOTE: '备注',
  RETURN_VISIT: '回访',
  REVIEW: '评查',
  COLLECTIVE_ANALYSIS: '集中研判',
  MEDIATION: '协调化解',
  HEARING: '组织听证',
  LAWYER: '律师代理',
  JUDICIAL_AID: '司法救助',
  IMPORTED: '导入',
};

/** An early warning's reason, given how many cases the rule found. */
export const WARNING_REASON: Record<WarningRule, (n: number) => string> = {
  OPEN_HAZARDS: (n) => `${n} 处隐患尚未整改`,
  REPEATED_PETITIONS: (n) => `近期重复信访 ${n} 次`,
  OPEN_EMERGENCY: (n) => `${n} 件紧急警情尚未办结`,
  LISTED_OVERDUE: (n) => `${n} 件挂牌督办案件超期`,
  CLUSTER: (n) => `隐患与矛盾纠纷交织（${n} 件）`,
};
