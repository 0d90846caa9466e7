import type { OfficerActor } from '../../src/domain/access/actor';
import { addCaseNote, mergeCase } from '../../src/domain/cases/case-steps.service';
import * as wf from '../../src/domain/cases/case-workflow.service';
import { factsOf, lookupsIn } from '../../src/domain/cases/case-change';
import { availableActions } from '../../src/domain/cases/workflow';
import { DomainError } from '../../src/domain/errors';
import { CaseStatus, Escalation, ReturnVisitResult, SupervisionLevel, type Case } from '../../src/entities';
import { createTestDb, type TestDb } from '../support/db';
import { buildWorld, insertCase, type OfficerKey, type World } from '../support/fixture';

/*
 * Every (status × action × role) → allowed, or the exact error code. The expected
 * statuses are written out here from the design, not read from the code's table.
 */

const NOW = new Date('2026-11-23T04:00:00Z');
let db: TestDb;
let world: World;

beforeAll(async () => {
  db = await createTestDb();
  world = await buildWorld(db.orm.em.fork());
});
afterAll(async () => {
  await db?.drop();
});

const OPEN = ['REPORTED', 'ACCEPTED', 'ASSIGNED', 'IN_PROGRESS', 'RESOLVED'];
const RUNNING = ['REPORTED', 'ACCEPTED', 'ASSIGNED', 'IN_PROGRESS'];
const ALL = Object.values(CaseStatus) as string[];

/** From the product design: where each action may start, and who may take it. */
const SPEC: Record<string, { from: string[]; role: 'OFFICER' | 'SUPERVISOR'; assignee?: boolean }> = {
  accept: { from: ['REPORTED'], role: 'OFFICER' },
  reject: { from: ['REPORTED'], role: 'OFFICER' },
  assign: { from: ['ACCEPTED', 'ASSIGNED'], role: 'OFFICER' },
  start: { from: ['ASSIGNED'], role: 'OFFICER', assignee: true },
  resolve: { from: ['IN_PROGRESS'], role: 'OFFICER', assignee: true },
  close: { from: ['RESOLVED'], role: 'SUPERVISOR' },
  reopen: { from: ['RESOLVED', 'CLOSED'], role: 'SUPERVISOR' },
  escalate: { from: OPEN, role: 'OFFICER' },
  supervise: { from: RUNNING, role: 'SUPERVISOR' },
  extendDeadline: { from: RUNNING, role: 'SUPERVISOR' },
  merge: { from: OPEN, role: 'OFFICER' },
  note: { from: ALL, role: 'OFFICER', assignee: true },
  returnVisit: { from: ['RESOLVED'], role: 'OFFICER' },
};

type Who = 'gridNotAssignee' | 'gridAssignee' | 'officer' | 'supervisor';
const ACTOR: Record<Who, OfficerKey> = { gridNotAssignee: 'gridA1a', gridAssignee: 'gridA1a', officer: 'offA1', supervisor: 'supA' };
const RANK = { GRID_WORKER: 1, OFFICER: 2, SUPERVISOR: 3 };
const ROLE_OF: Record<Who, keyof typeof RANK> = { gridNotAssignee: 'GRID_WORKER', gridAssignee: 'GRID_WORKER', officer: 'OFFICER', supervisor: 'SUPERVISOR' };

function expected(action: string, status: string, who: Who): string {
  const spec = SPEC[action];
  const mayAct = RANK[ROLE_OF[who]] >= RANK[spec.role] || (spec.assignee && who === 'gridAssignee');
  if (!mayAct) return 'FORBIDDEN';
  return spec.from.includes(status) ? 'OK' : 'INVALID_TRANSITION';
}

function actorFor(who: Who): OfficerActor {
  const o = world.officers[ACTOR[who]];
  const unit = Object.values(world.units).find((u) => u.id === o.unit.id)!;
  return { type: 'officer', id: o.id, name: o.name, role: o.role, unitId: unit.id, unitPath: unit.path };
}

async function act(action: string, c: Case, actor: OfficerActor): Promise<void> {
  const em = db.orm.em.fork();
  const ref = { id: c.id, version: c.version };
  switch (action) {
    case 'accept':
      await wf.acceptCase(em, actor, ref, NOW);
      return;
    case 'reject':
      await wf.rejectCase(em, actor, { ...ref, reason: '不属于受理范围' }, NOW);
      return;
    case 'assign':
      await wf.assignCase(em, actor, { ...ref, assigneeId: world.officers.gridA1a.id }, NOW);
      return;
    case 'start':
      await wf.startCase(em, actor, ref, NOW);
      return;
    case 'resolve':
      await wf.resolveCase(em, actor, { ...ref, note: '已调解' }, NOW);
      return;
    case 'close':
      await wf.closeCase(em, actor, { ...ref, note: '匿名反映，无法回访' }, NOW);
      return;
    case 'reopen':
      await wf.reopenCase(em, actor, { ...ref, reason: '群众再次反映' }, NOW);
      return;
    case 'escalate':
      await wf.escalateCase(em, actor, { ...ref, escalation: Escalation.REQUIRES_HIGHER_AUTHORITY, reason: '需县级协调' }, NOW);
      return;
    case 'supervise':
      await wf.superviseCase(em, actor, { ...ref, level: SupervisionLevel.LISTED }, NOW);
      return;
    case 'extendDeadline':
      await wf.extendDeadline(em, actor, { ...ref, reason: '需现场勘验' }, NOW);
      return;
    case 'merge': {
      const target = await insertCase(db.orm.em.fork(), world.units.A1a, world.units.A1);
      await mergeCase(em, actor, { ...ref, intoId: target.id }, NOW);
      return;
    }
    case 'note':
      await addCaseNote(em, actor, { ...ref, note: '电话联系当事人' }, NOW);
      return;
    case 'returnVisit':
      await wf.recordReturnVisit(em, actor, { ...ref, result: ReturnVisitResult.SATISFIED }, NOW);
      return;
  }
  throw new Error(`unknown action ${action}`);
}

const cases: [string, string, Who][] = [];
for (const action of Object.keys(SPEC)) {
  for (const status of ALL) for (const who of ['gridNotAssignee', 'gridAssignee', 'officer', 'supervisor'] as Who[]) cases.push([action, status, who]);
}

it.each(cases)('%s on a %s case by %s', async (action, status, who) => {
  // Anonymous (no reporter), so a supervisor's close needs no waiting for a return visit.
  const c = await insertCase(db.orm.em.fork(), world.units.A1a, world.units.A1, {
    status: status as CaseStatus,
    assignee: who === 'gridAssignee' ? world.officers.gridA1a : undefined,
  });
  const actor = actorFor(who);
  // What the API offers must be exactly what the change then allows.
  const em = db.orm.em.fork();
  const offered = await availableActions(actor, factsOf(c), NOW, lookupsIn(em));
  let outcome = 'OK';
  try {
    await act(action, c, actor);
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    outcome = err.code;
  }
  expect(outcome).toBe(expected(action, status, who));
  expect(offered.includes(action as never)).toBe(outcome === 'OK');
});
