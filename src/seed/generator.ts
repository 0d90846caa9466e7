import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  CaseEventType,
  CaseKind,
  CasePriority,
  CaseStatus,
  Channel,
  Escalation,
  OfficerRole,
  ReturnVisitResult,
  UNCOUNTED_STATUSES,
  UnitKind,
} from '../entities';
import { parseCalendarCsv, WorkCalendar } from '../domain/time/calendar';
import { localDate, startOfLocalDay } from '../domain/time/local-time';
import { hashPassword } from '../domain/access/password';
import { DEMO_PASSWORD } from '../domain/access/password-policy';
import { nextCheck } from '../domain/time/follow-up';
import { levelDue } from '../domain/time/supervision';
import { deadlines, defaultPolicy } from '../domain/time/sla';
import { importUnits, parseUnitCsv, type UnitRow } from '../domain/registry/unit-import';
import { dataFile } from '../paths';
import { dropIndexesForLoad, rebuildIndexes, type DeferredIndex } from '../db/load-indexes';
import { acquireConnection, copyLine, copyLines, copyRows, CopyIn, type BulkColumn } from './bulk';
import { TrailHasher, type TrailEvent } from './trail.worker';
import * as text from './generator.text';

/*
 * Builds a Lüliang-like data set: the real city and counties (data/lvliang-regions.csv), the
 * townships and villages named in press reports, generated places around them, officers,
 * residents and cases with a consistent history and a valid trail. `demo` is small; `full`
 * is the city at real size. Deterministic for a given seed and `now`.
 */

export interface GenerateOptions {
  scale: 'demo' | 'full';
  cases: number;
  now: Date;
  seed?: number;
  progress?: (message: string) => void;
  /**
   * Production: the demo accounts get random passwords of their own (answered once in the result,
   * never stored in the clear), and the generated officers none anyone knows. Otherwise every
   * officer's password is DEMO_PASSWORD.
   */
  randomPasswords?: boolean;
}

export interface GenerateResult {
  units: number;
  officers: number;
  residents: number;
  cases: number;
  events: number;
  /** With randomPasswords: the demo accounts' passwords, to be shown once. */
  passwords?: { phone: string; role: OfficerRole; password: string }[];
}

/** Demo logins (never loaded in production); README lists them. */
export { DEMO_PASSWORD };
export const DEMO_ACCOUNTS = [
  { phone: '13800000000', name: '系统管理员', role: OfficerRole.ADMIN, unit: '141100000000' },
  { phone: '13800000001', name: '市综治督导', role: OfficerRole.SUPERVISOR, unit: '141100000000' },
  { phone: '13800000002', name: '交城县综治干部', role: OfficerRole.OFFICER, unit: '141122000000' },
  { phone: '13800000003', name: '天宁镇综治中心', role: OfficerRole.OFFICER, unit: '141122100000' },
  { phone: '13800000004', name: '磁窑村网格员', role: OfficerRole.GRID_WORKER, unit: '141122100001' },
];

const SIZES = {
  demo: { townshipsPerCounty: 3, villagesPerTownship: 4, institutions: 60, enterprises: 120, residents: 150 },
  full: { townships: 161, villages: 3103, institutions: 4274, enterprises: 50556, residents: 120_000 },
};

/** Small fast PRNG (mulberry32) so data sets are reproducible. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const weighted = <T extends string>(w: Record<T, number>): T => {
    const entries = Object.entries(w) as [T, number][];
    let r = next() * entries.reduce((s, [, v]) => s + v, 0);
    for (const [k, v] of entries) if ((r -= v) < 0) return k;
    return entries[entries.length - 1][0];
  };
  return { next, int, pick, weighted };
}
type Rng = ReturnType<typeof rng>;

/** The calendar with each day's answer kept: a million cases ask about the same few hundred days. */
class RememberingCalendar extends WorkCalendar {
  private readonly known = new Map<string, boolean>();

  override isWorkingDay(date: string): boolean {
    let working = this.known.get(date);
    if (working === undefined) this.known.set(date, (working = super.isWorkingDay(date)));
    return working;
  }
}

interface PlaceUnit {
  code: string;
  name: string;
  kind: UnitKind;
  parentCode: string;
  township: string;
  /** The village it belongs to, if any (for the handling unit after assignment). */
  village?: string;
}

function spread(total: number, buckets: number): number[] {
  return Array.from({ length: buckets }, (_, i) => Math.floor(total / buckets) + (i < total % buckets ? 1 : 0));
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** The unit tree as import rows, plus the places cases happen at. */
function buildUnits(scale: 'demo' | 'full', r: Rng) {
  const regions = parseUnitCsv(readFileSync(dataFile('lvliang-regions.csv')));
  const counties = regions.filter((u) => u.kind === UnitKind.COUNTY);
  const rows: Omit<UnitRow, 'line'>[] = regions.map(({ line: _l, ...u }) => u);
  const townships: { code: string; name: string; county: string }[] = [];
  const villages: PlaceUnit[] = [];
  const places: PlaceUnit[] = [];

  const townshipCounts = scale === 'demo' ? counties.map(() => SIZES.demo.townshipsPerCounty) : spread(SIZES.full.townships, counties.length);
  counties.forEach((county, ci) => {
    const named = text.NAMED_TOWNSHIPS[county.name] ?? [];
    const used = new Set<string>();
    for (let t = 0; t < Math.max(townshipCounts[ci], named.length); t++) {
      let name = named[t] ?? `${r.pick(text.PLACE_PREFIX)}${r.pick(text.TOWNSHIP_SUFFIX)}`;
      while (used.has(name)) name = `${r.pick(text.PLACE_PREFIX)}${r.pick(text.PLACE_PREFIX)}${r.pick(text.TOWNSHIP_SUFFIX)}`;
      used.add(name);
      const code = `${county.code.slice(0, 6)}${100 + t}000`;
      townships.push({ code, name, county: county.code });
      rows.push({ code, name, kind: UnitKind.TOWNSHIP, parentCode: county.code });
    }
  });

  const villageCounts = scale === 'demo' ? townships.map(() => SIZES.demo.villagesPerTownship) : spread(SIZES.full.villages, townships.length);
  townships.forEach((tw, ti) => {
    const named = text.NAMED_VILLAGES[tw.name] ?? [];
    const used = new Set<string>();
    for (let v = 0; v < Math.max(villageCounts[ti], named.length); v++) {
      let name = named[v];
      if (!name) {
        const community = r.next() < 0.15;
        do {
          name = community ? `${r.pick(text.PLACE_PREFIX)}${r.pick(text.COMMUNITY_SUFFIX)}` : `${r.pick(text.PLACE_PREFIX)}${r.pick(text.VILLAGE_SUFFIX)}村`;
        } while (used.has(name) && used.size < 400);
      }
      if (used.has(name)) name = `${name.slice(0, -1)}${v}${name.slice(-1)}`;
      used.add(name);
      const kind = name.endsWith('社区') ? UnitKind.COMMUNITY : UnitKind.VILLAGE;
      const code = `${tw.code.slice(0, 9)}${pad(v + 1, 3)}`;
      const unit = { code, name, kind, parentCode: tw.code, township: tw.code, village: code };
      villages.push(unit);
      rows.push(unit);
    }
  });

  const counts = scale === 'demo' ? SIZES.demo : SIZES.full;
  const seqByTownship = new Map<string, number>();
  const addOrg = (prefix: 'QY' | 'DW', kinds: Record<string, number>, total: number) => {
    for (let i = 0; i < total; i++) {
      const tw = r.pick(townships);
      const underVillage = r.next() < 0.5 ? r.pick(villages.filter((v) => v.township === tw.code).slice(0, 50)) : undefined;
      const seq = (seqByTownship.get(tw.code) ?? 0) + 1;
      seqByTownship.set(tw.code, seq);
      const kind = r.weighted(kinds) as UnitKind;
      const base = underVillage ? underVillage.name.replace(/(村|社区)$/, '') : tw.name.replace(/(镇|乡|街道)$/, '');
      const unit: PlaceUnit = {
        code: `${prefix}${tw.code.slice(0, 9)}${pad(seq, 5)}`,
        name: `${base}${text.orgName(kind, seq)}`,
        kind,
        parentCode: underVillage?.code ?? tw.code,
        township: tw.code,
        village: underVillage?.code,
      };
      places.push(unit);
      rows.push(unit);
    }
  };
  addOrg('DW', text.INSTITUTION_KINDS, counts.institutions);
  addOrg('QY', text.ENTERPRISE_KINDS, counts.enterprises);
  return { rows, counties, townships, villages, orgs: places };
}

/** The demo county supervisors' phones: 13800000101 for the first county in the regions file, and on. */
export function countySupervisorPhone(index: number): string {
  return `1380000${pad(101 + index, 4)}`;
}

/** The statuses of the demo village's latest cases, newest first: one or two waiting in each state. */
const OWN_WORK: CaseStatus[] = [
  CaseStatus.REPORTED,
  CaseStatus.ACCEPTED,
  CaseStatus.ASSIGNED,
  CaseStatus.IN_PROGRESS,
  CaseStatus.RESOLVED,
  CaseStatus.REPORTED,
  CaseStatus.ASSIGNED,
  CaseStatus.IN_PROGRESS,
  CaseStatus.RESOLVED,
  CaseStatus.CLOSED,
];

/**
 * Emergencies move as real ones do: accepted within their half hour, handled within days. One left
 * waiting or open for months is no history anyone has (and would be pushed up the chain every ten
 * minutes), so an older one has moved on.
 */
function emergencyStatus(drawn: CaseStatus, ageDays: number): CaseStatus {
  const accepted = drawn === CaseStatus.REPORTED && ageDays > 1 / 24 ? CaseStatus.ACCEPTED : drawn;
  if (ageDays > 7 && [CaseStatus.ACCEPTED, CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS].includes(accepted)) return CaseStatus.CLOSED;
  if (ageDays > 3 && [CaseStatus.ACCEPTED, CaseStatus.ASSIGNED].includes(accepted)) return CaseStatus.IN_PROGRESS;
  return accepted;
}

/** Generates the data set into an empty database (one transaction per stage). */
export async function generate(em: EntityManager, opts: GenerateOptions): Promise<GenerateResult> {
  const say = opts.progress ?? (() => undefined);
  const r = rng(opts.seed ?? 20261123);
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
  const calendar = new RememberingCalendar(parseCalendarCsv(readFileSync(dataFile('cn-holidays-2026.csv'), 'utf8')));

  // Units: through the same import path as the admin CLI.
  const tree = buildUnits(opts.scale, r);
  await importUnits(
    em,
    tree.rows.map((u, i) => ({ ...u, line: i + 2 })),
  );
  // The registry was loaded when the campaign began, a year before `now`; the city set its baseline
  // (存量 date) half a year later, after its dragnet survey.
  const baseline = localDate(new Date(opts.now.getTime() - 182 * 86_400_000));
  const baselineStarts = startOfLocalDay(baseline).getTime();
  await em.execute(`update units set created_at = ?, baseline_date = case when parent_id is null then ?::date end`, [
    new Date(opts.now.getTime() - 366 * 86_400_000),
    baseline,
  ]);
  const idRows = await em.execute<{ id: number; code: string; path: string }[]>('select id, code, path from units');
  const unitId = new Map(idRows.map((u) => [u.code, u.id]));
  const unitPath = new Map(idRows.map((u) => [u.code, u.path]));
  say(
    `units: ${idRows.length} (${tree.townships.length} townships, ${tree.villages.length} villages/communities, ${tree.orgs.length} enterprises and institutions) ${elapsed()}`,
  );

  // Officers: demo accounts, one officer per township, one grid worker per village.
  const secret = () => randomBytes(12).toString('base64url');
  const passwords = DEMO_ACCOUNTS.map((a) => ({ phone: a.phone, role: a.role, password: opts.randomPasswords ? secret() : DEMO_PASSWORD }));
  const accountHashes = opts.randomPasswords ? await Promise.all(passwords.map((p) => hashPassword(p.password))) : undefined;
  // Generated officers share one hash: of the demo password, or of a random one nobody is told.
  const hash = await hashPassword(opts.randomPasswords ? secret() : DEMO_PASSWORD);
  const officerRows: unknown[][] = [];
  let phoneSeq = 0;
  const nextPhone = () => `139${pad(++phoneSeq, 8)}`;
  DEMO_ACCOUNTS.forEach((a, i) => officerRows.push([a.name, a.phone, accountHashes?.[i] ?? hash, a.role, unitId.get(a.unit)]));
  // A supervisor for each county (县级督导): county pushes, weekly status and warning letters have a reader.
  tree.counties.forEach((c, i) => officerRows.push([`${c.name}综治督导`, countySupervisorPhone(i), hash, OfficerRole.SUPERVISOR, unitId.get(c.code)]));
  for (const tw of tree.townships) {
    officerRows.push([`${tw.name}综治中心${text.personName(r)}`, nextPhone(), hash, OfficerRole.OFFICER, unitId.get(tw.code)]);
  }
  for (const v of tree.villages) {
    officerRows.push([`${v.name}网格员${text.personName(r)}`, nextPhone(), hash, OfficerRole.GRID_WORKER, unitId.get(v.code)]);
  }
  await em.transactional(async (tx) => {
    await copyInto(
      tx,
      'officers',
      [
        { name: 'name', type: 'text' },
        { name: 'phone', type: 'text' },
        { name: 'password_hash', type: 'text' },
        { name: 'role', type: 'text' },
        { name: 'unit_id', type: 'int' },
      ],
      officerRows,
    );
    // 驻村民警负责制: each village's grid worker is its responsible officer (the first one if several).
    await tx.execute(
      `update units u set responsible_officer_id = o.id
       from (select distinct on (unit_id) id, unit_id from officers where role = 'GRID_WORKER' order by unit_id, id) o
       where o.unit_id = u.id`,
    );
  });
  const officers = await em.execute<{ id: number; unit_id: number; role: string; phone: string }[]>(
    'select id, unit_id, role, phone from officers order by id',
  );
  // Who works a unit's cases: its township officer or grid worker, the demo accounts first (so they have cases to work).
  const officerAt = new Map<number, number>();
  const demoPhones = new Set(DEMO_ACCOUNTS.map((a) => a.phone));
  for (const o of officers) {
    if (o.role !== 'OFFICER' && o.role !== 'GRID_WORKER') continue;
    if (!officerAt.has(o.unit_id) || demoPhones.has(o.phone)) officerAt.set(o.unit_id, o.id);
  }
  const supervisorId = officers.find((o) => o.role === 'SUPERVISOR')!.id;
  say(`officers: ${officers.length} ${elapsed()}`);

  // Residents.
  const residentCount = opts.scale === 'demo' ? SIZES.demo.residents : SIZES.full.residents;
  const residentRows: unknown[][] = [];
  for (let i = 0; i < residentCount; i++) {
    const channel = r.next() < 0.8 ? Channel.WECHAT : Channel.WEB_CHAT;
    residentRows.push([
      channel,
      `${channel === Channel.WECHAT ? 'wxid_demo' : 'web-demo-'}${pad(i + 1, 7)}`,
      text.personName(r),
      r.next() < 0.6 ? `13${pad(r.int(1e9), 9)}` : null,
    ]);
  }
  await copyInto(
    em,
    'residents',
    [
      { name: 'channel', type: 'text' },
      { name: 'external_id', type: 'text' },
      { name: 'display_name', type: 'text' },
      { name: 'phone', type: 'text' },
    ],
    residentRows,
  );
  const residentIds = (await em.execute<{ id: number }[]>('select id from residents order by id')).map((x) => x.id);
  say(`residents: ${residentIds.length} ${elapsed()}`);

  // Cases, in chronological order so numbers follow report time.
  const yearMs = 365 * 86_400_000;
  const times = Array.from({ length: opts.cases }, () => opts.now.getTime() - Math.floor(r.next() ** 1.3 * yearMs)).sort((a, b) => a - b);
  const enterprises = tree.orgs.filter((o) => text.ENTERPRISE_KINDS[o.kind] !== undefined);
  const institutions = tree.orgs.filter((o) => text.ENTERPRISE_KINDS[o.kind] === undefined);
  // The demo accounts' village (磁窑村 of 天宁镇): its latest cases wait in each state, so the
  // township officer and the grid worker open the workbench to work of their own.
  const demoVillage = tree.villages.find((v) => v.code === DEMO_ACCOUNTS.find((a) => a.role === OfficerRole.GRID_WORKER)!.unit);
  const pickPlace = (): PlaceUnit => {
    const x = r.next();
    if (x < 0.6 || !tree.orgs.length) return r.pick(tree.villages);
    if (x < 0.85 && enterprises.length) return r.pick(enterprises);
    return institutions.length ? r.pick(institutions) : r.pick(tree.villages);
  };
  const counters = new Map<string, number>();
  let events = 0;
  const [{ start: firstCaseId }] = await em.execute<{ start: number }[]>(`select nextval('cases_id_seq')::int as start`);
  await em.execute(`select setval('cases_id_seq', ?)`, [firstCaseId + opts.cases]);
  const countyOf = (code: string) => `${code.slice(0, 6)}000000`;

  // Large loads: indexes (unique ones too) are built once at the end instead of maintained per row.
  const large = opts.cases >= 50_000;
  let deferred: DeferredIndex[] = [];
  if (large) {
    const conn = await acquireConnection(em);
    try {
      deferred = await dropIndexesForLoad(conn.client, ['cases', 'case_events']);
    } finally {
      await conn.release();
    }
  }
  if (deferred.length) say(`deferred ${deferred.length} indexes until the cases are in ${elapsed()}`);
  // Per-row foreign-key checks dominate a bulk load, and on two connections a trail row's case is
  // not yet visible to the other's check. The rows reference only ids read back above, so a
  // superuser loads without those triggers (the constraints stay).
  const [{ superuser }] = await em.execute<{ superuser: boolean }[]>('select rolsuper as superuser from pg_roles where rolname = current_user');
  const sink = large && superuser && !em.getTransactionContext() ? await twoStreamSink(em) : await oneConnectionSink(em);

  // Blocks small enough that the server is never idle while the next one is generated; a few
  // blocks may wait for their trail hashes and the server, in order.
  const BLOCK = 1000;
  const trail = new TrailHasher(large);
  let caseLines = '';
  let blockEvents: TrailEvent[] = [];
  let written: Promise<void> = Promise.resolve();
  const pending: Promise<void>[] = [];
  try {
    for (let i = 0; i < opts.cases; i++) {
      const id = firstCaseId + i;
      const reportedAt = new Date(times[i]);
      const day = localDate(reportedAt);
      const seq = (counters.get(day) ?? 0) + 1;
      counters.set(day, seq);
      const number = `SL${day.replace(/-/g, '')}${pad(seq, 4)}`;
      // Demo: every 5th case walks through every kind, priority and status, spread over the year.
      const cycle = i / 5;
      const demoCycle = opts.scale === 'demo' && i % 5 === 0 && cycle < 64;
      const kind = demoCycle ? text.KINDS[cycle % 8] : (r.weighted(text.KIND_WEIGHTS) as CaseKind);
      const priority = demoCycle ? text.PRIORITIES[cycle % 3] : (r.weighted(text.PRIORITY_WEIGHTS) as CasePriority);
      const fromEnd = opts.cases - 1 - i;
      const ownWork = opts.scale === 'demo' && demoVillage !== undefined && fromEnd < OWN_WORK.length;
      const place = ownWork ? demoVillage : pickPlace();
      const ageDays = (opts.now.getTime() - reportedAt.getTime()) / 86_400_000;
      const drawn = ownWork ? OWN_WORK[fromEnd] : demoCycle ? text.STATUSES[Math.floor(cycle / 8)] : (r.weighted(text.statusWeights(ageDays)) as CaseStatus);
      const status = priority === CasePriority.EMERGENCY ? emergencyStatus(drawn, ageDays) : drawn;
      const { acceptDueAt, dueAt } = deadlines(calendar, defaultPolicy(kind, priority), reportedAt);
      const channel = r.weighted(text.CHANNEL_WEIGHTS) as Channel;
      const byResident = channel === Channel.WECHAT || channel === Channel.WEB_CHAT;
      const reporterId = byResident && r.next() > 0.1 ? r.pick(residentIds) : null;
      const townshipOfficer = officerAt.get(unitId.get(place.township)!)!;
      const reportedById = byResident ? null : townshipOfficer;
      const { title, description } = text.caseText(kind, place.name, r);

      let handling = place.township;
      let escalation = Escalation.NONE;
      let escalatedAt: Date | null = null;
      if ((kind === CaseKind.PETITION || kind === CaseKind.DISPUTE) && status !== CaseStatus.REPORTED && r.next() < 0.1) {
        escalation = r.next() < 0.6 ? Escalation.REQUIRES_HIGHER_AUTHORITY : Escalation.BEYOND_UNIT;
        handling = countyOf(place.code.replace(/^(QY|DW)/, ''));
      }
      // Timeline, never past now.
      const clamp = (t: number) => new Date(Math.min(t, opts.now.getTime() - 60_000));
      const span = (from: Date, to: Date, f: number) => clamp(from.getTime() + Math.max(60_000, (to.getTime() - from.getTime()) * f));
      const acceptedAt = span(reportedAt, acceptDueAt, 0.1 + r.next() * (r.next() < 0.9 ? 0.8 : 1.5));
      const assignedAt = span(acceptedAt, dueAt, r.next() * 0.1);
      const startedAt = span(assignedAt, dueAt, r.next() * 0.1);
      const resolvedAt = span(startedAt, dueAt, 0.2 + r.next() * (r.next() < 0.85 ? 0.75 : 1.6));
      const closedAt = clamp(resolvedAt.getTime() + (1 + r.int(72)) * 3600_000);
      if (escalation !== Escalation.NONE) escalatedAt = acceptedAt;

      const steps: [CaseEventType, CaseStatus | null, CaseStatus | null, Date, number | null, string | null][] = [
        [CaseEventType.REPORT, null, CaseStatus.REPORTED, reportedAt, reportedById, null],
      ];
      const reached = (s: CaseStatus) => text.STATUS_ORDER.indexOf(status) >= text.STATUS_ORDER.indexOf(s);
      let assigneeId: number | null = null;
      if (status === CaseStatus.REJECTED) {
        steps.push([CaseEventType.REJECT, CaseStatus.REPORTED, CaseStatus.REJECTED, acceptedAt, townshipOfficer, '不属于受理范围，已告知反映人依法途径']);
      } else if (status === CaseStatus.MERGED) {
        steps.push([CaseEventType.MERGED_INTO, CaseStatus.REPORTED, CaseStatus.MERGED, acceptedAt, townshipOfficer, '与同一事项的在办案件重复，已合并']);
      } else {
        if (reached(CaseStatus.ACCEPTED)) steps.push([CaseEventType.ACCEPT, CaseStatus.REPORTED, CaseStatus.ACCEPTED, acceptedAt, townshipOfficer, null]);
        if (escalation !== Escalation.NONE)
          steps.push([
            CaseEventType.ESCALATE,
            CaseStatus.ACCEPTED,
            CaseStatus.ACCEPTED,
            acceptedAt,
            townshipOfficer,
            escalation === Escalation.BEYOND_UNIT ? '反映人越级上访' : '需上级部门协调',
          ]);
        if (reached(CaseStatus.ASSIGNED)) {
          const villageCode = escalation === Escalation.NONE ? place.village : undefined;
          if (villageCode) handling = villageCode;
          assigneeId = officerAt.get(unitId.get(handling)!) ?? townshipOfficer;
          steps.push([CaseEventType.ASSIGN, CaseStatus.ACCEPTED, CaseStatus.ASSIGNED, assignedAt, townshipOfficer, null]);
        }
        if (reached(CaseStatus.IN_PROGRESS)) steps.push([CaseEventType.START, CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS, startedAt, assigneeId, null]);
        if (reached(CaseStatus.RESOLVED))
          steps.push([CaseEventType.RESOLVE, CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED, resolvedAt, assigneeId, '已现场处置并向反映人说明情况']);
        if (reached(CaseStatus.CLOSED)) {
          steps.push([CaseEventType.RETURN_VISIT, CaseStatus.RESOLVED, CaseStatus.RESOLVED, closedAt, townshipOfficer, null]);
          steps.push([CaseEventType.CLOSE, CaseStatus.RESOLVED, CaseStatus.CLOSED, closedAt, reporterId ? townshipOfficer : supervisorId, null]);
        }
      }
      const visit = status === CaseStatus.CLOSED ? (r.next() < 0.72 ? ReturnVisitResult.SATISFIED : ReturnVisitResult.BASICALLY_SATISFIED) : null;
      // The ladder as the deadline sweep would have raised it by now, and when the sweep looks next.
      const ladderCase = { status, priority, reportedAt, acceptDueAt, dueAt };
      const supervision = levelDue(ladderCase, opts.now, calendar);
      const resolvedKept = reached(CaseStatus.RESOLVED) && text.STATUS_ORDER.includes(status) ? resolvedAt : null;
      const nextCheckAt = nextCheck(
        { ...ladderCase, supervisionLevel: supervision, resolvedAt: resolvedKept, hasReporter: reporterId !== null },
        calendar,
        opts.now,
      );

      steps.forEach(([type, from, to, at, actor, note], k) => {
        const data = type === CaseEventType.RETURN_VISIT ? { result: visit } : type === CaseEventType.ESCALATE ? { escalation } : null;
        const actorResident = type === CaseEventType.REPORT ? reporterId : null;
        blockEvents.push([id, k + 1, type, actor, actorResident, from, to, note, data, at]);
      });
      events += steps.length;
      const last = steps[steps.length - 1][3];
      caseLines += copyLine([
        id,
        number,
        kind,
        priority,
        title,
        description,
        unitId.get(place.code),
        unitPath.get(place.code),
        unitId.get(handling),
        unitPath.get(handling),
        assigneeId,
        reporterId,
        reportedById,
        channel,
        status,
        reportedAt,
        acceptDueAt,
        dueAt,
        reached(CaseStatus.ACCEPTED) && !UNCOUNTED_STATUSES.includes(status) ? acceptedAt : null,
        resolvedKept,
        status === CaseStatus.CLOSED ? closedAt : null,
        supervision,
        nextCheckAt,
        escalation,
        escalatedAt,
        visit,
        reportedAt,
        last,
        steps.length,
        // Stock (存量): open at the city's baseline.
        !UNCOUNTED_STATUSES.includes(status) && reportedAt.getTime() < baselineStarts && (resolvedKept === null || resolvedKept.getTime() >= baselineStarts),
      ]);
      if ((i + 1) % BLOCK === 0 || i + 1 === opts.cases) {
        const [cases, eventLines] = [caseLines, trail.lines(blockEvents)];
        eventLines.catch(() => undefined); // awaited in turn below; a failure surfaces there
        written = written.then(async () => sink.write(cases, await eventLines));
        written.catch(() => undefined);
        pending.push(written);
        caseLines = '';
        blockEvents = [];
        if (pending.length > 3) await pending.shift();
        if (opts.cases >= 20_000 && ((i + 1) % 100_000 === 0 || i + 1 === opts.cases))
          say(`cases: ${i + 1}/${opts.cases}, trail events: ${events} ${elapsed()}`);
      }
    }
    await written;
    await sink.finish();
  } catch (err) {
    await Promise.allSettled(pending);
    await sink.abort(err as Error);
    throw err;
  } finally {
    await trail.close();
  }
  if (deferred.length) {
    // On two connections at once.
    const conns = [await acquireConnection(em), await acquireConnection(em)];
    try {
      await rebuildIndexes(
        conns.map((c) => c.client),
        deferred,
        (name, ms) => say(`  index ${name}: ${(ms / 1000).toFixed(1)}s`),
      );
    } finally {
      for (const c of conns) await c.release();
    }
    say(`rebuilt ${deferred.length} indexes ${elapsed()}`);
  }
  await copyInto(
    em,
    'case_number_counters',
    [
      { name: 'day', type: 'date' },
      { name: 'last', type: 'int' },
    ],
    [...counters],
  );
  // A large load ran without the statistics trigger: the command centre's figures are counted once, now.
  if (large) {
    await em.execute('select rebuild_case_stats()');
    say(`command-centre statistics ${elapsed()}`);
  }
  await em.execute('analyze');
  say(`cases: ${opts.cases}, trail events: ${events} ${elapsed()}`);
  return {
    units: idRows.length,
    officers: officers.length,
    residents: residentIds.length,
    cases: opts.cases,
    events,
    passwords: opts.randomPasswords ? passwords : undefined,
  };
}

const CASE_COLUMNS = [
  ['id', 'int'],
  ['number', 'text'],
  ['kind', 'text'],
  ['priority', 'text'],
  ['title', 'text'],
  ['description', 'text'],
  ['unit_id', 'int'],
  ['unit_path', 'text'],
  ['handling_unit_id', 'int'],
  ['handling_path', 'text'],
  ['assignee_id', 'int'],
  ['reporter_id', 'int'],
  ['reported_by_id', 'int'],
  ['channel', 'text'],
  ['status', 'text'],
  ['reported_at', 'timestamptz'],
  ['accept_due_at', 'timestamptz'],
  ['due_at', 'timestamptz'],
  ['accepted_at', 'timestamptz'],
  ['resolved_at', 'timestamptz'],
  ['closed_at', 'timestamptz'],
  ['supervision_level', 'text'],
  ['next_check_at', 'timestamptz'],
  ['escalation', 'text'],
  ['escalated_at', 'timestamptz'],
  ['return_visit', 'text'],
  ['created_at', 'timestamptz'],
  ['updated_at', 'timestamptz'],
  ['version', 'int'],
  ['stock', 'bool'],
].map(([name, type]) => ({ name, type }));

const EVENT_COLUMNS = [
  ['case_id', 'int'],
  ['seq', 'int'],
  ['type', 'text'],
  ['actor_officer_id', 'int'],
  ['actor_resident_id', 'int'],
  ['from_status', 'text'],
  ['to_status', 'text'],
  ['note', 'text'],
  ['data', 'jsonb'],
  ['created_at', 'timestamptz'],
  ['prev_hash', 'text'],
  ['hash', 'text'],
].map(([name, type]) => ({ name, type }));

/** Copies rows into a table on the entity manager's connection (its transaction's, if any). */
async function copyInto(em: EntityManager, table: string, columns: BulkColumn[], rows: unknown[][]): Promise<void> {
  const conn = await acquireConnection(em);
  try {
    await copyRows(conn.client, table, columns, rows);
  } finally {
    await conn.release();
  }
}

/** Where the generated case and trail rows go. */
interface CaseSink {
  /** Takes a block of case rows and the trail rows of those cases, as COPY text lines. */
  write(cases: string, events: string): Promise<void>;
  finish(): Promise<void>;
  abort(err: Error): Promise<void>;
}

/**
 * Two connections with one COPY each, committed together at the end: the server takes cases and
 * trail rows at once while this process generates the next block. Foreign-key triggers are off on
 * both (a trail row's case is in the other, uncommitted transaction).
 */
async function twoStreamSink(em: EntityManager): Promise<CaseSink> {
  const conns = [await acquireConnection(em), await acquireConnection(em)];
  const copies: CopyIn[] = [];
  const close = async (end: 'commit' | 'rollback') => {
    const results = await Promise.allSettled(conns.map((c) => c.client.query(end).finally(() => c.release())));
    const failed = results.find((x) => x.status === 'rejected');
    if (failed) throw failed.reason;
  };
  try {
    for (const [i, c] of conns.entries()) {
      await c.client.query('begin');
      await c.client.query('set local session_replication_role = replica');
      copies.push(i === 0 ? new CopyIn(c.client, 'cases', CASE_COLUMNS) : new CopyIn(c.client, 'case_events', EVENT_COLUMNS));
    }
  } catch (err) {
    await Promise.all(copies.map((c) => c.abort(err as Error)));
    await close('rollback').catch(() => undefined);
    throw err;
  }
  return {
    write: async (cases, events) => void (await Promise.all([copies[0].write(cases), copies[1].write(events)])),
    finish: async () => {
      await Promise.all(copies.map((c) => c.end()));
      await close('commit');
    },
    abort: async (err) => {
      await Promise.all(copies.map((c) => c.abort(err)));
      await close('rollback').catch(() => undefined);
    },
  };
}

/** One connection, a COPY per table and block, in one transaction (the caller's, if it has one). */
async function oneConnectionSink(em: EntityManager): Promise<CaseSink> {
  const own = !em.getTransactionContext();
  const conn = await acquireConnection(em);
  try {
    if (own) await conn.client.query('begin');
  } catch (err) {
    await conn.release();
    throw err;
  }
  return {
    write: async (cases, events) => {
      await copyLines(conn.client, 'cases', CASE_COLUMNS, cases);
      await copyLines(conn.client, 'case_events', EVENT_COLUMNS, events);
    },
    finish: async () => {
      if (own) await conn.client.query('commit').finally(() => conn.release());
      else await conn.release();
    },
    abort: async () => {
      if (own) await conn.client.query('rollback').catch(() => undefined);
      await conn.release();
    },
  };
}
