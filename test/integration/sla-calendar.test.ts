import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { toGlobalId } from '../../src/graphql/relay';
import { useWorldApp } from '../support/app';
import { PASSWORD } from '../support/fixture';
import { createOfficer } from '../../src/domain/registry/officer.service';
import { OfficerRole } from '../../src/entities';
import { ADMIN, runScript } from '../support/server-process';

// Thursday 31 Dec 2026, 10:00 Beijing time.
const NOW = new Date('2026-12-31T02:00:00Z');
const t = useWorldApp({ now: () => NOW });

const report = async (priority = 'NORMAL', kind = 'DISPUTE') => {
  const res = await t.app.gql(
    'mutation($i: ReportCaseInput!) { reportCase(input: $i) { case { acceptDueAt dueAt } } }',
    {
      i: { kind, priority, title: '测试', description: '测试', unitId: toGlobalId('Unit', t.world.units.A1a.id) },
    },
    await t.app.login('offA1'),
  );
  expect(res.errors).toBeUndefined();
  return res.data.reportCase.case;
};

it('takes next year’s holidays from an imported calendar file (admin CLI)', async () => {
  // Without 2027 data, Friday 1 Jan 2027 is an ordinary working day.
  expect((await report()).acceptDueAt).toBe('2027-01-01T02:00:00.000Z');
  const file = path.join(__dirname, '../../.data', `calendar-2027-${process.pid}.csv`);
  writeFileSync(file, 'date,type,name\n2027-01-01,HOLIDAY,元旦\n2027-01-02,HOLIDAY,元旦\n2027-01-03,HOLIDAY,元旦\n');
  const run = (args: string[]) => runScript(ADMIN, args, { ...process.env, DATABASE_URL: t.db.url, NODE_ENV: 'test' });
  const ok = await run(['import-calendar', file]);
  expect(ok).toMatchObject({ code: 0, out: expect.stringMatching(/Imported 3 calendar days/) });
  // Thursday 10:00 + 1 working day skips the New Year holiday and the weekend → Monday 4 Jan.
  expect((await report()).acceptDueAt).toBe('2027-01-04T02:00:00.000Z');

  writeFileSync(file, 'date,type,name\n2027-02-30,HOLIDAY,x\n');
  const bad = await run(['import-calendar', file]);
  rmSync(file);
  expect(bad.code).toBe(2);
  expect(bad.err).toMatch(/line 2/);
});

it('lets an admin change a policy, for new cases only, and nobody else', async () => {
  const policy = { kind: 'SAFETY_HAZARD', priority: 'URGENT', accept: { amount: 1, unit: 'HOURS' }, resolve: { amount: 12, unit: 'HOURS' } };
  const q = 'mutation($i: SetSlaPolicyInput!) { setSlaPolicy(input: $i) { kind priority accept { amount unit } resolve { amount unit } extended { amount } } }';
  const denied = await t.app.gql(q, { i: policy }, await t.app.login('supA'));
  expect(denied.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  // An admin of one county may not change the deadlines of every county.
  await createOfficer(t.db.orm.em.fork(), { phone: '13800000180', password: PASSWORD, name: '县管理员', role: OfficerRole.ADMIN, unitCode: 'A' });
  const county = await t.app.gql('mutation($i: LoginInput!) { login(input: $i) { token } }', { i: { phone: '13800000180', password: PASSWORD } });
  const countyAdmin = await t.app.gql(q, { i: policy }, county.data.login.token);
  expect(countyAdmin.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  expect(countyAdmin.errors?.[0].message).toMatch(/whole deployment/);
  const bad = await t.app.gql(q, { i: { ...policy, accept: { amount: 0, unit: 'HOURS' } } }, await t.app.login('admin'));
  expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  const saved = await t.app.gql(q, { i: policy }, await t.app.login('admin'));
  expect(saved.data.setSlaPolicy).toEqual({ ...policy, extended: null });
  const c = await report('URGENT', 'SAFETY_HAZARD');
  expect(c).toEqual({ acceptDueAt: '2026-12-31T03:00:00.000Z', dueAt: '2026-12-31T14:00:00.000Z' });
  const all = await t.app.gql('{ slaPolicies { kind priority resolve { amount unit } } }', {}, await t.app.login('offA1'));
  expect(all.data.slaPolicies).toHaveLength(24);
  expect(all.data.slaPolicies).toContainEqual({ kind: 'PETITION', priority: 'NORMAL', resolve: { amount: 60, unit: 'DAYS' } });
});
