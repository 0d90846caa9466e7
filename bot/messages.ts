import { CaseKind, CasePriority, CaseStatus, ReturnVisitResult, RUNNING_STATUSES, SupervisionLevel } from '../src/entities';
import type { PushMessage } from '../src/domain/push/push';
import { CATEGORY_LABEL, KIND_LABEL, VISIT_LABEL } from '../src/shared/labels';
import { localMonthDay, localTime } from '../src/domain/time/local-time';

/*
 * Every text the bot says, in one place, so a second locale is one more object of this shape.
 * Replies are short, friendly, and always end with what the person can type next.
 */

export interface PlaceOption {
  name: string;
  township: string | null;
}

/** A resolved case waiting for the resident's return visit. */
export interface VisitOption {
  number: string;
  title: string;
}

/** The priority a report will get, and the words of the description that decided it. */
export interface Urgency {
  priority: CasePriority;
  /** Marked urgent by the resident (choice or urgency word); when false the bot offers to mark it. */
  urgent: boolean;
  urgentWord?: string;
  /** A danger word in the description; unmarked, the bot suggests marking it and calling 110/119/120. */
  dangerWord?: string;
}

export interface CaseSummary {
  number: string;
  title: string;
  status: CaseStatus;
  handlingUnit: string;
  reportedAt: Date;
  dueAt: Date;
}

export interface Messages {
  menu(name: string): string;
  kindQuestion(): string;
  kindInvalid(): string;
  kindLabel(kind: CaseKind): string;
  placeQuestion(): string;
  placeChoices(options: PlaceOption[]): string;
  placeChoiceInvalid(n: number): string;
  placeNotFound(text: string): string;
  townshipQuestion(): string;
  townshipNotFound(text: string): string;
  townshipChoices(names: string[]): string;
  townshipAmbiguous(names: string[]): string;
  descriptionQuestion(): string;
  descriptionTooShort(): string;
  photoSaved(count: number): string;
  photoTooLarge(maxMb: number): string;
  photoNotImage(): string;
  photoLimit(max: number): string;
  photoQuota(maxMb: number): string;
  photoUnavailable(): string;
  phoneQuestion(): string;
  phoneInvalid(): string;
  confirm(s: { kind: CaseKind; place: string; description: string; photos: number; phone: string | null; anonymous: boolean; urgency: Urgency }): string;
  confirmInvalid(urgent: boolean): string;
  submitted(s: { number: string; handlingUnit: string; acceptBy: string; resolveBy: string; priority: CasePriority }): string;
  cancelled(): string;
  expired(): string;
  offerReport(text: string): string;
  /** Said first when a message speaks of danger: the bot is no emergency line. */
  callNow(): string;
  queryUsage(): string;
  queryNotFound(number: string): string;
  caseStatus(c: CaseSummary): string;
  myCases(cases: CaseSummary[]): string;
  noCases(): string;
  visitQuestion(number: string, title: string): string;
  visitThanks(number: string, closed: boolean): string;
  visitInvalid(): string;
  visitLabel(result: ReturnVisitResult): string;
  /** Several cases wait for the return visit: which one does the answer `label` belong to? */
  visitChoice(label: string, options: VisitOption[]): string;
  visitChoiceInvalid(n: number, example: string): string;
  visitNotPending(number: string): string;
  /** Cases still waiting for the return visit after one was answered. */
  visitRemaining(options: VisitOption[]): string;
  visitLater(): string;
  bound(name: string, unit: string): string;
  bindFailed(): string;
  todo(cases: CaseSummary[]): string;
  todoEmpty(): string;
  todoNotOfficer(): string;
  /** The chat text of a push, for the resident or officer it goes to. */
  push(message: PushMessage): string;
  rateLimited(): string;
  tooManyContacts(): string;
  /** Too many photos arriving at once: the resident should resend in a moment. */
  busy(): string;
  tooLong(max: number): string;
  empty(): string;
  unsupported(): string;
  failure(): string;
  statusLabel(status: CaseStatus): string;
}

/** The order of the kind menu (1–8). */
export const KIND_MENU: CaseKind[] = [
  CaseKind.DISPUTE,
  CaseKind.SAFETY_HAZARD,
  CaseKind.PUBLIC_ORDER_HAZARD,
  CaseKind.PETITION,
  CaseKind.ACCIDENT,
  CaseKind.PUBLIC_ORDER_CASE,
  CaseKind.CRIMINAL_CASE,
  CaseKind.OTHER,
];

const STATUS_LABEL: Record<CaseStatus, string> = {
  REPORTED: '已登记，等待受理',
  ACCEPTED: '已受理',
  ASSIGNED: '已交办，正在安排处理',
  IN_PROGRESS: '正在办理',
  RESOLVED: '已办结，等待您的评价',
  CLOSED: '已办结销号',
  REJECTED: '不予受理',
  MERGED: '已与同一问题合并办理',
};

/** The first n characters, counted in code points, so an emoji is never cut in half. */
export function clip(text: string, n: number): string {
  const chars = [...text];
  return chars.length > n ? `${chars.slice(0, n).join('')}…` : text;
}

const day = (d: Date) => {
  const { month, day } = localMonthDay(d);
  return `${month}月${day}日`;
};

const NEXT = '发送“菜单”查看可以做的事。';

const PRIORITY_LABEL: Record<CasePriority, string> = { NORMAL: '普通', URGENT: '紧急', EMERGENCY: '特急（应急处置）' };

/** The bot is not an emergency line: said with every emergency report. */
const CALL_NOW = '本平台不能代替报警电话：有人员伤亡或危险仍在发生，请立即拨打 110（报警）、119（火警）或 120（急救）。';

const clock = localTime;

const SUPERVISION_LABEL: Record<SupervisionLevel, string> = {
  NONE: '提醒',
  REMINDED: '到期提醒（一天内到期）',
  URGED: '催办（已超期）',
  SUPERVISED: '督办（超期三个工作日）',
  LISTED: '挂牌督办（超期十个工作日）',
};

export const zh: Messages = {
  menu: (name) =>
    `${name}您好，这里是“三零”服务平台，可以帮您反映问题、查询办理进度。\n` +
    '· 发送“反映”：反映矛盾纠纷、安全隐患等问题\n' +
    '· 发送“查询 案件编号”：查看办理进度，例如：查询 SL202611230001\n' +
    '· 发送“我的”：查看我反映过的问题\n' +
    '紧急情况请直接拨打 110、119 或 120。',
  kindQuestion: () => `请选择问题类型，回复数字：\n${KIND_MENU.map((k, i) => `${i + 1} ${KIND_LABEL[k]}`).join('\n')}\n回复“取消”可随时退出。`,
  kindInvalid: () => '请回复 1 到 8 之间的数字选择问题类型，或回复“取消”退出。',
  kindLabel: (kind) => KIND_LABEL[kind],
  placeQuestion: () => '问题发生在哪个村、社区或单位？请输入名称，例如：磁窑村。回复“返回”重选类型。',
  placeChoices: (options) =>
    `找到以下地点，请回复序号：\n${options.map((o, i) => `${i + 1} ${o.name}${o.township ? `（${o.township}）` : ''}`).join('\n')}\n都不是？请重新输入名称。`,
  placeChoiceInvalid: (n) => `请回复 1 到 ${n} 之间的序号，或重新输入地点名称。`,
  placeNotFound: (text) => `没有找到“${text}”。请先告诉我所在的乡镇或街道名称，例如：天宁镇。`,
  townshipQuestion: () => '请告诉我所在的乡镇或街道名称，例如：天宁镇。',
  townshipNotFound: (text) => `也没有找到乡镇“${text}”。请检查名称后重新输入，或回复“取消”退出。`,
  townshipChoices: (names) => `找到乡镇：${names.join('、')}。请输入该乡镇下的村、社区或单位名称。`,
  townshipAmbiguous: (names) => `找到几个乡镇：${names.join('、')}。请输入完整的乡镇名称。`,
  descriptionQuestion: () => '请描述一下具体情况（时间、经过、涉及的人等），也可以发送照片。回复“返回”重选地点。',
  descriptionTooShort: () => '描述太简单了，请再多说几句具体情况（至少 5 个字）。',
  photoSaved: (count) => `照片已收到（共 ${count} 张）。可以继续发送照片，或发送文字描述情况。`,
  photoTooLarge: (maxMb) => `照片太大了（上限 ${maxMb} MB），请压缩后重新发送。`,
  photoNotImage: () => '只能接收照片（JPG、PNG 等图片）。请发送图片，或用文字描述。',
  photoLimit: (max) => `最多可以附 ${max} 张照片。请继续用文字描述情况。`,
  photoQuota: (maxMb) => `您今天发送的照片已达上限（${maxMb} MB），这张没有保存；您的文字反映不受影响，请继续用文字描述。`,
  photoUnavailable: () => '照片暂时无法保存，请稍后再发；您的文字反映不受影响。',
  phoneQuestion: () => '请留一个手机号码，方便工作人员联系和回访；不想留请回复“匿名”。',
  phoneInvalid: () => '手机号码格式不对，请输入 11 位手机号，或回复“匿名”。',
  confirm: (s) => {
    const u = s.urgency;
    const why = u.urgentWord ? `（您提到“${u.urgentWord}”）` : !u.urgent && u.priority === CasePriority.URGENT ? '（事故）' : '';
    const lines = [
      `请确认：\n类型：${KIND_LABEL[s.kind]}\n地点：${s.place}\n情况：${s.description.length > 60 ? `${s.description.slice(0, 60)}…` : s.description}`,
      `照片：${s.photos} 张\n联系电话：${s.anonymous ? '匿名' : (s.phone ?? '未留')}\n紧急程度：${PRIORITY_LABEL[u.priority]}${why}`,
    ];
    if (u.priority === CasePriority.EMERGENCY) lines.push(`提交后会立即通知乡镇和县里的负责人。${CALL_NOW}`);
    else if (!u.urgent && u.dangerWord) lines.push(`您提到“${u.dangerWord}”：如果危险正在发生，请回复 2 按紧急提交，并立即拨打 110、119 或 120。`);
    lines.push(
      u.urgent ? '回复 1 提交，回复 0 取消，回复“返回”修改电话。' : '回复 1 提交；情况紧急、需要马上处理，回复 2 按紧急提交；回复 0 取消，回复“返回”修改电话。',
    );
    return lines.join('\n');
  },
  confirmInvalid: (urgent) => (urgent ? '请回复 1 提交，或回复 0 取消。' : '请回复 1 提交、2 按紧急提交，或回复 0 取消。'),
  submitted: (s) =>
    `已提交，案件编号 ${s.number}。紧急程度：${PRIORITY_LABEL[s.priority]}。\n由${s.handlingUnit}办理，将在${s.acceptBy}受理、${s.resolveBy}办结。\n` +
    (s.priority === CasePriority.EMERGENCY ? `已同时通知${s.handlingUnit}和县里的负责人立即处置。${CALL_NOW}\n` : '') +
    `发送“查询 ${s.number}”随时查看进度。`,
  cancelled: () => `已取消。${NEXT}`,
  expired: () => '上次的对话超过 30 分钟没有继续，已经结束了。',
  callNow: () => '如果危险正在发生，请立即拨打 110（报警）、119（火警）或 120（急救），本平台不能代替报警电话。也可以继续在这里反映：',
  offerReport: (text) => `您是想反映“${clip(text, 20)}”这个问题吗？回复 1 开始反映，回复 0 不用了。`,
  queryUsage: () => '请在“查询”后面加上案件编号，例如：查询 SL202611230001。发送“我的”查看您反映过的问题。',
  queryNotFound: (number) => `没有找到您反映的编号为 ${number} 的问题。请核对编号，或发送“我的”查看您的问题。`,
  caseStatus: (c) =>
    `${c.number}｜${c.title}\n状态：${STATUS_LABEL[c.status]}\n办理单位：${c.handlingUnit}\n反映时间：${day(c.reportedAt)}` +
    (RUNNING_STATUSES.includes(c.status) ? `\n办结时限：${day(c.dueAt)}前` : '') +
    `\n${NEXT}`,
  myCases: (cases) => `您反映过的问题：\n${cases.map((c) => `${c.number} ${c.title}（${STATUS_LABEL[c.status]}）`).join('\n')}\n发送“查询 编号”查看详情。`,
  noCases: () => '您还没有反映过问题。发送“反映”开始反映。',
  visitQuestion: (number, title) => `您反映的问题（${number}｜${title}）已经办结。对处理结果满意吗？回复：1 满意　2 基本满意　3 不满意`,
  visitThanks: (number, closed) => (closed ? `感谢您的评价，${number} 已办结销号。${NEXT}` : `收到，我们会重新办理 ${number}，并尽快与您联系。${NEXT}`),
  visitInvalid: () => '请回复 1 满意、2 基本满意 或 3 不满意；回复“取消”稍后再评价。',
  visitLabel: (result) => VISIT_LABEL[result],
  visitChoice: (label, options) =>
    `您有 ${options.length} 个已办结的问题在等待评价，请问“${label}”是对哪一个的评价？请回复序号：\n` +
    `${options.map((o, i) => `${i + 1} ${o.number}｜${o.title}`).join('\n')}\n` +
    `也可以直接回复“编号 评价”，例如：${options[0].number} 1。回复“取消”稍后再评价。`,
  visitChoiceInvalid: (n, example) => `请回复 1 到 ${n} 之间的序号，或回复“编号 评价”，例如：${example} 1。回复“取消”稍后再评价。`,
  visitNotPending: (number) => `编号为 ${number} 的问题不在等待您评价的问题中。发送“我的”查看您反映过的问题。`,
  visitRemaining: (options) =>
    options.length === 1
      ? `您还有一个问题（${options[0].number}｜${options[0].title}）等待评价。对处理结果满意吗？回复：1 满意　2 基本满意　3 不满意`
      : `您还有 ${options.length} 个问题等待评价：\n${options.map((o) => `${o.number}｜${o.title}`).join('\n')}\n请回复“编号 评价”，例如：${options[0].number} 1（1 满意　2 基本满意　3 不满意）。`,
  visitLater: () => `好的，您可以稍后再评价。${NEXT}`,
  bound: (name, unit) => `已绑定：${name}（${unit}）。发送“待办”查看待办案件；新交办、督办和紧急警情会推送到这里。`,
  bindFailed: () => '绑定码不对或已过期。请在系统里重新获取绑定码（10 分钟内有效）后发送“绑定 绑定码”。',
  todo: (cases) => `待办案件（按时限排序）：\n${cases.map((c) => `${c.number} ${c.title}｜${STATUS_LABEL[c.status]}｜${day(c.dueAt)}前`).join('\n')}`,
  todoEmpty: () => '目前没有待办案件。',
  todoNotOfficer: () => `“待办”是工作人员的功能：请先用系统里获取的绑定码发送“绑定 绑定码”。${NEXT}`,
  push: (message) => {
    if (message.topic === 'digest.daily') {
      const p = message.payload;
      const list = p.numbers.length ? `\n${p.numbers.slice(0, 10).join('、')}${p.numbers.length > 10 ? ' 等' : ''}` : '';
      return `早上好。${p.date} 待办：新案件 ${p.newCases} 件，一天内到期 ${p.dueSoon} 件，已超期 ${p.overdue} 件。${list}\n发送“待办”查看。`;
    }
    if (message.topic === 'report.weekly') {
      const p = message.payload;
      return `【周动态】${p.unit}（${p.weekStart} 起一周）：新受理 ${p.reported} 件，办结 ${p.resolved} 件，销号 ${p.closed} 件；目前超期 ${p.overdue} 件，其中督办 ${p.supervised} 件、挂牌督办 ${p.listed} 件。`;
    }
    if (message.topic === 'report.warning_letter') {
      const p = message.payload;
      const names = p.categories.map((c) => CATEGORY_LABEL[c] ?? c).join('、');
      return `【风险提示函】${p.unit} ${p.month} ${names}“三零”创建率低于目标，综合排名第 ${p.rank}/${p.of} 位。请登录指挥中心查看提示函并抓好整改。`;
    }
    const p = message.payload;
    const ref = `${p.number}｜${p.title}`;
    switch (message.topic) {
      case 'case.status':
        return `您反映的问题（${ref}）有新进展：${STATUS_LABEL[message.payload.status]}。发送“查询 ${p.number}”查看详情。`;
      case 'case.return_visit': {
        const again = (message.payload.round ?? 1) > 1 ? '再次请您评价：' : '';
        const note = message.payload.note ? `：${message.payload.note}` : '';
        return `${again}您反映的问题（${ref}）已经办结${note}。对处理结果满意吗？回复：1 满意　2 基本满意　3 不满意`;
      }
      case 'case.emergency': {
        const due = new Date(message.payload.acceptDueAt);
        const again = (message.payload.round ?? 1) > 1 ? `（第 ${message.payload.round} 次提醒，仍未受理）` : '';
        return `【紧急】${message.payload.unit}：${ref}${again}。请立即处置，${day(due)}${clock(due)}前受理。`;
      }
      case 'case.assigned':
        return `新交办：${ref}，请于${day(new Date(message.payload.dueAt))}前办结。发送“待办”查看。`;
      case 'case.supervised':
        return `${SUPERVISION_LABEL[message.payload.level]}：${ref}，时限 ${day(new Date(message.payload.dueAt))}，请加快办理。`;
      case 'case.escalated':
        return `上报：${message.payload.fromUnit} 将 ${ref} 上报至${message.payload.toUnit}（${message.payload.reason}），请受理。`;
      case 'case.visit_unanswered':
        return `回访无应答：${ref} 办结后群众三个工作日未评价，可由督导人员写明情况后销号。`;
    }
  },

  rateLimited: () => '您发送得太快了，请稍等一分钟再发。',
  tooManyContacts: () => '这个网络上新开的对话太多了，请稍后再试；已经开始的对话不受影响。',
  busy: () => '现在同时发送照片的人较多，请过几秒钟再发一次。',
  tooLong: (max) => `内容太长了，请控制在 ${max} 字以内。`,
  empty: () => `没有收到内容。${NEXT}`,
  unsupported: () => `暂时只能处理文字和照片。${NEXT}`,
  failure: () => `系统开小差了，请稍后再试。${NEXT}`,
  statusLabel: (status) => STATUS_LABEL[status],
};
