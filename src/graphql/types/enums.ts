import { registerEnumType } from 'type-graphql';
import {
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
import { CaseOrderField, SortDirection } from '../../domain/cases/case.query';
import { WORKFLOW, type Action } from '../../domain/cases/workflow';

registerEnumType(UnitKind, {
  name: 'UnitKind',
  description: 'What a unit is (创建主体类型).',
  valuesConfig: {
    CITY: { description: 'Prefecture-level city (市).' },
    COUNTY: { description: 'County, district or county-level city (县/区/县级市).' },
    TOWNSHIP: { description: 'Township, town or street office (乡/镇/街道); runs the comprehensive governance centre (综治中心).' },
    VILLAGE: { description: 'Administrative village (行政村).' },
    COMMUNITY: { description: 'Urban community (社区).' },
    ENTERPRISE: { description: 'Enterprise (企业).' },
    SCHOOL: { description: 'School (学校).' },
    KINDERGARTEN: { description: 'Kindergarten (幼儿园).' },
    HOSPITAL: { description: 'Hospital or clinic (医院).' },
    SCENIC_SPOT: { description: 'Scenic spot (景区).' },
    MARKET: { description: 'Market (市场).' },
    MINE_FACTORY: { description: 'Mine or factory (厂矿).' },
    STATION: { description: 'Station (车站).' },
    AIRPORT: { description: 'Airport (机场).' },
    RELIGIOUS_SITE: { description: 'Religious site (宗教活动场所).' },
    OTHER: { description: 'Any other institution (其他).' },
  },
});

registerEnumType(UnitCategory, {
  name: 'UnitCategory',
  description: 'Category a unit counts in for the creation targets (derived from its kind).',
  valuesConfig: {
    REGION: { description: 'City, county or township (行政区域): not itself a creation subject.' },
    VILLAGE_COMMUNITY: { description: 'Village or community (村/社区): target ≥80% zero.' },
    ENTERPRISE: { description: 'Enterprise, market, mine or factory (企业): target ≥90% zero.' },
    INSTITUTION: { description: 'School, hospital, station and other institutions (单位): target ≥90% zero.' },
  },
});

registerEnumType(OfficerRole, {
  name: 'OfficerRole',
  description: 'What an officer may do in their jurisdiction (分级授权); each role includes those below it.',
  valuesConfig: {
    GRID_WORKER: { description: 'Grid worker or village police officer (网格员/驻村民警): reads, works cases assigned to them.' },
    OFFICER: { description: 'Township or county officer: accepts, assigns, escalates, reports on behalf of residents.' },
    SUPERVISOR: { description: 'Supervisor (政法委综治督导): supervises overdue cases, extends deadlines, sees analytics.' },
    ADMIN: { description: 'Administrator: units, officers, calendar and policy.' },
  },
});

registerEnumType(CaseKind, {
  name: 'CaseKind',
  description: 'Kind of problem; decides which of the three zeros it affects.',
  valuesConfig: {
    PETITION: { description: 'Petition (信访).' },
    DISPUTE: { description: 'Dispute or conflict (矛盾纠纷).' },
    SAFETY_HAZARD: { description: 'Safety hazard (安全隐患).' },
    PUBLIC_ORDER_HAZARD: { description: 'Public-order hazard (治安隐患).' },
    ACCIDENT: { description: 'Accident (事故): costs the unit its 零事故.' },
    CRIMINAL_CASE: { description: 'Criminal case (刑事案件): costs the unit its 零案件.' },
    PUBLIC_ORDER_CASE: { description: 'Public-order case (治安案件): costs the unit its 零案件.' },
    OTHER: { description: 'Anything else (其他).' },
  },
});

registerEnumType(CasePriority, {
  name: 'CasePriority',
  description: 'How fast a case must be handled; sets its deadlines.',
  valuesConfig: {
    NORMAL: { description: 'Normal (一般): accept in 1 working day, resolve in 7.' },
    URGENT: { description: 'Urgent (紧急): accept in 2 hours, resolve in 24 hours.' },
    EMERGENCY: { description: 'Emergency (特急, 应急处置): accept in 30 minutes, resolve in 24 hours; pushed at once.' },
  },
});

registerEnumType(CaseStatus, {
  name: 'CaseStatus',
  description: 'Where a case is in the closed loop (闭环).',
  valuesConfig: {
    REPORTED: { description: 'Reported, waiting to be accepted (已上报).' },
    ACCEPTED: { description: 'Accepted by the handling unit (已受理).' },
    ASSIGNED: { description: 'Assigned to a unit or officer (已交办).' },
    IN_PROGRESS: { description: 'Being worked (办理中).' },
    RESOLVED: { description: 'Resolved, waiting for the return visit (已办结, 待回访).' },
    CLOSED: { description: 'Closed out (已销号).' },
    REJECTED: { description: 'Not accepted, with a reason (不予受理).' },
    MERGED: { description: 'Folded into another case as a duplicate (已合并).' },
  },
});

registerEnumType(Channel, {
  name: 'Channel',
  description: 'How a case reached us.',
  valuesConfig: {
    WECHAT: { description: 'WeChat chat with the bot (微信).' },
    WEB_CHAT: { description: 'The web chat page (网页对话).' },
    GRAPHQL: { description: 'Filed by an officer through the API.' },
    OPEN311: { description: 'Open311 GeoReport client.' },
    HOTLINE: { description: 'Telephone hotline (热线).' },
    IMPORT: { description: 'Imported from another system or the dragnet survey (排查导入).' },
  },
});

registerEnumType(SupervisionLevel, {
  name: 'SupervisionLevel',
  description: 'How hard a case is being pushed from above (督办等级).',
  valuesConfig: {
    NONE: { description: 'No supervision.' },
    REMINDED: { description: 'Reminded: due within 24 hours (提醒).' },
    URGED: { description: 'Urged: overdue (催办).' },
    SUPERVISED: { description: 'Supervised: overdue 3 working days, county supervisor notified (督办).' },
    LISTED: { description: 'Listed: overdue 10 working days, city level (挂牌督办).' },
  },
});

registerEnumType(Escalation, {
  name: 'Escalation',
  description: 'Whether a case left its unit, and why; BEYOND_UNIT costs the unit its 零上访.',
  valuesConfig: {
    NONE: { description: 'Handled where it arose.' },
    REQUIRES_HIGHER_AUTHORITY: { description: 'Needs a higher authority by its nature (does not count against the unit).' },
    BEYOND_UNIT: { description: 'Went beyond the unit: a skip-level petition (越级访) or one the unit should have resolved.' },
  },
});

registerEnumType(ReturnVisitResult, {
  name: 'ReturnVisitResult',
  description: "The reporter's verdict on the return visit (回访).",
  valuesConfig: {
    SATISFIED: { description: 'Satisfied (满意): closes the case.' },
    BASICALLY_SATISFIED: { description: 'Basically satisfied (基本满意): closes the case.' },
    DISSATISFIED: { description: 'Dissatisfied (不满意): reopens the case (重办).' },
  },
});

registerEnumType(CaseOrderField, {
  name: 'CaseOrderField',
  description: 'What to sort cases by.',
  valuesConfig: {
    REPORTED_AT: { description: 'When the case was reported.' },
    DUE_AT: { description: 'The resolve deadline.' },
    UPDATED_AT: { description: 'The last change.' },
    NUMBER: { description: 'The case number.' },
    DEADLINE: {
      description:
        'The deadline in force (Case.deadline): ascending puts overdue cases first, then the soonest; cases whose clock has stopped (resolved, closed, …) come after every running one.',
    },
  },
});

registerEnumType(SortDirection, {
  name: 'SortDirection',
  description: 'Sort direction.',
  valuesConfig: { ASC: { description: 'Smallest or earliest first.' }, DESC: { description: 'Largest or latest first.' } },
});

/** The workflow's own actions under GraphQL names (accept → ACCEPT, extendDeadline → EXTEND_DEADLINE). */
const ACTION_MUTATION: Record<Action, string> = {
  accept: 'acceptCase (受理)',
  reject: 'rejectCase (不予受理)',
  assign: 'assignCase (交办)',
  start: 'startCase (开始办理)',
  resolve: 'resolveCase (办结)',
  close: 'closeCase (销号, without a return visit)',
  reopen: 'reopenCase (重办)',
  escalate: 'escalateCase (上报)',
  supervise: 'superviseCase (督办)',
  extendDeadline: 'extendDeadline (延期)',
  merge: 'mergeCase (合并)',
  note: 'addCaseNote (备注 and the petition steps)',
  returnVisit: 'recordReturnVisit (回访)',
};
export const CaseAction = Object.fromEntries((Object.keys(WORKFLOW) as Action[]).map((a) => [a.replace(/[A-Z]/g, (m) => `_${m}`).toUpperCase(), a])) as Record<
  string,
  Action
>;
registerEnumType(CaseAction, {
  name: 'CaseAction',
  description: 'A step of the workflow an officer may take on a case (Case.availableActions), and the mutation that takes it.',
  valuesConfig: Object.fromEntries(Object.entries(CaseAction).map(([name, action]) => [name, { description: ACTION_MUTATION[action] }])),
});
