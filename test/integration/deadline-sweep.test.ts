import type { EntityManager } from '@mikro-orm/postgresql';
import type { OfficerActor } from '../../src/domain/access/actor';
import { acceptCase, assignCase, escalateCase, resolveCase, startCase } from '../../src/domain/cases/case-workflow.service';
import { reportCase } from '../../src/domain/cases/case-report.service';
import { createOfficer } from '../../src/domain/registry/officer.service';
import { reportAsResident, residentReturnVisit } from '../../src/domain/registry/resident.service';
import { sweepDeadlines } from '../../src/domain/schedule/sweep';
import { Case, CaseKind, CasePriority, Escalation, Officer, OfficerRole, ReturnVisitResult, SupervisionLevel } from '../../src/entities';
import { createTestDb, type TestDb } from '../support/db';
import { buildWorld, PASSWORD, type World } from '../support/fixture';

/*
 * The deadline sweep on real PostgreSQL with a moving clock: the supervision ladder raised on its
 * own at each boundary (and written to the trail as the system's), emergencies pushed again every ten
 * minutes until accepted, return visits followed up; only due cases are read.
 */

let db: TestDb;
let world: World;
let supC: Officer;
const em = () => db.orm.em.fork();
const bj = (s: string) => new Date(`${s}+08:00`);
const minute = 60_000;

const actor = async (o: Officer): Promise<OfficerActor> => {
  const full = await em().findOneOrFail(Officer, { id: o.id }, { populate: ['unit'] });
  const unit = full.unit.getEntity();
  return { type: 'officer', id: full.id, name: full.name, role: full.role, unitId: unit.id, unitPath: unit.path };
};
const load = (id: number) => em().findOneOrFail(Case, { id });
const outbox = (e: EntityManager, caseId: number, topic: string) =>
  e.execute<{ recipient: string; payload: Record<string, unknown> }[]>(
    `select recipient, payload from outbox where topic = ? and (payload->>'caseId')::int = ? order by id`,
    [topic, caseId],
  );
const systemEntries = (caseId: number) =>
  em().execute<{ type: string; data: Record<string, unknown> }[]>(
    'select type, data from case_events where case_id = ? and actor_officer_id is null and actor_resident_id is null and type = ? order by seq',
    [caseId, 'SUPERVISE'],
  );

beforeAll(async () => {
  db = await createTestDb();
  world = await buildWorld(em());
  // A city supervisor, for the top of the ladder.
  supC = await createOfficer(em(), { phone: '13800000190', password: PASSWORD, name: 'supC', role: OfficerRole.SUPERVISOR, unitCode: 'C' });
});
afterAll(async () => {
  await db?.drop();
});

async function reportNormal(at: Date): Promise<Case> {
  return reportCase(
    em(),
    await actor(world.officers.offA1),
    {
      kind: CaseKind.DISPUTE,
      priority: CasePriority.NORMAL,
      title: '排水沟纠纷',
      description: '两家因排水沟堵塞发生纠纷',
      unitId: world.units.A1a.id,
    },
    at,
  );
}

describe('the supervision ladder', () => {
  it('raises NONE → REMINDED → URGED → SUPERVISED → LISTED at each boundary, on the trail and to whom each level names', async () => {
    // Reported Mon 21 Sep, accepted at once: due Thu 8 Oct 10:00 (7 working days across two holidays).
    const reported = await reportNormal(bj('2026-09-21T10:00:00'));
    const accepted = await acceptCase(em(), await actor(world.officers.offA1), { id: reported.id, version: reported.version }, bj('2026-09-21T10:30:00'));
    expect(accepted.dueAt).toEqual(bj('2026-10-08T10:00:00'));
    expect(accepted.nextCheckAt).toEqual(bj('2026-10-07T10:00:00'));

    const steps: [string, SupervisionLevel][] = [
      ['2026-10-07T10:00:00', SupervisionLevel.REMINDED],
      ['2026-10-08T10:00:00', SupervisionLevel.URGED],
      ['2026-10-12T10:00:00', SupervisionLevel.SUPERVISED],
      ['2026-10-21T10:00:00', SupervisionLevel.LISTED],
    ];
    let previous = SupervisionLevel.NONE;
    for (const [at, level] of steps) {
      const boundary = bj(at);
      await sweepDeadlines(db.orm, new Date(boundary.getTime() - minute));
      expect((await load(reported.id)).supervisionLevel).toBe(previous);
      const result = await sweepDeadlines(db.orm, boundary);
      expect(result).toMatchObject({ checked: 1, raised: 1 });
      expect((await load(reported.id)).supervisionLevel).toBe(level);
      previous = level;
    }
    expect((await load(reported.id)).nextCheckAt).toBeNull();

    // Each raise is the system's own trail entry.
    expect((await systemEntries(reported.id)).map((e) => e.data)).toEqual([
      { from: 'NONE', to: 'REMINDED', bySystem: true },
      { from: 'REMINDED', to: 'URGED', bySystem: true },
      { from: 'URGED', to: 'SUPERVISED', bySystem: true },
      { from: 'SUPERVISED', to: 'LISTED', bySystem: true },
    ]);
    // The township's officer hears of every level, the county supervisor from SUPERVISED, the city at LISTED.
    const pushes = await outbox(em(), reported.id, 'case.supervised');
    const to = (level: string) =>
      pushes
        .filter((p) => p.payload.level === level)
        .map((p) => p.recipient)
        .sort();
    const { offA1, supA } = world.officers;
    expect(to('REMINDED')).toEqual([`officer:${offA1.id}`]);
    expect(to('URGED')).toEqual([`officer:${offA1.id}`]);
    expect(to('SUPERVISED')).toEqual([`officer:${offA1.id}`, `officer:${supA.id}`].sort());
    expect(to('LISTED')).toEqual([`officer:${offA1.id}`, `officer:${supA.id}`, `officer:${supC.id}`].sort());
    // Nothing more to do: a later sweep leaves it alone.
    expect(await sweepDeadlines(db.orm, bj('2026-12-31T10:00:00'))).toMatchObject({ checked: 0 });
  });

  it('catches up several levels at once after a pause, and notifies the assignee', async () => {
    const reported = await reportNormal(bj('2026-11-02T09:00:00'));
    const offA1 = await actor(world.officers.offA1);
    let c = await acceptCase(em(), offA1, { id: reported.id, version: reported.version }, bj('2026-11-02T09:10:00'));
    c = await assignCase(em(), offA1, { id: c.id, version: c.version, assigneeId: world.officers.gridA1a.id }, bj('2026-11-02T09:20:00'));
    // Due Wed 11 Nov 09:00; the sweep was down until Mon 16 Nov: three working days overdue.
    const result = await sweepDeadlines(db.orm, bj('2026-11-16T09:00:00'));
    expect(result).toMatchObject({ checked: 1, raised: 1 });
    expect((await load(c.id)).supervisionLevel).toBe(SupervisionLevel.SUPERVISED);
    const pushes = await outbox(em(), c.id, 'case.supervised');
    expect(pushes.map((p) => p.recipient)).toContain(`officer:${world.officers.gridA1a.id}`);
  });
});

describe('an emergency', () => {
  it('is pushed up the chain at once, again every ten minutes, and no more once accepted', async () => {
    const t0 = bj('2026-11-23T10:00:00');
    const c = await reportCase(
      em(),
      await actor(world.officers.offA1),
      {
        kind: CaseKind.ACCIDENT,
        priority: CasePriority.EMERGENCY,
        title: '厂房起火',
        description: '示例企业厂房起火',
        unitId: world.units.A1aE.id,
      },
      t0,
    );
    const rounds = async () => (await outbox(em(), c.id, 'case.emergency')).map((p) => `${p.payload.round}:${p.recipient}`);
    const { offA1, supA } = world.officers;
    expect(await rounds()).toEqual([`1:officer:${offA1.id}`, `1:officer:${supA.id}`].sort((a, b) => a.localeCompare(b)).sort());

    await sweepDeadlines(db.orm, new Date(t0.getTime() + 10 * minute - 1000));
    expect(await rounds()).toHaveLength(2);
    expect(await sweepDeadlines(db.orm, new Date(t0.getTime() + 10 * minute))).toMatchObject({ emergencies: 1 });
    expect((await rounds()).filter((r) => r.startsWith('2:'))).toHaveLength(2);
    // Half the 30-minute acceptance limit gone: reminded too.
    const at15 = await sweepDeadlines(db.orm, new Date(t0.getTime() + 15 * minute));
    expect(at15).toMatchObject({ raised: 1, emergencies: 0 });
    expect(await sweepDeadlines(db.orm, new Date(t0.getTime() + 20 * minute))).toMatchObject({ emergencies: 1 });

    const fresh = await load(c.id);
    await acceptCase(em(), await actor(world.officers.offA1), { id: c.id, version: fresh.version }, new Date(t0.getTime() + 25 * minute));
    expect(await sweepDeadlines(db.orm, new Date(t0.getTime() + 30 * minute))).toMatchObject({ emergencies: 0 });
    expect((await rounds()).filter((r) => r.startsWith('4:'))).toEqual([]);
  });
});

describe('an escalation', () => {
  it('is pushed to the officers of the unit it went to', async () => {
    const c = await reportNormal(bj('2026-11-24T09:00:00'));
    const offA1 = await actor(world.officers.offA1);
    const escalated = await escalateCase(
      em(),
      offA1,
      { id: c.id, version: c.version, escalation: Escalation.REQUIRES_HIGHER_AUTHORITY, reason: '涉及县级部门' },
      bj('2026-11-24T09:30:00'),
    );
    expect(escalated.handlingUnit.id).toBe(world.units.A.id);
    const pushes = await outbox(em(), c.id, 'case.escalated');
    // The county's officers: its supervisor (the only officer there in this world).
    expect(pushes.map((p) => p.recipient)).toEqual([`officer:${world.officers.supA.id}`]);
    expect(pushes[0].payload).toMatchObject({ fromUnit: '甲一镇', toUnit: '甲县', reason: '涉及县级部门' });
  });
});

describe('the return visit', () => {
  it('asks again after a working day, flags the case for a supervisor after three, and the resident’s answer closes it through the gate', async () => {
    const { case: filed } = await reportAsResident(
      em(),
      world.resident,
      { kind: CaseKind.DISPUTE, unitId: world.units.A1a.id, description: '楼上漏水', anonymous: false, attachments: [] },
      bj('2026-11-16T09:00:00'),
    );
    const offA1 = await actor(world.officers.offA1);
    let c = await acceptCase(em(), offA1, { id: filed.id, version: filed.version }, bj('2026-11-16T09:10:00'));
    c = await assignCase(em(), offA1, { id: c.id, version: c.version, assigneeId: world.officers.gridA1a.id }, bj('2026-11-16T09:20:00'));
    c = await startCase(em(), offA1, { id: c.id, version: c.version }, bj('2026-11-16T09:30:00'));
    // Resolved on Friday: the reminder comes on Monday, the flag on Wednesday.
    c = await resolveCase(em(), offA1, { id: c.id, version: c.version, note: '已修好' }, bj('2026-11-20T16:00:00'));
    expect(c.nextCheckAt).toEqual(bj('2026-11-23T16:00:00'));
    const visits = async () => (await outbox(em(), c.id, 'case.return_visit')).map((p) => p.payload.round ?? 1);
    expect(await visits()).toEqual([1]);

    await sweepDeadlines(db.orm, bj('2026-11-23T15:59:00'));
    expect(await visits()).toEqual([1]);
    expect(await sweepDeadlines(db.orm, bj('2026-11-23T16:00:00'))).toMatchObject({ visits: 1 });
    expect(await visits()).toEqual([1, 2]);
    expect(await outbox(em(), c.id, 'case.visit_unanswered')).toEqual([]);
    expect(await sweepDeadlines(db.orm, bj('2026-11-25T16:00:00'))).toMatchObject({ visits: 1 });
    expect((await outbox(em(), c.id, 'case.visit_unanswered')).map((p) => p.recipient)).toEqual([`officer:${world.officers.supA.id}`]);
    expect((await load(c.id)).nextCheckAt).toBeNull();

    const closed = await residentReturnVisit(em(), world.resident.id, c.id, ReturnVisitResult.SATISFIED, bj('2026-11-25T17:00:00'));
    expect(closed.status).toBe('CLOSED');
    // Through the gate: the trail names the resident, and followers hear of the new status.
    const [last] = await em().execute<{ type: string; actor_resident_id: number }[]>(
      'select type, actor_resident_id from case_events where case_id = ? order by seq desc limit 1',
      [c.id],
    );
    expect(last).toEqual({ type: 'RETURN_VISIT', actor_resident_id: world.resident.id });
    expect((await outbox(em(), c.id, 'case.status')).map((p) => p.payload.status)).toContain('CLOSED');
    // Another resident cannot answer it, and the gate says nothing about whether it exists.
    await expect(residentReturnVisit(em(), world.resident.id + 999, c.id, ReturnVisitResult.SATISFIED, bj('2026-11-25T17:00:00'))).rejects.toThrow(/not found/);
  });
});

describe('the sweep’s reach', () => {
  it('reads only the cases that are due, however many are open', async () => {
    // Whatever earlier cases have due by then is handled first.
    await sweepDeadlines(db.orm, bj('2026-12-01T09:05:00'));
    for (let i = 0; i < 20; i++) await reportNormal(bj('2026-12-01T09:00:00'));
    db.queries.length = 0;
    expect(await sweepDeadlines(db.orm, bj('2026-12-01T09:05:00'))).toMatchObject({ checked: 0 });
    // The calendar and one indexed look at next_check_at: no case rows read.
    expect(db.queries.filter((q) => /from "?cases"?/.test(q))).toHaveLength(1);
    expect(db.queries.filter((q) => /next_check_at <= /.test(q))).toHaveLength(1);
  });

  it('shares due cases between two sweeps running at once: each raised exactly once', async () => {
    const cases = [];
    for (let i = 0; i < 12; i++) cases.push(await reportNormal(bj('2026-12-07T09:00:00')));
    // Acceptance due Tue 8 Dec 09:00; at that moment all twelve are URGED by whichever sweep gets them.
    const at = bj('2026-12-08T09:00:00');
    const [{ n: due }] = await em().execute<{ n: string }[]>('select count(*) as n from cases where next_check_at <= ?', [at]);
    const [a, b] = await Promise.all([sweepDeadlines(db.orm, at), sweepDeadlines(db.orm, at)]);
    expect(Number(due)).toBeGreaterThanOrEqual(12);
    expect(a.checked + b.checked).toBe(Number(due));
    for (const c of cases) {
      expect((await load(c.id)).supervisionLevel).toBe(SupervisionLevel.URGED);
      // REMINDED (the evening before) was skipped over: one raise straight to URGED.
      expect(await systemEntries(c.id)).toHaveLength(1);
    }
  });
});
