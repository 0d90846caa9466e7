import { spawn } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';
import { acceptCase } from '../../src/domain/cases/case-workflow.service';
import { DomainError } from '../../src/domain/errors';
import { verifyAllTrails, verifyCaseTrail } from '../../src/domain/cases/trail.service';
import { toGlobalId } from '../../src/graphql/relay';
import { OutboxMessage } from '../../src/entities';
import { keepToken, useWorldApp, type TestApp } from '../support/app';
import { insertCase } from '../support/fixture';

// Friday 20 Nov 2026, 16:00 Beijing time.
let now = new Date('2026-11-20T08:00:00Z');
const t = useWorldApp({ now: () => now });

const CASE_FIELDS =
  'id number status version dueAt acceptDueAt handlingUnit { code } assignee { name } escalation supervisionLevel returnVisit deadlineExtended';
const codes = (res: { errors?: { extensions?: { code?: string } }[] }) => res.errors?.map((e) => e.extensions?.code);

async function mutate(who: Parameters<TestApp['login']>[0], name: string, input: Record<string, unknown>) {
  const res = await t.app.gql(
    `mutation($i: ${name[0].toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $i) { case { ${CASE_FIELDS} } } }`,
    { i: input },
    await t.app.login(who),
  );
  return { res, c: res.data?.[name]?.case };
}

async function ok(who: Parameters<TestApp['login']>[0], name: string, input: Record<string, unknown>) {
  const { res, c } = await mutate(who, name, input);
  expect(res.errors).toBeUndefined();
  return c;
}

describe('a case from report to close-out over GraphQL', () => {
  it('reports, accepts, assigns to the responsible officer, works, resolves and closes on a satisfied visit', async () => {
    // 驻村民警负责制: the supervisor names the village's grid worker.
    const named = await t.app.gql(
      'mutation($i: SetResponsibleOfficerInput!) { setResponsibleOfficer(input: $i) { code responsibleOfficer { name } } }',
      { i: { unitId: toGlobalId('Unit', t.world.units.A1a.id), officerId: toGlobalId('Officer', t.world.officers.gridA1a.id) } },
      await t.app.login('supA'),
    );
    expect(named.data.setResponsibleOfficer).toEqual({ code: 'A1a', responsibleOfficer: { name: 'gridA1a' } });

    let c = await ok('offA1', 'reportCase', {
      kind: 'DISPUTE',
      title: '宅基地边界纠纷',
      description: '两户因院墙位置发生争执',
      unitId: toGlobalId('Unit', t.world.units.A1aE.id),
      channel: 'HOTLINE',
      reporter: { displayName: '李四', phone: '13700001111' },
    });
    expect(c.number).toMatch(/^SL20261120\d{4}$/);
    expect(c.status).toBe('REPORTED');
    expect(c.handlingUnit.code).toBe('A1'); // the township receives it (矛盾不上交)
    // NORMAL: 1 and 7 working days from Friday 16:00 → Monday 16:00 and the Tuesday after next.
    expect(c.acceptDueAt).toBe('2026-11-23T08:00:00.000Z');
    expect(c.dueAt).toBe('2026-12-01T08:00:00.000Z');

    c = await ok('offA1', 'acceptCase', { id: c.id, version: c.version });
    expect(c.status).toBe('ACCEPTED');
    c = await ok('offA1', 'assignCase', { id: c.id, version: c.version });
    expect(c).toMatchObject({ status: 'ASSIGNED', handlingUnit: { code: 'A1a' }, assignee: { name: 'gridA1a' } });
    c = await ok('gridA1a', 'startCase', { id: c.id, version: c.version });
    expect(c.status).toBe('IN_PROGRESS');
    await ok('gridA1a', 'addCaseNote', { id: c.id, type: 'MEDIATION', note: '组织双方调解，达成一致' });
    // Attachments change the case (its attachment list), so its version moves on.
    c = await ok('gridA1a', 'addCaseNote', {
      id: c.id,
      type: 'JUDICIAL_AID',
      note: '申请司法救助',
      amount: 3000,
      attachments: [{ name: '息诉罢访保证书.pdf', mimeType: 'application/pdf', size: 52011 }],
    });
    c = await ok('gridA1a', 'resolveCase', { id: c.id, version: c.version, note: '已划定界线，双方签字确认' });
    expect(c.status).toBe('RESOLVED');
    c = await ok('offA1', 'recordReturnVisit', { id: c.id, version: c.version, result: 'SATISFIED' });
    expect(c).toMatchObject({ status: 'CLOSED', returnVisit: 'SATISFIED' });

    const trail = await t.app.gql(
      `query($id: ID) { case(id: $id) { closedAt attachments { name } trailCheck { intact } events(first: 20) { totalCount edges { node { seq type fromStatus toStatus note amount attachments { name } } } } } }`,
      { id: c.id },
      await t.app.login('supA'),
    );
    const events = trail.data.case.events.edges.map((e: any) => e.node);
    expect(events.map((e: any) => e.type)).toEqual(['REPORT', 'ACCEPT', 'ASSIGN', 'START', 'MEDIATION', 'JUDICIAL_AID', 'RESOLVE', 'RETURN_VISIT']);
    expect(events.map((e: any) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(events[2].note).toMatch(/驻村民警负责制/);
    expect(events[5]).toMatchObject({ amount: 3000, attachments: [{ name: '息诉罢访保证书.pdf' }] });
    expect(events[7]).toMatchObject({ fromStatus: 'RESOLVED', toStatus: 'CLOSED' });
    expect(trail.data.case.trailCheck).toEqual({ intact: true });
    expect(trail.data.case.attachments).toEqual([{ name: '息诉罢访保证书.pdf' }]);
    // The reporter was queued a return-visit prompt when it was resolved.
    const pushes = await t.db.orm.em.fork().find(OutboxMessage, { topic: 'case.return_visit' });
    expect(pushes.map((p) => p.payload.number)).toContain(c.number);
  });

  it('reopens with a fresh deadline on a dissatisfied visit (重办)', async () => {
    let c = await ok('offA1', 'reportCase', {
      kind: 'SAFETY_HAZARD',
      title: '路灯损坏',
      description: '村口路灯不亮',
      unitId: toGlobalId('Unit', t.world.units.A1b.id),
    });
    c = await ok('offA1', 'acceptCase', { id: c.id, version: c.version });
    c = await ok('offA1', 'assignCase', { id: c.id, version: c.version, assigneeId: toGlobalId('Officer', t.world.officers.gridA1b.id) });
    c = await ok('gridA1b', 'startCase', { id: c.id, version: c.version });
    c = await ok('gridA1b', 'resolveCase', { id: c.id, version: c.version, note: '已更换灯泡' });
    now = new Date('2026-11-24T02:00:00Z'); // Tuesday 10:00
    c = await ok('offA1', 'recordReturnVisit', { id: c.id, version: c.version, result: 'DISSATISFIED', note: '仍有一盏不亮' });
    expect(c).toMatchObject({ status: 'IN_PROGRESS', returnVisit: 'DISSATISFIED' });
    expect(c.dueAt).toBe('2026-12-03T02:00:00.000Z'); // 7 working days from Tuesday 10:00
    now = new Date('2026-11-20T08:00:00Z');
  });
});

describe('rules the workflow enforces', () => {
  it('refuses a stale version with VERSION_CONFLICT and changes nothing', async () => {
    const c = await ok('offA1', 'reportCase', { kind: 'OTHER', title: '咨询', description: '咨询政策', unitId: toGlobalId('Unit', t.world.units.A1a.id) });
    await ok('offA1', 'acceptCase', { id: c.id, version: c.version });
    const { res } = await mutate('offA1', 'rejectCase', { id: c.id, version: c.version, reason: '重复' });
    expect(codes(res)).toEqual(['VERSION_CONFLICT']);
    const after = await t.app.gql(`query($id: ID) { case(id: $id) { status events { totalCount } } }`, { id: c.id }, await t.app.login('offA1'));
    expect(after.data.case).toEqual({ status: 'ACCEPTED', events: { totalCount: 2 } });
  });

  it('lets exactly one of two concurrent updates win, and keeps the chain valid', async () => {
    const c = await insertCase(t.db.orm.em.fork(), t.world.units.A1a, t.world.units.A1);
    const offA1 = t.world.officers.offA1;
    const actor = { type: 'officer' as const, id: offA1.id, name: 'offA1', role: offA1.role, unitId: t.world.units.A1.id, unitPath: t.world.units.A1.path };
    // Two EntityManagers: two connections from the pool, racing for the same row.
    const results = await Promise.allSettled([
      acceptCase(t.db.orm.em.fork(), actor, { id: c.id, version: c.version, note: 'first' }, now),
      acceptCase(t.db.orm.em.fork(), actor, { id: c.id, version: c.version, note: 'second' }, now),
    ]);
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect(rejected[0].reason).toBeInstanceOf(DomainError);
    expect((rejected[0].reason as DomainError).code).toBe('VERSION_CONFLICT');
    expect(await verifyCaseTrail(t.db.orm.em.fork(), c.id)).toBeUndefined();
    const [{ n }] = await t.db.orm.em.fork().execute<{ n: number }[]>('select count(*)::int as n from case_events where case_id = ?', [c.id]);
    expect(n).toBe(2);
  });

  it('extends a deadline once, by a supervisor, with a reason', async () => {
    const c = await ok('offA1', 'reportCase', {
      kind: 'DISPUTE',
      title: '土地纠纷',
      description: '承包地界',
      unitId: toGlobalId('Unit', t.world.units.A1a.id),
    });
    expect(codes((await mutate('offA1', 'extendDeadline', { id: c.id, version: c.version, reason: '需勘验' })).res)).toEqual(['FORBIDDEN']);
    const extended = await ok('supA', 'extendDeadline', { id: c.id, version: c.version, reason: '需勘验' });
    expect(extended).toMatchObject({ deadlineExtended: true, dueAt: '2026-12-11T08:00:00.000Z' }); // 15 working days
    const again = await mutate('supA', 'extendDeadline', { id: c.id, version: extended.version, reason: '再次' });
    expect(codes(again.res)).toEqual(['INVALID_TRANSITION']);
    const urgent = await ok('offA1', 'reportCase', {
      kind: 'DISPUTE',
      priority: 'URGENT',
      title: '纠纷',
      description: '紧急',
      unitId: toGlobalId('Unit', t.world.units.A1a.id),
    });
    expect(codes((await mutate('supA', 'extendDeadline', { id: urgent.id, version: urgent.version, reason: 'x' })).res)).toEqual(['BAD_USER_INPUT']);
  });

  it('escalates to the unit above and records BEYOND_UNIT; then only that unit and above may act', async () => {
    let c = await ok('offA1', 'reportCase', {
      kind: 'PETITION',
      title: '越级上访',
      description: '反映人已到县里上访',
      unitId: toGlobalId('Unit', t.world.units.A1a.id),
    });
    expect(c.dueAt).toBe('2027-01-19T08:00:00.000Z'); // petition regulation: 60 days
    c = await ok('offA1', 'escalateCase', { id: c.id, version: c.version, escalation: 'BEYOND_UNIT', reason: '越级访' });
    expect(c).toMatchObject({ status: 'REPORTED', escalation: 'BEYOND_UNIT', handlingUnit: { code: 'A' } });
    // The township still sees it (it happened there) but no longer handles it.
    expect(codes((await mutate('offA1', 'acceptCase', { id: c.id, version: c.version })).res)).toEqual(['FORBIDDEN']);
    c = await ok('supA', 'acceptCase', { id: c.id, version: c.version });
    // A later REQUIRES_HIGHER_AUTHORITY does not wash out BEYOND_UNIT.
    c = await ok('supA', 'escalateCase', { id: c.id, version: c.version, escalation: 'REQUIRES_HIGHER_AUTHORITY', reason: '需市级', moveUp: false });
    expect(c).toMatchObject({ escalation: 'BEYOND_UNIT', handlingUnit: { code: 'A' } });
  });

  it('closes without a visit only for the anonymous, or after 3 silent working days', async () => {
    let c = await ok('offA1', 'reportCase', {
      kind: 'OTHER',
      title: '建议',
      description: '增设垃圾桶',
      unitId: toGlobalId('Unit', t.world.units.A1a.id),
      reporter: { displayName: '王五' },
    });
    c = await ok('offA1', 'acceptCase', { id: c.id, version: c.version });
    c = await ok('offA1', 'assignCase', { id: c.id, version: c.version, unitId: toGlobalId('Unit', t.world.units.A1.id) });
    c = await ok('offA1', 'startCase', { id: c.id, version: c.version });
    c = await ok('offA1', 'resolveCase', { id: c.id, version: c.version, note: '已增设' });
    const early = await mutate('supA', 'closeCase', { id: c.id, version: c.version, note: '无人回复' });
    expect(codes(early.res)).toEqual(['INVALID_TRANSITION']);
    expect(early.res.errors![0].message).toMatch(/return visit until/);
    now = new Date('2026-11-26T09:00:00Z'); // Thursday: three working days later
    const closed = await ok('supA', 'closeCase', { id: c.id, version: c.version, note: '三个工作日未回复' });
    expect(closed.status).toBe('CLOSED');
    now = new Date('2026-11-20T08:00:00Z');
  });

  it('queues an emergency at once for the handling unit and the supervisors up to the county', async () => {
    const c = await ok('offA1', 'reportCase', {
      kind: 'ACCIDENT',
      priority: 'EMERGENCY',
      title: '厂房起火',
      description: '有人员被困',
      unitId: toGlobalId('Unit', t.world.units.A1aE.id),
    });
    expect(c.acceptDueAt).toBe('2026-11-20T08:30:00.000Z');
    const pushes = await t.db.orm.em.fork().find(OutboxMessage, { topic: 'case.emergency', payload: { number: c.number } as never });
    expect(pushes.map((p) => p.recipient).sort()).toEqual([`officer:${t.world.officers.offA1.id}`, `officer:${t.world.officers.supA.id}`].sort());
  });

  it('merges a duplicate: it becomes MERGED, its reporter follows the survivor, both trails record it', async () => {
    const keep = await ok('offA1', 'reportCase', {
      kind: 'SAFETY_HAZARD',
      title: '河道护栏缺失',
      description: '磁窑村河道护栏缺失，儿童易落水',
      unitId: toGlobalId('Unit', t.world.units.A1a.id),
      reporter: { displayName: '赵六' },
    });
    const dup = await ok('offA1', 'reportCase', {
      kind: 'SAFETY_HAZARD',
      title: '河边护栏缺失',
      description: '磁窑村河道护栏缺失，存在落水危险',
      unitId: toGlobalId('Unit', t.world.units.A1a.id),
      reporter: { displayName: '钱七' },
    });
    const similar = await t.app.gql('query($id: ID) { case(id: $id) { similarCases { number } } }', { id: dup.id }, await t.app.login('offA1'));
    expect(similar.data.case.similarCases.map((x: any) => x.number)).toContain(keep.number);
    const merged = await t.app.gql(
      'mutation($i: MergeCaseInput!) { mergeCase(input: $i) { case { status mergedInto { number } } } }',
      { i: { id: dup.id, version: dup.version, intoId: keep.id } },
      await t.app.login('offA1'),
    );
    expect(merged.data.mergeCase.case).toEqual({ status: 'MERGED', mergedInto: { number: keep.number } });
    const [{ n }] = await t.db.orm.em
      .fork()
      .execute<{ n: number }[]>('select count(*)::int as n from case_followers where case_id = ?', [
        Number(Buffer.from(keep.id, 'base64url').toString().split(':')[1]),
      ]);
    expect(n).toBe(1);
    const keptTrail = await t.app.gql(
      'query($id: ID) { case(id: $id) { events { edges { node { type details } } } } }',
      { id: keep.id },
      await t.app.login('offA1'),
    );
    expect(keptTrail.data.case.events.edges.at(-1).node).toMatchObject({ type: 'MERGE', details: { mergedNumber: dup.number } });
  });

  it('flags repeated petitions (重复信访)', async () => {
    const a = await ok('offA1', 'reportCase', {
      kind: 'PETITION',
      title: '补偿款',
      description: '征地补偿款未发放',
      unitId: toGlobalId('Unit', t.world.units.A1aE.id),
    });
    const q = 'query($id: ID) { case(id: $id) { repeatedPetition } }';
    expect((await t.app.gql(q, { id: a.id }, await t.app.login('offA1'))).data.case.repeatedPetition).toBe(false);
    await ok('offA1', 'reportCase', { kind: 'PETITION', title: '补偿款再访', description: '再次反映', unitId: toGlobalId('Unit', t.world.units.A1aE.id) });
    expect((await t.app.gql(q, { id: a.id }, await t.app.login('offA1'))).data.case.repeatedPetition).toBe(true);
  });

  it('rejects bad input with BAD_USER_INPUT and writes nothing', async () => {
    const before = await t.db.orm.em.fork().execute<{ n: number }[]>('select count(*)::int as n from cases');
    for (const input of [
      { kind: 'OTHER', title: '  ', description: 'x', unitId: toGlobalId('Unit', t.world.units.A1a.id) },
      { kind: 'OTHER', title: 't', description: 'x'.repeat(5001), unitId: toGlobalId('Unit', t.world.units.A1a.id) },
      { kind: 'OTHER', title: 't', description: 'x', unitId: toGlobalId('Unit', t.world.units.A1a.id), reporter: { displayName: 'a', phone: 'call me' } },
      { kind: 'OTHER', title: 't', description: 'x', unitId: toGlobalId('Unit', t.world.units.A1a.id), channel: 'WECHAT' },
    ]) {
      expect(codes((await mutate('offA1', 'reportCase', input)).res)).toEqual(['BAD_USER_INPUT']);
    }
    expect(
      codes((await mutate('offA1', 'reportCase', { kind: 'OTHER', title: 't', description: 'x', unitId: toGlobalId('Unit', t.world.units.B1a.id) })).res),
    ).toEqual(['NOT_FOUND']);
    const after = await t.db.orm.em.fork().execute<{ n: number }[]>('select count(*)::int as n from cases');
    expect(after).toEqual(before);
  });
});

describe('what an officer may do now (Case.availableActions)', () => {
  const actionsOf = async (who: Parameters<TestApp['login']>[0], id: string): Promise<string[] | null> => {
    const res = await t.app.gql('query($id: ID!) { node(id: $id) { ... on Case { availableActions } } }', { id }, await t.app.login(who));
    expect(res.errors).toBeUndefined();
    return res.data.node?.availableActions ?? null;
  };

  it('follows a case through its life, per role, and every action offered is taken without refusal', async () => {
    let c = await ok('offA1', 'reportCase', {
      kind: 'DISPUTE',
      title: '邻里噪音纠纷',
      description: '楼上夜间施工',
      unitId: toGlobalId('Unit', t.world.units.A1a.id),
      reporter: { displayName: '赵六', phone: '13700002222' },
    });
    expect(await actionsOf('offA1', c.id)).toEqual(['ACCEPT', 'REJECT', 'ESCALATE', 'MERGE', 'NOTE']);
    expect(await actionsOf('supA', c.id)).toEqual(['ACCEPT', 'REJECT', 'ESCALATE', 'SUPERVISE', 'EXTEND_DEADLINE', 'MERGE', 'NOTE']);
    // A grid worker reads the village's cases but works only those assigned to them.
    expect(await actionsOf('gridA1a', c.id)).toEqual([]);
    // Another county's officer does not see the case at all.
    expect(await actionsOf('offB', c.id)).toBeNull();

    c = await ok('offA1', 'acceptCase', { id: c.id, version: c.version });
    c = await ok('offA1', 'assignCase', { id: c.id, version: c.version, assigneeId: toGlobalId('Officer', t.world.officers.gridA1a.id) });
    expect(await actionsOf('gridA1a', c.id)).toEqual(['START', 'NOTE']);
    // The next village's grid worker cannot read it.
    expect(await actionsOf('gridA1b', c.id)).toBeNull();
    c = await ok('gridA1a', 'startCase', { id: c.id, version: c.version });
    expect(await actionsOf('gridA1a', c.id)).toEqual(['RESOLVE', 'NOTE']);

    // Extended once, it is not offered again; at the top of the ladder, no more supervision.
    c = await ok('supA', 'extendDeadline', { id: c.id, version: c.version, reason: '需协调多方' });
    c = await ok('supA', 'superviseCase', { id: c.id, version: c.version, level: 'LISTED' });
    expect(await actionsOf('supA', c.id)).toEqual(['RESOLVE', 'ESCALATE', 'MERGE', 'NOTE']);

    c = await ok('gridA1a', 'resolveCase', { id: c.id, version: c.version, note: '已协调停工' });
    // The reporter has three working days to answer the return visit: no close-out without it yet.
    expect(await actionsOf('supA', c.id)).toEqual(['REOPEN', 'ESCALATE', 'MERGE', 'NOTE', 'RETURN_VISIT']);
    expect(codes((await mutate('supA', 'closeCase', { id: c.id, version: c.version, note: '无人回复' })).res)).toEqual(['INVALID_TRANSITION']);
    now = new Date('2026-11-26T09:00:00Z');
    try {
      expect(await actionsOf('supA', c.id)).toEqual(['CLOSE', 'REOPEN', 'ESCALATE', 'MERGE', 'NOTE', 'RETURN_VISIT']);
      expect(await actionsOf('offA1', c.id)).toEqual(['ESCALATE', 'MERGE', 'NOTE', 'RETURN_VISIT']);
      c = await ok('supA', 'closeCase', { id: c.id, version: c.version, note: '三个工作日未回复' });
    } finally {
      now = new Date('2026-11-20T08:00:00Z');
    }
    expect(await actionsOf('supA', c.id)).toEqual(['REOPEN', 'NOTE']);
    expect(await actionsOf('gridA1a', c.id)).toEqual(['NOTE']);
  });

  it('offers no extension where the policy has none', async () => {
    const urgent = await ok('offA1', 'reportCase', {
      kind: 'DISPUTE',
      priority: 'URGENT',
      title: '纠纷',
      description: '紧急',
      unitId: toGlobalId('Unit', t.world.units.A1a.id),
    });
    expect(await actionsOf('supA', urgent.id)).not.toContain('EXTEND_DEADLINE');
    expect(codes((await mutate('supA', 'extendDeadline', { id: urgent.id, version: urgent.version, reason: 'x' })).res)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('authorization matrix over GraphQL', () => {
  it('an officer of county B cannot touch a case of county A, through any mutation or nested field', async () => {
    const c = t.world.cases.a1a;
    const id = toGlobalId('Case', c.id);
    for (const [name, input] of [
      ['acceptCase', { id, version: 1 }],
      ['rejectCase', { id, version: 1, reason: 'x' }],
      ['assignCase', { id, version: 1 }],
      ['startCase', { id, version: 1 }],
      ['resolveCase', { id, version: 1, note: 'x' }],
      ['escalateCase', { id, version: 1, escalation: 'BEYOND_UNIT', reason: 'x' }],
      ['addCaseNote', { id, note: 'x' }],
      ['recordReturnVisit', { id, version: 1, result: 'SATISFIED' }],
      ['mergeCase', { id, version: 1, intoId: toGlobalId('Case', t.world.cases.b1a.id) }],
    ] as const) {
      const { res } = await mutate('offB', name, input);
      expect([name, codes(res)]).toEqual([name, ['NOT_FOUND']]);
      expect(JSON.stringify(res)).not.toContain(c.title);
    }
    for (const who of ['supA', 'offA1'] as const) {
      const { res } = await mutate(who, 'mergeCase', { id, version: 1, intoId: toGlobalId('Case', t.world.cases.b1a.id) });
      expect(codes(res)).toEqual(['NOT_FOUND']); // the target is out of scope
    }
  });

  it('grid worker < officer < supervisor, on the same case', async () => {
    const c = await insertCase(t.db.orm.em.fork(), t.world.units.A1a, t.world.units.A1);
    const id = toGlobalId('Case', c.id);
    expect(codes((await mutate('gridA1a', 'acceptCase', { id, version: 1 })).res)).toEqual(['FORBIDDEN']);
    expect(codes((await mutate('offA1', 'superviseCase', { id, version: 1, level: 'URGED' })).res)).toEqual(['FORBIDDEN']);
    const supervised = await ok('supA', 'superviseCase', { id, version: 1, level: 'URGED' });
    expect(supervised.supervisionLevel).toBe('URGED');
    expect(codes(await t.app.gql(`{ case(id: "${id}") { trailCheck { intact } } }`, {}, await t.app.login('offA1')))).toEqual(['FORBIDDEN']);
    expect(codes((await mutate('offA1', 'acceptCase', { id: 'nonsense', version: 1 })).res)).toEqual(['BAD_USER_INPUT']);
    expect(codes(await t.app.gql('mutation { acceptCase(input: {id: "x", version: 1}) { case { id } } }'))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('tamper-evident trail', () => {
  it('refuses edits in the database, and verify-trail finds an edited entry', async () => {
    const c = t.world.cases.a1b;
    await expect(t.db.orm.em.fork().execute(`update case_events set note = 'x' where case_id = ${c.id}`)).rejects.toThrow(/append-only/);
    expect((await verifyAllTrails(t.db.orm.em.fork())).broken).toEqual([]);
    // Someone with superuser rights edits the trail behind the trigger's back.
    const client = new Client({ connectionString: t.db.url });
    await client.connect();
    await client.query('alter table case_events disable trigger case_events_no_update');
    await client.query(`update case_events set note = '已办结（篡改）' where case_id = $1 and seq = 1`, [c.id]);
    await client.query('alter table case_events enable trigger case_events_no_update');
    await client.end();
    const { broken } = await verifyAllTrails(t.db.orm.em.fork());
    expect(broken).toEqual([{ caseId: c.id, seq: 1, reason: 'content does not match its hash (edited)' }]);
    const check = await t.app.gql(`{ case(id: "${toGlobalId('Case', c.id)}") { trailCheck { intact brokenAtSeq reason } } }`, {}, await t.app.login('supA'));
    expect(check.data.case.trailCheck).toEqual({ intact: false, brokenAtSeq: 1, reason: 'content does not match its hash (edited)' });

    // The admin CLI reports it too, with exit code 1.
    const cli = path.join(__dirname, '../../dist/src/cli/admin.js');
    const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const p = spawn(process.execPath, [cli, 'verify-trail'], {
        env: { ...process.env, DATABASE_URL: t.db.url, NODE_ENV: 'test' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      p.stdout.on('data', (d) => (out += d));
      p.on('exit', (code) => resolve({ code, out }));
    });
    expect(result.code).toBe(1);
    expect(result.out).toContain(`BROKEN case #${c.id} at entry 1`);
  });
});

describe('batching', () => {
  it('loads trails, similar cases and repeated-petition flags of a page in constant SQL', async () => {
    const token = await t.app.login('admin');
    await keepToken(t.app, t.db, token);
    const q = (first: number) =>
      `{ cases(first: ${first}) { edges { node { repeatedPetition similarCases { number } events(first: 3) { totalCount edges { node { type } } } } } } }`;
    t.db.queries.length = 0;
    const small = await t.app.gql(q(2), {}, token);
    const smallCount = t.db.queries.length;
    t.db.queries.length = 0;
    const large = await t.app.gql(q(20), {}, token);
    expect(small.errors).toBeUndefined();
    expect(large.errors).toBeUndefined();
    expect(large.data.cases.edges.length).toBeGreaterThan(10);
    expect(t.db.queries.length).toBe(smallCount);
  });
});
