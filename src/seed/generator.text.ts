import { CaseKind, CasePriority, CaseStatus, UnitKind } from '../entities';

/* Word lists and templates for generated data. Places named in press reports on the campaign in
 * Lüliang (docs/operations.md, "Data shipped"); every enterprise and institution name is marked 示例 (example) so no
 * real organisation is tied to an invented incident. */

export const NAMED_TOWNSHIPS: Record<string, string[]> = {
  交城县: ['天宁镇', '庞泉沟镇'],
  兴县: ['瓦塘镇', '蔚汾镇', '蔡家崖乡'],
  临县: ['碛口镇'],
  石楼县: ['灵泉镇', '裴沟乡', '龙交乡'],
  岚县: ['普明镇'],
};

export const NAMED_VILLAGES: Record<string, string[]> = {
  天宁镇: ['磁窑村', '龙门社区'],
  蔚汾镇: ['南通村'],
  蔡家崖乡: ['温家寨村'],
  碛口镇: ['寨则坪村'],
  裴沟乡: ['马家山村'],
};

export const PLACE_PREFIX = [
  '王家',
  '李家',
  '张家',
  '刘家',
  '高家',
  '郭家',
  '贺家',
  '白家',
  '薛家',
  '任家',
  '武家',
  '冯家',
  '东',
  '西',
  '南',
  '北',
  '前',
  '后',
  '上',
  '下',
  '大',
  '小',
  '新',
  '石',
  '柳',
  '枣',
  '杏',
  '梨',
  '红',
  '青',
  '金',
  '安',
];
export const TOWNSHIP_SUFFIX = ['镇', '乡', '镇', '街道'];
export const VILLAGE_SUFFIX = ['庄', '沟', '坪', '峪', '塔', '湾', '坡', '河', '山', '岭', '梁', '堡', '寨', '滩', '渠', '圪垛'];
export const COMMUNITY_SUFFIX = ['路社区', '街社区', '苑社区', '园社区'];

export const INSTITUTION_KINDS: Record<string, number> = {
  [UnitKind.SCHOOL]: 30,
  [UnitKind.KINDERGARTEN]: 20,
  [UnitKind.HOSPITAL]: 15,
  [UnitKind.SCENIC_SPOT]: 5,
  [UnitKind.STATION]: 5,
  [UnitKind.RELIGIOUS_SITE]: 5,
  [UnitKind.OTHER]: 20,
};
export const ENTERPRISE_KINDS: Record<string, number> = {
  [UnitKind.ENTERPRISE]: 85,
  [UnitKind.MINE_FACTORY]: 10,
  [UnitKind.MARKET]: 5,
};

const ORG_NAME: Record<string, string> = {
  SCHOOL: '示例学校',
  KINDERGARTEN: '示例幼儿园',
  HOSPITAL: '示例卫生院',
  SCENIC_SPOT: '示例景区',
  STATION: '示例客运站',
  RELIGIOUS_SITE: '示例宗教活动场所',
  OTHER: '示例服务中心',
  ENTERPRISE: '示例企业',
  MINE_FACTORY: '示例厂矿',
  MARKET: '示例市场',
};

export function orgName(kind: string, seq: number): string {
  return `${ORG_NAME[kind] ?? '示例单位'}${seq}号`;
}

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '高', '郭', '马', '贺', '白', '任', '武', '冯', '薛', '韩'];
const GIVEN = ['建国', '秀英', '桂兰', '志强', '丽', '军', '平', '红梅', '海燕', '俊杰', '晓东', '玉珍', '文华', '振华', '春花', '小明'];

export function personName(r: { pick<T>(xs: readonly T[]): T }): string {
  return `${r.pick(SURNAMES)}${r.pick(GIVEN)}`;
}

export const KINDS = Object.values(CaseKind);
export const PRIORITIES = Object.values(CasePriority);
/** For the demo's last 64 cases: every status, 8 cases each. */
export const STATUSES = [
  CaseStatus.REPORTED,
  CaseStatus.ACCEPTED,
  CaseStatus.ASSIGNED,
  CaseStatus.IN_PROGRESS,
  CaseStatus.RESOLVED,
  CaseStatus.CLOSED,
  CaseStatus.REJECTED,
  CaseStatus.MERGED,
];
export const STATUS_ORDER = [CaseStatus.REPORTED, CaseStatus.ACCEPTED, CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED, CaseStatus.CLOSED];

export const KIND_WEIGHTS: Record<CaseKind, number> = {
  PETITION: 14,
  DISPUTE: 30,
  SAFETY_HAZARD: 22,
  PUBLIC_ORDER_HAZARD: 14,
  ACCIDENT: 5,
  CRIMINAL_CASE: 3,
  PUBLIC_ORDER_CASE: 6,
  OTHER: 6,
};
export const PRIORITY_WEIGHTS: Record<CasePriority, number> = { NORMAL: 82, URGENT: 14, EMERGENCY: 4 };
export const CHANNEL_WEIGHTS = { WECHAT: 48, WEB_CHAT: 7, GRAPHQL: 20, HOTLINE: 15, IMPORT: 8, OPEN311: 2 };

/** Older cases are mostly closed; recent ones are spread along the workflow. */
export function statusWeights(ageDays: number): Record<string, number> {
  if (ageDays > 60) return { CLOSED: 84, REJECTED: 5, MERGED: 2, RESOLVED: 3, IN_PROGRESS: 4, ASSIGNED: 1, ACCEPTED: 1 };
  if (ageDays > 7) return { CLOSED: 48, RESOLVED: 15, IN_PROGRESS: 15, ASSIGNED: 8, ACCEPTED: 5, REPORTED: 2, REJECTED: 5, MERGED: 2 };
  return { REPORTED: 25, ACCEPTED: 18, ASSIGNED: 18, IN_PROGRESS: 20, RESOLVED: 10, CLOSED: 5, REJECTED: 3, MERGED: 1 };
}

const TITLES: Record<CaseKind, string[]> = {
  PETITION: ['反映征地补偿款未足额发放', '反映宅基地确权长期未办理', '反映低保资格认定不公', '反映拖欠工程款', '反映养老保险待遇核定有误'],
  DISPUTE: ['邻里因排水沟发生纠纷', '土地承包地界纠纷', '赡养老人家庭矛盾', '林地权属争议', '务工工资结算纠纷', '宅基地边界纠纷'],
  SAFETY_HAZARD: ['村道边坡有落石隐患', '自建房墙体开裂', '燃气管道老化漏气', '河道护栏缺失', '废弃矿井口未封闭', '电线私拉乱接'],
  PUBLIC_ORDER_HAZARD: ['夜间有人聚集赌博', '废品收购点未登记', '路灯损坏夜间不安全', '学校周边有人滋扰学生', '出租屋人员未登记'],
  ACCIDENT: ['村道发生两车剐蹭事故', '农用车侧翻一人轻伤', '作坊发生小型火情', '施工工地人员坠落受伤'],
  CRIMINAL_CASE: ['村民家中财物被盗', '遭遇电信网络诈骗', '摩托车被盗', '养殖场牲畜被盗'],
  PUBLIC_ORDER_CASE: ['酒后滋事打架', '寻衅滋事', '故意损毁他人财物', '无证经营烟花爆竹'],
  OTHER: ['咨询低保申请流程', '建议增设公交站点', '反映自来水水质浑浊', '咨询医保报销政策'],
};

const DETAILS = [
  '已持续一段时间，群众反映强烈。',
  '涉及多户村民，希望尽快协调解决。',
  '当事人情绪较大，需及时介入化解。',
  '现场有照片，可联系反映人了解详情。',
  '此前曾向村委会反映，尚未解决。',
];

export function caseText(kind: CaseKind, place: string, r: { pick<T>(xs: readonly T[]): T }) {
  const title = r.pick(TITLES[kind]);
  return { title, description: `${place}${title}。${r.pick(DETAILS)}` };
}
