import { toGlobalId } from '../../src/graphql/relay';
import { useWorldApp } from '../support/app';
import { chat } from '../support/chat';

let now = new Date('2026-11-23T02:00:00Z');
const t = useWorldApp({ now: () => now });

const say = async (contact: string, text: string) => (await chat(t.app.url, contact, text, { name: '民警' })).replies;
const pushes = async (contact: string) =>
  ((await (await fetch(`${t.app.url}/chat/api/messages?contact=${contact}`)).json()) as { messages: string[] }).messages;

it('binds an officer’s chat with a one-time code, then lists 待办 and delivers pushes there', async () => {
  const token = await t.app.login('offA1');
  const issued = await t.app.gql('mutation { chatBindingCode { code expiresAt } }', {}, token);
  const { code, expiresAt } = issued.data.chatBindingCode;
  expect(code).toMatch(/^[A-HJKMNP-Z2-9]{8}$/);
  expect(expiresAt).toBe('2026-11-23T02:10:00.000Z');

  const contact = 'officer-phone-0001';
  expect((await say(contact, '待办'))[0]).toMatch(/请先用系统里获取的绑定码/);
  expect((await say(contact, '绑定 AAAAAAAA'))[0]).toMatch(/绑定码不对或已过期/);
  expect((await say(contact, `绑定 ${code.toLowerCase()}`))[0]).toBe('已绑定：offA1（甲一镇）。发送“待办”查看待办案件；新交办、督办和紧急警情会推送到这里。');
  // Once only.
  expect((await say('someone-else-0001', `绑定 ${code}`))[0]).toMatch(/绑定码不对或已过期/);

  const todo = (await say(contact, '待办'))[0];
  expect(todo).toMatch(/^待办案件/);
  expect(todo).toContain(t.world.cases.a1a.number); // handled at 甲一镇, unassigned
  expect(todo).not.toContain(t.world.cases.b1a.number);

  // An emergency at the township reaches the bound chat at once.
  const report = await t.app.gql(
    'mutation($i: ReportCaseInput!) { reportCase(input: $i) { case { number } } }',
    {
      i: { kind: 'ACCIDENT', priority: 'EMERGENCY', title: '厂房起火', description: '有人员被困', unitId: toGlobalId('Unit', t.world.units.A1aE.id) },
    },
    token,
  );
  const number = report.data.reportCase.case.number;
  const queued = await pushes(contact);
  expect(queued).toEqual([expect.stringMatching(new RegExp(`^【紧急】磁窑示例企业1号：${number}｜厂房起火。请立即处置，11月23日10:30前受理。$`))]);
  expect(await pushes(contact)).toEqual([]);
});

it('refuses an expired code', async () => {
  const issued = await t.app.gql('mutation { chatBindingCode { code } }', {}, await t.app.login('gridA1a'));
  now = new Date(now.getTime() + 11 * 60_000);
  expect((await say('officer-phone-0002', `绑定 ${issued.data.chatBindingCode.code}`))[0]).toMatch(/已过期/);
});

it('needs a login to get a code', async () => {
  const res = await t.app.gql('mutation { chatBindingCode { code } }');
  expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
});
