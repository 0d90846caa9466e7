import { CaseKind, CasePriority } from '../../entities';

/** Kinds where a danger to life or property can be happening right now. */
export const EMERGENCY_KINDS: readonly CaseKind[] = [CaseKind.ACCIDENT, CaseKind.CRIMINAL_CASE, CaseKind.PUBLIC_ORDER_CASE, CaseKind.SAFETY_HAZARD];

/** Words with which a resident says the matter is urgent (a bare 急 is left out: 着急, 急需 say little). */
export const URGENT_WORDS = [
  '十万火急',
  '紧急',
  '危急',
  '很急',
  '太急',
  '非常急',
  '特别急',
  '急事',
  '救命',
  '救救',
  '快来',
  '快点来',
  '赶快来',
  '赶紧来',
  '马上来',
  '速来',
];

/** Words naming a danger to life or property. */
export const DANGER_WORDS = [
  '着火',
  '起火',
  '失火',
  '火灾',
  '大火',
  '烧起来',
  '爆炸',
  '炸了',
  '塌',
  '泄漏',
  '漏气',
  '中毒',
  '持刀',
  '拿刀',
  '动刀',
  '砍人',
  '捅人',
  '打架',
  '斗殴',
  '打人',
  '打起来',
  '抢劫',
  '受伤',
  '流血',
  '救命',
  '溺水',
  '落水',
  '被困',
  '触电',
  '昏迷',
  '跳楼',
  '轻生',
  '自杀',
];

// A word right after a negation (不紧急, 不太紧急, 没人受伤, 没有人受伤) or after 防 (防火灾) does not count.
const NOT_BEFORE = '(?<!(?:不|没|没有|无|未|防)[^，。！？；,.!?;\\s]?)';
// Nor one naming a risk rather than an event (火灾隐患, 倒塌危险, 爆炸的风险).
const NOT_AFTER = '(?![^，。！？；,.!?;\\s]{0,2}(?:隐患|风险|危险))';

const finder = (words: string[]) => new RegExp(`${NOT_BEFORE}(${words.join('|')})${NOT_AFTER}`);
const URGENT = finder(URGENT_WORDS);
const DANGER = finder(DANGER_WORDS);

export interface PriorityDecision {
  priority: CasePriority;
  /** Whether the report counts as marked urgent, by the resident's choice or an urgency word. */
  urgent: boolean;
  /** The urgency word found in the text, if any. */
  urgentWord?: string;
  /** The danger word found in the text, if any (it only raises the priority of an urgent report). */
  dangerWord?: string;
}

/**
 * The priority of a resident's report. EMERGENCY when it is marked urgent (the resident's choice, or
 * an urgency word in the text) and is about a danger happening now (a kind in EMERGENCY_KINDS and a
 * danger word); URGENT when marked urgent otherwise, or for any accident; NORMAL else.
 */
export function reportPriority(kind: CaseKind, description: string, markedUrgent: boolean): PriorityDecision {
  const urgentWord = URGENT.exec(description)?.[1];
  const dangerWord = DANGER.exec(description)?.[1];
  const urgent = markedUrgent || urgentWord !== undefined;
  let priority = CasePriority.NORMAL;
  if (urgent && dangerWord && EMERGENCY_KINDS.includes(kind)) priority = CasePriority.EMERGENCY;
  else if (urgent || kind === CaseKind.ACCIDENT) priority = CasePriority.URGENT;
  return { priority, urgent, ...(urgentWord ? { urgentWord } : {}), ...(dangerWord ? { dangerWord } : {}) };
}
