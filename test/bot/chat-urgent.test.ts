import { Case, CasePriority, CaseStatus, OutboxMessage, Resident } from '../../src/entities';
import { toGlobalId } from '../../src/graphql/relay';
import { insertCase } from '../support/fixture';
import { useWorldApp } from '../support/app';
import { last, say as sayTo } from '../support/chat';

// Monday 23 Nov 2026, 10:00 Beijing time.
const now = new Date('2026-11-23T02:00:00Z');
const t = useWorldApp({ now: () => now });

const say = (contact: string, text: string) => sayTo(t.app.url, contact, text);
const em = () => t.db.orm.em.fork();

/** Kind (menu number) → 磁窑村 → description → anonymous; returns the confirm text. */
async function draft(contact: string, kind: string, description: string): Promise<string> {
  await say(contact, '反映');
  await say(contact, kind);
  expect(last(await say(contact, '磁窑村'))).toMatch(/描述一下具体情况/);
  expect(last(await say(contact, description))).toMatch(/手机号码/);
  const confirm = last(await say(contact, '匿名'));
  expect(confirm).toMatch(/请确认/);
  return confirm;
}

const filed = async (replies: string[]) => em().findOneOrFail(Case, { number: /SL\d{12}/.exec(last(replies))![0] });
const emergencyRecipients = async (c: Case) =>
  (await em().find(OutboxMessage, { topic: 'case.emergency', payload: { caseId: c.id } })).map((o) => o.recipient).sort();

describe('urgent chat reports', () => {
  it('files a fire marked urgent at the confirm step as EMERGENCY, with the same pushes as one filed over GraphQL', async () => {
    const confirm = await draft('urgent-fire-001', '2', '村东头柴草垛着火了，火很大');
    // Not yet urgent: the danger word makes the bot offer the mark and the phone numbers.
    expect(confirm).toMatch(/紧急程度：普通/);
    expect(confirm).toMatch(/您提到“着火”：如果危险正在发生，请回复 2 按紧急提交，并立即拨打 110、119 或 120/);
    const done = await say('urgent-fire-001', '2');
    expect(last(done)).toMatch(/^已提交，案件编号 SL\d{12}。紧急程度：特急（应急处置）。/);
    expect(last(done)).toMatch(/30分钟内（11月23日10:30前）受理/);
    expect(last(done)).toMatch(/已同时通知甲一镇和县里的负责人立即处置/);
    expect(last(done)).toMatch(/请立即拨打 110（报警）、119（火警）或 120（急救）/);
    const c = await filed(done);
    expect(c).toMatchObject({ kind: 'SAFETY_HAZARD', priority: CasePriority.EMERGENCY, status: CaseStatus.REPORTED });

    // The handling township's officer and the county supervisor, nobody else (not the city admin, not the village).
    const { offA1, supA } = t.world.officers;
    expect(await emergencyRecipients(c)).toEqual([`officer:${offA1.id}`, `officer:${supA.id}`].sort());

    const gql = await t.app.gql(
      'mutation($i: ReportCaseInput!) { reportCase(input: $i) { case { number } } }',
      {
        i: {
          kind: 'SAFETY_HAZARD',
          priority: 'EMERGENCY',
          unitId: toGlobalId('Unit', t.world.units.A1a.id),
          title: '柴草垛着火',
          description: '村东头柴草垛着火了',
        },
      },
      await t.app.login('offA1'),
    );
    expect(gql.errors).toBeUndefined();
    const viaGraphql = await em().findOneOrFail(Case, { number: gql.data.reportCase.case.number });
    expect(await emergencyRecipients(viaGraphql)).toEqual(await emergencyRecipients(c));
  });

  it('tells a resident whose free text speaks of danger to call 110/119/120 first', async () => {
    const replies = await say('urgent-free-001', '着火了，快来人救火');
    expect(replies[0]).toMatch(/^如果危险正在发生，请立即拨打 110（报警）、119（火警）或 120（急救）/);
    expect(last(replies)).toMatch(/您是想反映“着火了，快来人救火”这个问题吗/);
    expect(await say('urgent-free-002', '村口的路灯坏了好几天了')).toHaveLength(1);
  });

  it('takes an urgency word in the description as the mark, and says so before submitting', async () => {
    const confirm = await draft('urgent-words-01', '6', '紧急！有人在村委会门口打架，有人受伤了');
    expect(confirm).toMatch(/紧急程度：特急（应急处置）（您提到“紧急”）/);
    expect(confirm).toMatch(/提交后会立即通知乡镇和县里的负责人。本平台不能代替报警电话/);
    expect(confirm).not.toMatch(/回复 2 按紧急提交/);
    const c = await filed(await say('urgent-words-01', '1'));
    expect(c).toMatchObject({ kind: 'PUBLIC_ORDER_CASE', priority: CasePriority.EMERGENCY });
    expect(await emergencyRecipients(c)).toHaveLength(2);
  });

  it('files URGENT when marked urgent without a danger happening now, and pushes no emergency', async () => {
    await draft('urgent-plain-01', '1', '两家因为宅基地的事又吵起来了');
    const done = await say('urgent-plain-01', '紧急');
    expect(last(done)).toMatch(/紧急程度：紧急。/);
    expect(last(done)).not.toMatch(/119/);
    const c = await filed(done);
    expect(c.priority).toBe(CasePriority.URGENT);
    expect(await emergencyRecipients(c)).toEqual([]);
  });

  it('keeps a plain report NORMAL, even with a danger word, and refuses other answers at the confirm step', async () => {
    const confirm = await draft('urgent-none-001', '2', '去年着火烧坏的仓库一直没有修');
    expect(confirm).toMatch(/紧急程度：普通\n/);
    expect(confirm).toMatch(/回复 1 提交；情况紧急、需要马上处理，回复 2 按紧急提交；回复 0 取消/);
    expect(last(await say('urgent-none-001', '5'))).toBe('请回复 1 提交、2 按紧急提交，或回复 0 取消。');
    const done = await say('urgent-none-001', '1');
    expect(last(done)).toMatch(/紧急程度：普通。/);
    const c = await filed(done);
    expect(c.priority).toBe(CasePriority.NORMAL);
    expect(await emergencyRecipients(c)).toEqual([]);
  });
});

describe('return visits by chat', () => {
  /** A chat contact with `n` resolved cases of theirs; the latest resolved first. */
  async function withResolved(contact: string, titles: string[]): Promise<Case[]> {
    await say(contact, '你好');
    const e = em();
    const resident = await e.findOneOrFail(Resident, { externalId: contact });
    const cases: Case[] = [];
    for (const title of titles)
      cases.push(await insertCase(e, t.world.units.A1a, t.world.units.A1, { status: CaseStatus.RESOLVED, reporter: resident, title }));
    return cases.reverse();
  }
  const statusOf = async (c: Case) => (await em().findOneOrFail(Case, { id: c.id })).status;

  it('answers the only waiting case with a bare 1, as before', async () => {
    const [only] = await withResolved('visit-one-0001', ['路灯坏了']);
    const replies = await say('visit-one-0001', '1');
    expect(replies).toEqual([`感谢您的评价，${only.number} 已办结销号。发送“菜单”查看可以做的事。`]);
    expect(await statusOf(only)).toBe(CaseStatus.CLOSED);
  });

  it('asks which case a bare answer is for when two wait, and closes exactly the one chosen', async () => {
    const [newer, older] = await withResolved('visit-two-0001', ['排水沟堵塞', '路灯坏了']);
    const question = last(await say('visit-two-0001', '1'));
    expect(question).toBe(
      '您有 2 个已办结的问题在等待评价，请问“满意”是对哪一个的评价？请回复序号：\n' +
        `1 ${newer.number}｜路灯坏了\n2 ${older.number}｜排水沟堵塞\n` +
        `也可以直接回复“编号 评价”，例如：${newer.number} 1。回复“取消”稍后再评价。`,
    );
    // Nothing was answered yet.
    expect([await statusOf(newer), await statusOf(older)]).toEqual([CaseStatus.RESOLVED, CaseStatus.RESOLVED]);
    expect(last(await say('visit-two-0001', '3'))).toMatch(/请回复 1 到 2 之间的序号/);

    const answered = await say('visit-two-0001', '2');
    expect(answered[0]).toBe(`感谢您的评价，${older.number} 已办结销号。发送“菜单”查看可以做的事。`);
    expect(answered[1]).toBe(`您还有一个问题（${newer.number}｜路灯坏了）等待评价。对处理结果满意吗？回复：1 满意　2 基本满意　3 不满意`);
    expect([await statusOf(newer), await statusOf(older)]).toEqual([CaseStatus.RESOLVED, CaseStatus.CLOSED]);

    // One left: a bare answer is for it.
    expect(last(await say('visit-two-0001', '3'))).toBe(`收到，我们会重新办理 ${newer.number}，并尽快与您联系。发送“菜单”查看可以做的事。`);
    expect(await statusOf(newer)).toBe(CaseStatus.IN_PROGRESS);
  });

  it('takes the case number with the answer, a bare number at the question, and 取消', async () => {
    const [a, b, c] = await withResolved('visit-three-001', ['井盖丢失', '垃圾堆积', '噪音扰民']);
    // Named: answers that one directly.
    const named = await say('visit-three-001', `${b.number.toLowerCase()} 基本满意`);
    expect(named[0]).toBe(`感谢您的评价，${b.number} 已办结销号。发送“菜单”查看可以做的事。`);
    expect(named[1]).toBe(
      `您还有 2 个问题等待评价：\n${a.number}｜噪音扰民\n${c.number}｜井盖丢失\n请回复“编号 评价”，例如：${a.number} 1（1 满意　2 基本满意　3 不满意）。`,
    );
    expect((await em().findOneOrFail(Case, { id: b.id })).returnVisit).toBe('BASICALLY_SATISFIED');
    // Someone else's or an answered number is no case waiting for this resident.
    expect(last(await say('visit-three-001', `${b.number} 1`))).toBe(`编号为 ${b.number} 的问题不在等待您评价的问题中。发送“我的”查看您反映过的问题。`);
    expect(last(await say('visit-three-001', `${t.world.cases.a1a.number} 1`))).toMatch(/不在等待您评价的问题中/);

    expect(last(await say('visit-three-001', '不满意'))).toMatch(/“不满意”是对哪一个的评价/);
    expect(last(await say('visit-three-001', '取消'))).toMatch(/稍后再评价/);
    expect([await statusOf(a), await statusOf(c)]).toEqual([CaseStatus.RESOLVED, CaseStatus.RESOLVED]);

    expect(last(await say('visit-three-001', '满意'))).toMatch(/请回复序号/);
    const chosen = await say('visit-three-001', c.number);
    expect(chosen[0]).toBe(`感谢您的评价，${c.number} 已办结销号。发送“菜单”查看可以做的事。`);
    expect(chosen[1]).toMatch(new RegExp(`您还有一个问题（${a.number}｜噪音扰民）`));
    expect([await statusOf(a), await statusOf(c)]).toEqual([CaseStatus.RESOLVED, CaseStatus.CLOSED]);
  });
});
