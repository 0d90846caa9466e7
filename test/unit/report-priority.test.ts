import { reportPriority } from '../../src/domain/cases/report-priority';
import { CaseKind, CasePriority } from '../../src/entities';

const { ACCIDENT, CRIMINAL_CASE, DISPUTE, PETITION, PUBLIC_ORDER_CASE, SAFETY_HAZARD } = CaseKind;
const { EMERGENCY, NORMAL, URGENT } = CasePriority;
const priority = (kind: CaseKind, text: string, marked = false) => reportPriority(kind, text, marked).priority;

describe('priority of a resident’s report', () => {
  it('is EMERGENCY when marked urgent and a danger is happening now, for the kinds where it can be', () => {
    expect(priority(SAFETY_HAZARD, '村东头柴草垛着火了，火很大', true)).toBe(EMERGENCY);
    expect(priority(SAFETY_HAZARD, '紧急！村东头柴草垛着火了')).toBe(EMERGENCY);
    expect(priority(PUBLIC_ORDER_CASE, '有人在村委会门口打架，快来人')).toBe(EMERGENCY);
    expect(priority(CRIMINAL_CASE, '有人持刀闯进小卖部', true)).toBe(EMERGENCY);
    expect(priority(ACCIDENT, '两车相撞，有人受伤流血，救命')).toBe(EMERGENCY);
    expect(priority(SAFETY_HAZARD, '老房子塌了一半，里面可能有人', true)).toBe(EMERGENCY);
    expect(priority(SAFETY_HAZARD, '楼道里煤气泄漏，味道很大', true)).toBe(EMERGENCY);
  });

  it('is URGENT when marked urgent without a present danger, or for the other kinds, and for every accident', () => {
    expect(priority(SAFETY_HAZARD, '路口井盖丢了，很急', false)).toBe(URGENT);
    expect(priority(DISPUTE, '两家因为宅基地打起来了，紧急')).toBe(URGENT);
    expect(priority(PETITION, '工资拖欠半年，家里等着用钱', true)).toBe(URGENT);
    expect(priority(ACCIDENT, '路口两车轻微剐蹭，没人受伤')).toBe(URGENT);
    expect(priority(SAFETY_HAZARD, '仓库堆满杂物，有火灾隐患，紧急')).toBe(URGENT);
    expect(priority(SAFETY_HAZARD, '围墙裂缝很大，有倒塌危险', true)).toBe(URGENT);
  });

  it('is NORMAL for a plain report, however alarming its words, unless marked urgent', () => {
    expect(priority(DISPUTE, '两家因为排水沟堵塞吵了起来，需要调解')).toBe(NORMAL);
    expect(priority(SAFETY_HAZARD, '去年着火烧坏的房子还没有修')).toBe(NORMAL);
    expect(priority(PUBLIC_ORDER_CASE, '昨天晚上有人在广场打架')).toBe(NORMAL);
    expect(priority(SAFETY_HAZARD, '我很着急，路灯坏了好几天')).toBe(NORMAL);
  });

  it('does not count a negated word', () => {
    expect(priority(SAFETY_HAZARD, '不紧急，路边有个坑，着火的话消防车进不来')).toBe(NORMAL);
    expect(priority(SAFETY_HAZARD, '不太紧急，电线老化')).toBe(NORMAL);
    expect(priority(ACCIDENT, '两车相撞，紧急，没有人受伤')).toBe(URGENT);
    expect(reportPriority(ACCIDENT, '两车相撞，没人受伤，紧急', false)).toEqual({ priority: URGENT, urgent: true, urgentWord: '紧急' });
    expect(reportPriority(SAFETY_HAZARD, '孩子不小心触电了，救命', false)).toEqual({
      priority: EMERGENCY,
      urgent: true,
      urgentWord: '救命',
      dangerWord: '触电',
    });
  });

  it('names the words it found, and the resident’s mark alone makes a report urgent', () => {
    expect(reportPriority(SAFETY_HAZARD, '山坡塌方堵了路', true)).toEqual({ priority: EMERGENCY, urgent: true, dangerWord: '塌' });
    expect(reportPriority(SAFETY_HAZARD, '山坡塌方堵了路', false)).toEqual({ priority: NORMAL, urgent: false, dangerWord: '塌' });
    expect(reportPriority(DISPUTE, '十万火急', false)).toEqual({ priority: URGENT, urgent: true, urgentWord: '十万火急' });
  });
});
