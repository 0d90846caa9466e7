import type { EntityManager } from '@mikro-orm/postgresql';
import { Case, CaseEventType, CaseKind, CasePriority, CaseStatus, Channel, Officer, OfficerRole, Resident, Unit } from '../../src/entities';
import { createOfficer } from '../../src/domain/registry/officer.service';
import { importUnits, parseUnitCsv } from '../../src/domain/registry/unit-import';
import { appendEvents } from '../../src/domain/cases/trail.service';

/*
 * A small known world:
 *   C 市 ─┬─ A 县 ── A1 镇 ─┬─ A1a 村 ── A1aE 企业
 *         │                └─ A1b 村
 *         └─ B 县 ── B1 镇 ── B1a 村
 */
export const UNITS_CSV = `code,name,kind,parent_code
C,测试市,CITY,
A,甲县,COUNTY,C
B,乙县,COUNTY,C
A1,甲一镇,TOWNSHIP,A
B1,乙一镇,TOWNSHIP,B
A1a,磁窑村,VILLAGE,A1
A1b,南通村,VILLAGE,A1
B1a,温家寨村,VILLAGE,B1
A1aE,磁窑示例企业1号,ENTERPRISE,A1a
`;

export const PASSWORD = 'correct-horse-1';

export const OFFICERS = {
  admin: { phone: '13800000100', role: OfficerRole.ADMIN, unit: 'C' },
  supA: { phone: '13800000101', role: OfficerRole.SUPERVISOR, unit: 'A' },
  offA1: { phone: '13800000102', role: OfficerRole.OFFICER, unit: 'A1' },
  gridA1a: { phone: '13800000103', role: OfficerRole.GRID_WORKER, unit: 'A1a' },
  offB: { phone: '13800000104', role: OfficerRole.OFFICER, unit: 'B' },
  gridA1b: { phone: '13800000105', role: OfficerRole.GRID_WORKER, unit: 'A1b' },
} as const;
export type OfficerKey = keyof typeof OFFICERS;

export interface World {
  units: Record<string, Unit>;
  officers: Record<OfficerKey, Officer>;
  resident: Resident;
  cases: Record<string, Case>;
}

let seq = 0;

/** Inserts a case directly (the workflow issue adds reportCase); handled by the unit's township. */
export async function insertCase(
  em: EntityManager,
  at: Unit,
  handling: Unit,
  fields: Partial<Pick<Case, 'status' | 'kind' | 'priority' | 'title' | 'description' | 'reportedAt' | 'dueAt' | 'acceptDueAt'>> & {
    reporter?: Resident;
    assignee?: Officer;
  } = {},
): Promise<Case> {
  seq += 1;
  const reportedAt = fields.reportedAt ?? new Date(Date.UTC(2026, 10, 22, 2, 0, seq));
  const c = em.create(Case, {
    number: `SL20261101${String(seq).padStart(4, '0')}`,
    kind: fields.kind ?? CaseKind.DISPUTE,
    priority: fields.priority ?? CasePriority.NORMAL,
    title: fields.title ?? `测试案件${seq}`,
    description: fields.description ?? '邻里纠纷，需要调解',
    unit: at,
    unitPath: at.path,
    handlingUnit: handling,
    handlingPath: handling.path,
    channel: Channel.WECHAT,
    status: fields.status ?? CaseStatus.REPORTED,
    reportedAt,
    acceptDueAt: fields.acceptDueAt ?? new Date(reportedAt.getTime() + 86_400_000),
    dueAt: fields.dueAt ?? new Date(reportedAt.getTime() + 7 * 86_400_000),
    reporter: fields.reporter,
    assignee: fields.assignee,
    resolvedAt: fields.status === CaseStatus.RESOLVED || fields.status === CaseStatus.CLOSED ? reportedAt : undefined,
  });
  await em.flush();
  // Every case starts its trail like a real one, so chains stay verifiable.
  await appendEvents(em, c, [{ type: CaseEventType.REPORT, toStatus: c.status }], reportedAt);
  await em.flush();
  return c;
}

/** Builds the world above through the real import and officer paths. */
export async function buildWorld(em: EntityManager): Promise<World> {
  await importUnits(em, parseUnitCsv(Buffer.from(UNITS_CSV)));
  const units = Object.fromEntries((await em.find(Unit, {})).map((u) => [u.code, u]));
  const officers = {} as Record<OfficerKey, Officer>;
  for (const [key, o] of Object.entries(OFFICERS)) {
    officers[key as OfficerKey] = await createOfficer(em, { phone: o.phone, password: PASSWORD, name: key, role: o.role, unitCode: o.unit });
  }
  const resident = em.create(Resident, { channel: Channel.WECHAT, externalId: 'wxid_test_1', displayName: '张三', phone: '13912345678' });
  await em.flush();
  const cases = {
    a1a: await insertCase(em, units.A1a, units.A1, { title: '磁窑村排水沟堵塞引发邻里纠纷', reporter: resident }),
    a1aAssigned: await insertCase(em, units.A1a, units.A1a, { status: CaseStatus.ASSIGNED, assignee: officers.gridA1a }),
    a1aE: await insertCase(em, units.A1aE, units.A1, { kind: CaseKind.SAFETY_HAZARD, title: '厂区电线私拉乱接' }),
    a1b: await insertCase(em, units.A1b, units.A1, { kind: CaseKind.PETITION, reporter: resident }),
    b1a: await insertCase(em, units.B1a, units.B1, { title: '乙县案件不应被甲县看到' }),
    // Happened in B, but escalated to the city: visible to the city, not to A.
    b1aEscalated: await insertCase(em, units.B1a, units.C, { status: CaseStatus.ACCEPTED }),
    overdue: await insertCase(em, units.A1b, units.A1, {
      status: CaseStatus.IN_PROGRESS,
      reportedAt: new Date('2026-10-01T02:00:00Z'),
      acceptDueAt: new Date('2026-10-02T02:00:00Z'),
      dueAt: new Date('2026-10-10T02:00:00Z'),
    }),
  };
  em.clear();
  return { units, officers, resident, cases };
}
