import type { EntityManager } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { importUnits, parseUnitCsv } from '../../src/domain/registry/unit-import';
import { selectRows } from '../../src/domain/read/load';
import { UNIT_ROW, type UnitRow } from '../../src/domain/read/rows';
import { setBaselineDate } from '../../src/domain/stats/baseline';
import { brokenUnits, exemplaryUnits, progress, stockFigures, monthFigures, ratesOf, zeroStatus } from '../../src/domain/stats/figures';
import { rankings, RankingLevel, compositeScore } from '../../src/domain/stats/rankings';
import { DEFAULT_CAMPAIGN, type CampaignSettings } from '../../src/domain/stats/settings';
import { countWarnings, refreshWarnings, listWarnings } from '../../src/domain/stats/warnings';
import { issueWarningLetters } from '../../src/domain/stats/letters';
import type { OfficerActor } from '../../src/domain/access/actor';
import { OfficerRole, UnitCategory } from '../../src/entities';
import { toGlobalId } from '../../src/graphql/relay';
import { UNITS_CSV } from '../support/fixture';
import { useWorldApp } from '../support/app';
import { ADMIN, runScript } from '../support/server-process';

/*
 * The command centre's figures on small constructed data, with the numbers worked out by hand from
 * the definitions (figures.ts). The world (fixture.ts):
 *   C 市 ─┬─ A 县 ── A1 镇 ─┬─ A1a 村 ── A1aE 企业
 *         │                └─ A1b 村
 *         └─ B 县 ── B1 镇 ── B1a 村
 * Counted units: under C, villages A1a, A1b, B1a (VILLAGE_COMMUNITY) and A1aE (ENTERPRISE); no institution.
 * The fixture's own cases (disputes, a hazard, a petition; none accepted or resolved) break no zero.
 */

const NOW = new Date('2026-12-15T04:00:00Z');
const t = useWorldApp({ now: () => NOW });
let seq = 0;

async function units(em: EntityManager): Promise<Record<string, UnitRow>> {
  return Object.fromEntries((await selectRows(em, UNIT_ROW, 'u', 'order by u.id')).map((u) => [u.code, u]));
}

/** Inserts a case as it stands after its history (the statistics trigger files it). */
async function addCase(
  em: EntityManager,
  unit: UnitRow,
  f: {
    kind: string;
    status?: string;
    reportedAt: string;
    acceptedAt?: string;
    resolvedAt?: string;
    returnVisit?: string;
    escalatedAt?: string;
    priority?: string;
    supervisionLevel?: string;
    reporterId?: number;
    days?: number;
  },
): Promise<number> {
  seq += 1;
  const reported = new Date(f.reportedAt);
  const [row] = await em.execute<{ id: number }[]>(
    `insert into cases (number, kind, priority, title, description, unit_id, unit_path, handling_unit_id, handling_path, channel, status,
       reported_at, accept_due_at, due_at, accepted_at, resolved_at, return_visit, escalation, escalated_at, supervision_level, reporter_id)
     values (?, ?, ?, ?, '说明', ?, ?, ?, ?, 'WEB_CHAT', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
    [
      `SL2026120${String(seq).padStart(5, '0')}`,
      f.kind,
      f.priority ?? 'NORMAL',
      `构造案件${seq}`,
      unit.id,
      unit.path,
      unit.id,
      unit.path,
      f.status ?? 'REPORTED',
      reported,
      new Date(reported.getTime() + 86_400_000),
      new Date(reported.getTime() + (f.days ?? 7) * 86_400_000),
      f.acceptedAt ?? null,
      f.resolvedAt ?? null,
      f.returnVisit ?? null,
      f.escalatedAt ? 'BEYOND_UNIT' : 'NONE',
      f.escalatedAt ?? null,
      f.supervisionLevel ?? 'NONE',
      f.reporterId ?? null,
    ],
  );
  return row.id;
}

const settings: CampaignSettings = DEFAULT_CAMPAIGN;
let u: Record<string, UnitRow>;
const ids: Record<string, number> = {};

beforeAll(async () => {
  const em = t.db.orm.em.fork();
  u = await units(em);
  // A1aE: a criminal case on 10 November, accepted and resolved in time, visited: satisfied.
  ids.crime = await addCase(em, u.A1aE, {
    kind: 'CRIMINAL_CASE',
    status: 'CLOSED',
    reportedAt: '2026-11-10T02:00:00Z',
    acceptedAt: '2026-11-10T03:00:00Z',
    resolvedAt: '2026-11-12T02:00:00Z',
    returnVisit: 'SATISFIED',
  });
  // A1b: a dispute on 5 November, accepted late and resolved late (20 November), visited: dissatisfied.
  ids.late = await addCase(em, u.A1b, {
    kind: 'DISPUTE',
    status: 'CLOSED',
    reportedAt: '2026-11-05T02:00:00Z',
    acceptedAt: '2026-11-07T02:00:00Z',
    resolvedAt: '2026-11-20T02:00:00Z',
    returnVisit: 'DISSATISFIED',
  });
  // A1b: accidents at the month boundaries in Beijing time: 31 October 23:30 and 1 December 01:00.
  ids.octAccident = await addCase(em, u.A1b, { kind: 'ACCIDENT', reportedAt: '2026-10-31T15:30:00Z' });
  ids.decAccident = await addCase(em, u.A1b, { kind: 'ACCIDENT', reportedAt: '2026-11-30T17:00:00Z' });
  // A1a: a rejected accident counts nowhere.
  await addCase(em, u.A1a, { kind: 'ACCIDENT', status: 'REJECTED', reportedAt: '2026-11-08T02:00:00Z' });
  // B1a: a petition reported in October that went beyond the unit on 5 November: 零上访 lost in November.
  ids.beyond = await addCase(em, u.B1a, { kind: 'PETITION', status: 'ACCEPTED', reportedAt: '2026-10-20T02:00:00Z', escalatedAt: '2026-11-05T02:00:00Z' });
});

describe('zero status and progress', () => {
  it('judges each unit by the month its breaking event happened, in Beijing time', async () => {
    const em = t.db.orm.em.fork();
    expect(await zeroStatus(em, u.A1b, '2026-11')).toMatchObject({ zero: true, broken: [] });
    expect(await zeroStatus(em, u.A1b, '2026-10')).toMatchObject({ zero: false, broken: ['ACCIDENT'] });
    expect(await zeroStatus(em, u.A1b, '2026-12')).toMatchObject({ zero: false, broken: ['ACCIDENT'] });
    expect(await zeroStatus(em, u.A1aE, '2026-11')).toMatchObject({ zero: false, broken: ['CASE'] });
    const beyond = await zeroStatus(em, u.B1a, '2026-11');
    expect(beyond).toMatchObject({ zero: false, broken: ['PETITION'] });
    expect(beyond.cases.map((c) => c.id)).toEqual([ids.beyond]);
    expect((await zeroStatus(em, u.B1a, '2026-10')).zero).toBe(true);
    expect((await zeroStatus(em, u.A1a, '2026-11')).zero).toBe(true);
  });

  it('gives each region its share of zero units per category against the targets', async () => {
    const em = t.db.orm.em.fork();
    // November, city: villages A1a, A1b zero, B1a not → 2/3 < 0.8; the one enterprise broke → 0/1; no institutions.
    expect(await progress(em, u.C, '2026-11', settings)).toEqual([
      { category: 'VILLAGE_COMMUNITY', units: 3, zeroUnits: 2, rate: 2 / 3, target: 0.8, met: false },
      { category: 'ENTERPRISE', units: 1, zeroUnits: 0, rate: 0, target: 0.9, met: false },
      { category: 'INSTITUTION', units: 0, zeroUnits: 0, rate: null, target: 0.9, met: true },
    ]);
    // October, county A: A1b's accident of 31 October (local) → 1/2; the enterprise is zero.
    expect((await progress(em, u.A, '2026-10', settings)).slice(0, 2)).toEqual([
      { category: 'VILLAGE_COMMUNITY', units: 2, zeroUnits: 1, rate: 0.5, target: 0.8, met: false },
      { category: 'ENTERPRISE', units: 1, zeroUnits: 1, rate: 1, target: 0.9, met: true },
    ]);
  });
});

describe('rates, rankings and letters', () => {
  it('computes the month’s rates of a county by hand', async () => {
    const em = t.db.orm.em.fork();
    const f = (await monthFigures(em, [u.A.id], '2026-11')).get(u.A.id)!;
    // Reported in November under A: the fixture's 4 (A1a ×2, A1aE, A1b) + crime + late dispute = 6.
    expect(f).toMatchObject({ reported: 6, acceptedInTime: 1, resolved: 2, resolvedInTime: 1, wentOverdue: 1, visited: 2, satisfied: 1 });
    expect(ratesOf(f)).toEqual({ responseRate: 1 / 6, onTimeRate: 0.5, satisfactionRate: 0.5 });
  });

  it('ranks the counties by the weighted score and flags those below target', async () => {
    const em = t.db.orm.em.fork();
    const rows = await rankings(em, u.C, RankingLevel.COUNTY, '2026-11', settings);
    expect(rows.map((r) => [r.rank, r.unit.code, r.score, r.belowTarget, r.belowTargetIn])).toEqual([
      // A: zero 2/3 (35), response 1/6 (15), on time 1/2 (15), satisfaction 1/2 (15); no stock or standards:
      // (35·2/3 + 15/6 + 7.5 + 7.5) / 80 = 51.04 → 51.0. Its enterprise broke a zero: below target there.
      [1, 'A', 51, true, ['ENTERPRISE']],
      // B: zero 0/1, response 0/2 (its two November cases were not accepted): 0. Its village broke a zero.
      [2, 'B', 0, true, ['VILLAGE_COMMUNITY']],
    ]);
    expect(rows[0].zeroRates.map((r) => [r.category, r.units, r.zeroUnits])).toEqual([
      ['VILLAGE_COMMUNITY', 2, 2],
      ['ENTERPRISE', 1, 0],
      ['INSTITUTION', 0, 0],
    ]);
    expect(compositeScore({ zero: 1, response: null, onTime: null, satisfaction: null, stock: null, standards: null }, settings.weights)).toBe(100);
  });

  it('issues one warning letter per county below target and month, pushed to its supervisors', async () => {
    const em = t.db.orm.em.fork();
    const first = await issueWarningLetters(em, u.C, '2026-11', settings, NOW);
    expect(first.map((l) => [t.world.units[l.regionId === u.A.id ? 'A' : 'B'].code, l.findings.map((f) => f.category), l.rank, l.of])).toEqual([
      ['A', ['ENTERPRISE'], 1, 2],
      ['B', ['VILLAGE_COMMUNITY'], 2, 2],
    ]);
    expect(await issueWarningLetters(em, u.C, '2026-11', settings, NOW)).toEqual([]);
    const pushes = await em.execute(`select recipient, payload->>'unit' as unit from outbox where topic = 'report.warning_letter' order by id`);
    // supA is county A's supervisor; county B has none.
    expect(pushes).toEqual([{ recipient: `officer:${t.world.officers.supA.id}`, unit: '甲县' }]);
  });
});

describe('stock and increment', () => {
  it('takes the cases open at the baseline as stock and clears them as they are resolved', async () => {
    const em = t.db.orm.em.fork();
    const admin: OfficerActor = { type: 'officer', id: t.world.officers.admin.id, name: 'admin', role: OfficerRole.ADMIN, unitId: u.C.id, unitPath: u.C.path };
    // From 15 November: open then under A were the fixture's October case (overdue, in progress), the
    // late dispute (resolved 20 November) and the October accident; the crime was resolved on the 12th.
    const { stockChanged } = await setBaselineDate(em, admin, { unitId: u.A.id, date: '2026-11-15' }, NOW);
    expect(stockChanged).toBe(3);
    expect((await stockFigures(em, [u.A.id], '2026-11')).get(u.A.id)).toEqual({ stock: 3, cleared: 1, clearanceRate: 1 / 3 });
    expect((await stockFigures(em, [u.A.id], '2026-10')).get(u.A.id)).toEqual({ stock: 3, cleared: 0, clearanceRate: 0 });
    // Increments in November: 6 reported, of which the late dispute is stock.
    const f = (await monthFigures(em, [u.A.id], '2026-11')).get(u.A.id)!;
    expect(f.reported - f.stock).toBe(5);
    await expect(setBaselineDate(em, admin, { unitId: u.A1a.id, date: '2026-11-15' }, NOW)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(setBaselineDate(em, admin, { unitId: u.A.id, date: '2026-02-30' }, NOW)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    // Clearing the date clears the stock.
    expect((await setBaselineDate(em, admin, { unitId: u.A.id, date: null }, NOW)).stockChanged).toBe(3);
    expect((await stockFigures(em, [u.A.id], '2026-11')).get(u.A.id)).toEqual({ stock: 0, cleared: 0, clearanceRate: null });
  });
});

describe('exemplary units', () => {
  it('lists units zero in each month of the window and registered before it', async () => {
    const em = t.db.orm.em.fork();
    // The fixture's units were registered today: none qualifies until they are older than the window.
    expect((await exemplaryUnits(em, u.C, '2026-11', 6, 10)).count).toBe(0);
    await em.execute(`update units set created_at = '2025-01-01T00:00:00Z'`);
    // June–November: A1a zero throughout; A1b broke in October, A1aE in November, B1a in November.
    const found = await exemplaryUnits(em, u.C, '2026-11', 6, 10);
    expect(found).toMatchObject({ count: 1, units: [{ code: 'A1a' }] });
    // A two-month window ending in September: all four.
    expect((await exemplaryUnits(em, u.C, '2026-09', 2, 10)).count).toBe(4);
    // December, the current month, is counted from the streaks the database keeps per region.
    // November–December: A1a only (A1b broke on 1 December, A1aE and B1a in November).
    expect(await exemplaryUnits(em, u.C, '2026-12', 2, 10)).toMatchObject({ count: 1, units: [{ code: 'A1a' }] });
    expect((await exemplaryUnits(em, u.C, '2026-12', 1, 10)).count).toBe(3);
    expect((await exemplaryUnits(em, u.B, '2026-12', 1, 10)).count).toBe(1);
    // An accident at A1a today ends its streak at once, up the tree.
    const accident = await addCase(em, u.A1a, { kind: 'ACCIDENT', reportedAt: '2026-12-15T03:00:00Z' });
    expect((await exemplaryUnits(em, u.C, '2026-12', 2, 10)).count).toBe(0);
    expect((await exemplaryUnits(em, u.A1, '2026-12', 1, 10)).count).toBe(1);
    expect((await exemplaryUnits(em, u.C, '2026-12', 1, 10)).count).toBe(2);
    await expectRollupsEqualRecount(em);
    // Rejected, it counts nowhere: the streak is back.
    await em.execute(`update cases set status = 'REJECTED' where id = ?`, [accident]);
    expect((await exemplaryUnits(em, u.C, '2026-12', 2, 10)).count).toBe(1);
    // A unit registered recently is not exemplary until the window has passed since.
    await em.execute(`update units set created_at = '2026-11-20T00:00:00Z' where id = ?`, [u.A1a.id]);
    expect((await exemplaryUnits(em, u.C, '2026-12', 2, 10)).count).toBe(0);
    expect((await exemplaryUnits(em, u.C, '2026-12', 1, 10)).count).toBe(3);
    await em.execute(`update units set created_at = '2025-01-01T00:00:00Z' where id = ?`, [u.A1a.id]);
    await expectRollupsEqualRecount(em);
  });
});

describe('early warning', () => {
  it('raises each rule exactly at its threshold', async () => {
    const em = t.db.orm.em.fork();
    const rulesAt = async (s: CampaignSettings, code: string) => {
      await refreshWarnings(em, NOW, s);
      const warnings = await listWarnings(em, u[code], 100);
      return warnings
        .filter((w) => w.unitId === u[code].id)
        .map((w) => w.rule)
        .sort();
    };
    const at = (w: Partial<CampaignSettings['warnings']>) => ({ ...settings, warnings: { ...settings.warnings, ...w } });
    // A1aE has one open hazard (the fixture's); threshold 1 on, 2 off.
    expect(await rulesAt(at({ openHazards: 1 }), 'A1aE')).toContain('OPEN_HAZARDS');
    expect(await rulesAt(at({ openHazards: 2 }), 'A1aE')).not.toContain('OPEN_HAZARDS');
    // Petitions at A1b within the window: none yet in the last 90 days besides the fixture's (22 November): one.
    expect(await rulesAt(at({ repeatCount: 2, repeatDays: 90 }), 'A1b')).not.toContain('REPEATED_PETITIONS');
    const second = await addCase(em, u.A1b, { kind: 'PETITION', reportedAt: '2026-12-01T02:00:00Z' });
    expect(await rulesAt(at({ repeatCount: 2, repeatDays: 90 }), 'A1b')).toContain('REPEATED_PETITIONS');
    // Both petitions are more than 13 days old: a 13-day window sees neither.
    expect(await rulesAt(at({ repeatCount: 2, repeatDays: 13 }), 'A1b')).not.toContain('REPEATED_PETITIONS');
    // A hazard and a petition at one unit within the cluster window.
    expect(await rulesAt(at({ clusterDays: 30 }), 'A1b')).not.toContain('CLUSTER');
    await addCase(em, u.A1b, { kind: 'SAFETY_HAZARD', reportedAt: '2026-12-10T02:00:00Z' });
    expect(await rulesAt(at({ clusterDays: 30 }), 'A1b')).toContain('CLUSTER');
    expect(await rulesAt(at({ clusterDays: 5 }), 'A1b')).not.toContain('CLUSTER');
    // Open emergencies and listed supervision: on while open, off once resolved.
    const urgent = await addCase(em, u.B1a, { kind: 'ACCIDENT', priority: 'EMERGENCY', supervisionLevel: 'LISTED', reportedAt: '2026-12-14T02:00:00Z' });
    expect(await rulesAt(settings, 'B1a')).toEqual(expect.arrayContaining(['LISTED_OVERDUE', 'OPEN_EMERGENCY']));
    await em.execute(`update cases set status = 'RESOLVED', resolved_at = ? where id in (?, ?)`, [NOW, urgent, second]);
    expect(await rulesAt(settings, 'B1a')).not.toEqual(expect.arrayContaining(['OPEN_EMERGENCY']));
    expect(await rulesAt(settings, 'B1a')).not.toContain('LISTED_OVERDUE');
  });

  it('files each warning under every region above its unit, with the count of each', async () => {
    const em = t.db.orm.em.fork();
    const all = await refreshWarnings(em, NOW, { ...settings, warnings: { ...settings.warnings, openHazards: 1 } });
    expect(all).toBeGreaterThan(1);
    const [C, A, B] = [u.C, u.A, u.B];
    const listed = async (r: UnitRow) => (await listWarnings(em, r, 100)).map((w) => `${w.unitId}:${w.rule}`);
    // The city has them all; each county its own units', counted alike; none twice.
    expect(await listed(C)).toHaveLength(all);
    expect(await countWarnings(em, C.id)).toBe(all);
    const [a, b] = [await listed(A), await listed(B)];
    expect(a.length + b.length).toBe(all);
    expect(await countWarnings(em, A.id)).toBe(a.length);
    expect(await countWarnings(em, B.id)).toBe(b.length);
    const underA = new Set(
      Object.values(u)
        .filter((x) => x.path.startsWith(A.path))
        .map((x) => x.id),
    );
    expect(a.every((w) => underA.has(Number(w.split(':')[0])))).toBe(true);
    // Most pressing first, as the city lists them.
    const rank = (await listWarnings(em, C, 100)).map((w) => String(w.rule));
    expect(rank.indexOf('OPEN_HAZARDS')).toBeGreaterThan(Math.max(rank.lastIndexOf('REPEATED_PETITIONS'), rank.lastIndexOf('CLUSTER')));
    // A region without warnings lists none and counts 0.
    await em.execute(`delete from unit_warnings where unit_id in (select id from units where path like ?)`, [`${B.path}%`]);
    expect(await listed(B)).toEqual([]);
    await refreshWarnings(em, NOW, { ...settings, warnings: { ...settings.warnings, openHazards: 1000, repeatCount: 1000, clusterDays: 0 } });
    expect(await countWarnings(em, B.id)).toBe((await listed(B)).length);
  });
});

describe('over GraphQL', () => {
  const Q = `query($u: ID, $m: String) { dashboard(unitId: $u, month: $m) {
    unit { code } month
    base { unitsByCategory { category count } openCases reportedInMonth }
    progress { category units zeroUnits rate met broken { unit { code } rules cases { number } } }
    trend(months: 3) { month reported zeroRate }
    stock { stock } exemplary { count }
  } }`;

  it('scopes the dashboard to the supervisor’s county and refuses other roles', async () => {
    const supA = await t.app.login('supA');
    const own = await t.app.gql(Q, { m: '2026-11' }, supA);
    expect(own.errors).toBeUndefined();
    const d = own.data.dashboard;
    expect(d.unit.code).toBe('A');
    expect(d.base.unitsByCategory).toEqual([
      { category: 'VILLAGE_COMMUNITY', count: 2 },
      { category: 'ENTERPRISE', count: 1 },
      { category: 'INSTITUTION', count: 0 },
    ]);
    expect(d.base.reportedInMonth).toBe(6);
    expect(d.progress[1]).toMatchObject({ category: 'ENTERPRISE', units: 1, zeroUnits: 0, met: false, broken: [{ unit: { code: 'A1aE' }, rules: ['CASE'] }] });
    expect(d.trend.map((p: { month: string }) => p.month)).toEqual(['2026-09', '2026-10', '2026-11']);
    const other = await t.app.gql(Q, { u: toGlobalId('Unit', u.B.id) }, supA);
    expect(other.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const city = await t.app.gql(Q, { u: toGlobalId('Unit', u.C.id) }, supA);
    expect(city.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    for (const who of ['gridA1a', 'offA1'] as const) {
      const refused = await t.app.gql(Q, {}, await t.app.login(who));
      expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    const ranking = await t.app.gql('{ rankings(level: TOWNSHIP) { unit { code } } }', {}, supA);
    expect(ranking.data.rankings.map((r: { unit: { code: string } }) => r.unit.code)).toEqual(['A1']);
    const future = await t.app.gql(Q, { m: '2027-01' }, supA);
    expect(future.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'month' });
  });
});

describe('a unit moved to another parent', () => {
  it('takes its figures along: the statistics follow the tree', async () => {
    const em = t.db.orm.em.fork();
    // A1b (with its October accident) moves from 甲一镇 (county A) to 乙一镇 (county B).
    await importUnits(em, parseUnitCsv(Buffer.from(UNITS_CSV.replace('A1b,南通村,VILLAGE,A1', 'A1b,南通村,VILLAGE,B1'))));
    const moved = await units(em);
    expect((await progress(em, moved.B, '2026-10', settings))[0]).toMatchObject({ units: 2, zeroUnits: 1 });
    expect((await progress(em, moved.A, '2026-10', settings))[0]).toMatchObject({ units: 1, zeroUnits: 1 });
    // Listed as broken under its new county, no longer under the old one.
    const listed = async (r: UnitRow) => (await brokenUnits(em, r, '2026-10', { category: UnitCategory.VILLAGE_COMMUNITY, limit: 10 })).map((b) => b.unit.code);
    expect(await listed(moved.B)).toEqual(['A1b']);
    expect(await listed(moved.A)).toEqual([]);
    // The city's own figures do not change: same units, same cases.
    expect((await progress(em, moved.C, '2026-10', settings))[0]).toMatchObject({ units: 3, zeroUnits: 2 });
    await expectRollupsEqualRecount(em);
  });
});

describe('rollups', () => {
  it('equal a recount from the cases after a random series of workflow changes', async () => {
    const admin = await t.app.login('admin');
    const em = t.db.orm.em.fork();
    // A repeatable random series.
    let state = 20261130;
    const rand = (n: number) => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state % n;
    };
    const kinds = ['PETITION', 'DISPUTE', 'SAFETY_HAZARD', 'ACCIDENT', 'CRIMINAL_CASE', 'PUBLIC_ORDER_CASE'];
    const places = ['A1a', 'A1b', 'A1aE', 'B1a'];
    const steps: ((c: { id: string; version: number }) => [string, Record<string, unknown>])[] = [
      (c) => ['acceptCase', { ...c }],
      (c) => ['rejectCase', { ...c, reason: '不属于受理范围' }],
      (c) => ['startCase', { ...c }],
      (c) => ['resolveCase', { ...c, note: '已处理' }],
      (c) => ['recordReturnVisit', { ...c, result: ['SATISFIED', 'BASICALLY_SATISFIED', 'DISSATISFIED'][rand(3)] }],
      (c) => ['escalateCase', { ...c, escalation: ['BEYOND_UNIT', 'REQUIRES_HIGHER_AUTHORITY'][rand(2)], reason: '越级' }],
      (c) => ['superviseCase', { ...c, level: ['URGED', 'SUPERVISED', 'LISTED'][rand(3)] }],
      (c) => ['reopenCase', { ...c, reason: '群众不满意' }],
      (c) => ['assignCase', { ...c, unitId: toGlobalId('Unit', u.A1a.id) }],
      (c) => ['closeCase', { ...c, note: '匿名，无法回访' }],
    ];
    let applied = 0;
    for (let i = 0; i < 160; i++) {
      if (i % 8 === 0) {
        const res = await t.app.gql(
          'mutation($i: ReportCaseInput!) { reportCase(input: $i) { case { id } } }',
          {
            i: {
              kind: kinds[rand(kinds.length)],
              priority: ['NORMAL', 'URGENT', 'EMERGENCY'][rand(3)],
              title: `随机案件${i}`,
              description: '随机',
              unitId: toGlobalId('Unit', u[places[rand(places.length)]].id),
            },
          },
          admin,
        );
        expect(res.errors).toBeUndefined();
        continue;
      }
      const open = await em.execute<{ id: number; version: number }[]>('select id, version from cases order by id');
      const target = open[rand(open.length)];
      const [name, input] = steps[rand(steps.length)]({ id: toGlobalId('Case', target.id), version: target.version });
      const res = await t.app.gql(`mutation($i: ${name[0].toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $i) { case { id } } }`, { i: input }, admin);
      if (!res.errors) applied++;
      else expect(['INVALID_TRANSITION', 'BAD_USER_INPUT', 'FORBIDDEN', 'VERSION_CONFLICT']).toContain(res.errors[0].extensions?.code);
    }
    // The series really changed cases through many kinds of steps.
    expect(applied).toBeGreaterThan(30);
    await expectRollupsEqualRecount(em);
  });

  it('stay equal to a recount when transactions change cases at the same units at once', async () => {
    const em = t.db.orm.em.fork();
    const now = await units(em);
    const places = [now.A1a, now.A1b, now.B1a, now.A1aE];
    const months = ['2026-09-10T02:00:00Z', '2026-10-10T02:00:00Z', '2026-11-10T02:00:00Z', '2026-12-10T02:00:00Z'];
    const kinds = ['ACCIDENT', 'PETITION', 'CRIMINAL_CASE', 'SAFETY_HAZARD'];
    // Eight transactions, each one statement over the four units (half of them in reverse order),
    // then an update of what it inserted, held open a moment so the others queue behind it.
    const run = async (i: number) => {
      const client = new Client({ connectionString: t.db.url });
      await client.connect();
      try {
        await client.query('begin');
        const order = i % 2 ? [...places].reverse() : places;
        const values = order.map(
          (_, j) =>
            `($${j * 5 + 1}, $${j * 5 + 2}, 'NORMAL', '并发', '说明', $${j * 5 + 3}, $${j * 5 + 4}, $${j * 5 + 3}, $${j * 5 + 4}, 'WEB_CHAT', 'REPORTED', $${j * 5 + 5}, $${j * 5 + 5}::timestamptz + interval '1 day', $${j * 5 + 5}::timestamptz + interval '7 days')`,
        );
        const params = order.flatMap((p, j) => [`SL2026129${String(i * 10 + j).padStart(5, '0')}`, kinds[(i + j) % 4], p.id, p.path, months[(i + j) % 4]]);
        const { rows } = await client.query<{ id: number }>(
          `insert into cases (number, kind, priority, title, description, unit_id, unit_path, handling_unit_id, handling_path, channel, status, reported_at, accept_due_at, due_at)
           values ${values.join(', ')} returning id`,
          params,
        );
        await client.query(
          `update cases set status = 'RESOLVED', accepted_at = reported_at, resolved_at = reported_at + interval '2 days',
          escalation = case when kind = 'PETITION' then 'BEYOND_UNIT' else escalation end, escalated_at = case when kind = 'PETITION' then reported_at else escalated_at end
          where id = any($1)`,
          [rows.map((r) => r.id)],
        );
        await client.query('select pg_sleep(0.02)');
        await client.query('commit');
      } finally {
        await client.end();
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, i) => run(i)));
    const [{ n }] = await em.execute<{ n: number }[]>(`select count(*)::int as n from cases where title = '并发' and status = 'RESOLVED'`);
    expect(n).toBe(32);
    await expectRollupsEqualRecount(em);
  });

  it('keep up with a bulk update that follows a one-row update on the same connection', async () => {
    // PL/pgSQL keeps the plan of a static query for the connection: the triggers' pairing of old and
    // new rows, once planned for one row, walked every pair of a later bulk update's rows (25,000:
    // about two minutes). The timeout is far above the seconds this takes and far below that.
    const em = t.db.orm.em.fork();
    const now = await units(em);
    const n = 25_000;
    const client = new Client({ connectionString: t.db.url });
    await client.connect();
    try {
      await client.query(`set statement_timeout = '30s'`);
      await client.query(`update cases set supervision_level = supervision_level where id = (select min(id) from cases)`);
      await client.query(`update units set created_at = created_at where id = $1`, [now.A1a.id]);
      await client.query(
        `insert into cases (number, kind, priority, title, description, unit_id, unit_path, handling_unit_id, handling_path, channel, status, reported_at, accept_due_at, due_at)
         select 'SLBULK' || lpad(i::text, 8, '0'), 'ACCIDENT', 'NORMAL', '批量', '说明', $1, $2, $1, $2, 'WEB_CHAT', 'REPORTED',
           timestamptz '2026-12-01T02:00:00Z' + i * interval '1 second', timestamptz '2026-12-02T02:00:00Z', timestamptz '2026-12-08T02:00:00Z'
         from generate_series(1, $3) i`,
        [now.B1a.id, now.B1a.path, n],
      );
      const urged = await client.query(`update cases set supervision_level = 'URGED' where number like 'SLBULK%'`);
      expect(urged.rowCount).toBe(n);
      await client.query(
        `insert into units (code, name, kind, category, parent_id, path, depth)
         select 'BULK' || i, '批量企业' || i, 'ENTERPRISE', 'ENTERPRISE', $1, $2, $3 from generate_series(1, $4) i`,
        [now.B1a.id, now.B1a.path, now.B1a.depth + 1, n],
      );
      const placed = await client.query(`update units set path = $1 || id || '/', created_at = '2025-01-01T00:00:00Z' where code like 'BULK%'`, [now.B1a.path]);
      expect(placed.rowCount).toBe(n);
    } finally {
      await client.end();
    }
    expect((await exemplaryUnits(em, now.B, '2026-12', 1, 10)).count).toBeGreaterThanOrEqual(n);
    await expectRollupsEqualRecount(em);
    await em.execute(`update cases set status = 'REJECTED' where number like 'SLBULK%'`);
    await em.execute(`delete from units where code like 'BULK%'`);
    await expectRollupsEqualRecount(em);
  });

  it('are recounted by the admin command, which reports figures that had drifted', async () => {
    const em = t.db.orm.em.fork();
    await em.execute(
      `update case_stats set reported = reported + 1 where (unit_id, own, month, kind) in (select unit_id, own, month, kind from case_stats limit 1)`,
    );
    await em.execute(
      `update region_zero_since set units = units + 1 where (region_id, zero_since) in (select region_id, zero_since from region_zero_since limit 1)`,
    );
    const env = { ...process.env, DATABASE_URL: t.db.url, LOG_LEVEL: 'warn' };
    const drifted = await runScript(ADMIN, ['rebuild-stats', '--check'], env);
    expect(drifted.out).toMatch(/Recounted the command-centre statistics: \d+ rows in [\d.]+ s\. 2 rows differed/);
    expect(drifted.code).toBe(1);
    const clean = await runScript(ADMIN, ['rebuild-stats', '--check'], env);
    expect(clean.out).toMatch(/ 0 rows differed/);
    expect(clean.code).toBe(0);
  });
});

/** The statistics the trigger kept equal a recount from the cases. */
export async function expectRollupsEqualRecount(em: EntityManager): Promise<void> {
  const snapshot = async () => ({
    cases:
      await em.execute(`select * from case_stats where reported <> 0 or accepted_in_time <> 0 or resolved <> 0 or resolved_in_time <> 0 or went_overdue <> 0
      or visited <> 0 or satisfied <> 0 or beyond_unit <> 0 or stock <> 0 or stock_cleared <> 0 order by unit_id, own, month, kind`),
    open: await em.execute('select * from open_stats where open <> 0 order by unit_id, own, kind, priority, supervision_level'),
    brokenUnits: await em.execute('select * from unit_month_breaks order by unit_id, month'),
    regionBreaks: await em.execute('select * from region_breaks where broken <> 0 order by region_id, month, category'),
    streaks: await em.execute('select * from region_zero_since where units <> 0 order by region_id, zero_since'),
  });
  const kept = await snapshot();
  await em.execute('select rebuild_case_stats()');
  const recounted = await snapshot();
  expect(kept.cases.length).toBeGreaterThan(0);
  expect(kept.regionBreaks.length).toBeGreaterThan(0);
  expect(kept.streaks.length).toBeGreaterThan(0);
  expect(kept).toEqual(recounted);
}
