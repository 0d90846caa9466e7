import type { EntityManager } from '@mikro-orm/postgresql';
import { parse } from 'csv-parse/sync';
import { query } from '../../db/sql';
import { OfficerRole, UnitCategory } from '../../entities';
import { canReadUnit, inJurisdiction, requireRole } from '../access/access';
import { systemClock, type Actor } from '../access/actor';
import { localDate, monthDate, readMonth } from '../time/local-time';
import { badInput, forbidden, notFound } from '../errors';
import { selectRows } from '../read/load';
import { UNIT_ROW, type OfficerRow } from '../read/rows';
import { stripBidi, textProblem } from '../text';

/*
 * Creation standards (创建标准): the items of the provincial scheme, loaded as data, and the monthly
 * assessment of units (villages and communities, enterprises, institutions) against them, item by
 * item. A unit's score for a month is 100 × Σ(weight × score) / Σ(weight of every item of the
 * scheme): an item not assessed counts as 0, so the score only reaches 100 when every item does.
 */

/** The seven aspects of the scheme, in the scheme's order. */
export const ASPECTS = ['组织领导', '治安防范', '矛盾纠纷化解', '重点人群帮教', '安全隐患整治', '法治建设', '公共服务'] as const;
export type Aspect = (typeof ASPECTS)[number];

export interface StandardItem {
  id: number;
  aspect: Aspect;
  code: string;
  text: string;
  weight: number;
  position: number;
}

/** One line of a standards CSV, with the file line it came from. */
export interface StandardCsvRow {
  line: number;
  aspect: Aspect;
  code: string;
  text: string;
  /** As written (at most 2 decimals), so the database stores exactly that. */
  weight: string;
}

export interface StandardsImportResult {
  added: number;
  updated: number;
  unchanged: number;
  /** Items of the scheme the file does not name: left as they were. */
  notInFile: number;
}

export interface AssessedItem {
  item: StandardItem;
  score: number;
  note: string | null;
  assessedBy: OfficerRow;
  assessedAt: Date;
}

export interface UnitAssessment {
  unitId: number;
  /** YYYY-MM. */
  month: string;
  /** 0–100; null when nothing was assessed that month. */
  score: number | null;
  /** How many items the scheme has (the assessed ones are in `items`). */
  itemCount: number;
  /** The items assessed, in the scheme's order. */
  items: AssessedItem[];
}

export interface AssessInput {
  unitId: number;
  /** YYYY-MM (Asia/Shanghai). */
  month: string;
  items: { code: string; score: number; note?: string | null }[];
}

const HEADER = 'aspect,code,text,weight';
const CODE = /^[A-Za-z0-9._-]{1,32}$/;
const WEIGHT = /^\d+(\.\d+)?$/;
/**
 * Most items a scheme may hold: the provincial one has 23. A bound lets the API price a list of them
 * (standardItems, an assessment's items) before it runs.
 */
export const MAX_STANDARD_ITEMS = 200;
const MAX_ITEMS_PER_ASSESSMENT = MAX_STANDARD_ITEMS;

/** Line (1-based) of the first byte sequence that is not UTF-8, if any. */
function firstNonUtf8Line(buf: Buffer): number | undefined {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let start = 0;
  for (let line = 1; start <= buf.length; line++) {
    const end = buf.indexOf(0x0a, start);
    const stop = end < 0 ? buf.length : end;
    try {
      decoder.decode(buf.subarray(start, stop));
    } catch {
      return line;
    }
    start = stop + 1;
  }
  return undefined;
}

/**
 * Parses and checks a standards CSV (UTF-8, optional BOM, header `aspect,code,text,weight`). Throws
 * BAD_USER_INPUT naming every bad line at once; nothing is returned unless every line is good.
 */
export function parseStandardsCsv(buf: Buffer): StandardCsvRow[] {
  const badLine = firstNonUtf8Line(buf);
  if (badLine) throw badInput(`line ${badLine}: the file is not UTF-8 text; save it as UTF-8 (CSV UTF-8 in Excel) and retry`);
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    parsed = parse(buf.toString('utf8'), { bom: true, skip_empty_lines: true, info: true, trim: true, relax_column_count: true }) as unknown as typeof parsed;
  } catch (err) {
    const e = err as { lines?: number; message: string };
    throw badInput(`line ${e.lines ?? '?'}: malformed CSV (${e.message})`);
  }
  if (!parsed.length) throw badInput(`line 1: the file is empty; expected the header ${HEADER}`);
  if (parsed[0].record.join(',') !== HEADER) {
    throw badInput(`line ${parsed[0].info.lines}: the header must be exactly ${HEADER} (found ${parsed[0].record.join(',')})`);
  }
  const problems: string[] = [];
  const rows: StandardCsvRow[] = [];
  const firstLineOf = new Map<string, number>();
  for (const { record, info } of parsed.slice(1)) {
    const line = info.lines;
    if (record.length !== 4) {
      problems.push(`line ${line}: expected 4 fields (${HEADER}), found ${record.length}`);
      continue;
    }
    const [aspect, code, rawText, weight] = record;
    const text = stripBidi(rawText);
    const bad: string[] = [];
    if (!(ASPECTS as readonly string[]).includes(aspect)) bad.push(`aspect "${aspect}" is not one of ${ASPECTS.join('、')}`);
    if (!CODE.test(code)) bad.push(`code "${code}" must be 1-32 letters, digits, ".", "-" or "_"`);
    else if (firstLineOf.has(code)) bad.push(`duplicate code ${code} (first on line ${firstLineOf.get(code)})`);
    else firstLineOf.set(code, line);
    if (!text) bad.push('text is empty');
    else if (textProblem(text)) bad.push(`text ${textProblem(text)}`);
    else if ([...text].length > 500) bad.push('text is longer than 500 characters');
    const value = Number(weight);
    if (!WEIGHT.test(weight) || !(value > 0) || value > 1000 || (weight.split('.')[1]?.length ?? 0) > 2) {
      bad.push(`weight "${weight}" must be a positive number up to 1000 with at most 2 decimals`);
    }
    if (bad.length) problems.push(`line ${line}: ${bad.join('; ')}`);
    else rows.push({ line, aspect: aspect as Aspect, code, text, weight });
  }
  if (!problems.length && !rows.length) problems.push('line 2: the file has no items below the header');
  if (problems.length) throw badInput(problems.join('\n'), { problems });
  return rows;
}

/**
 * Loads checked rows in one transaction: known codes are updated, new ones added, the file's order
 * becomes `position`. Items of the scheme that the file does not name are left alone.
 */
export async function importStandards(em: EntityManager, rows: StandardCsvRow[]): Promise<StandardsImportResult> {
  if (!rows.length) throw badInput('the file has no items below the header');
  return em.transactional(async (tx) => {
    // Two imports at once would each count the other's items wrongly.
    await query(tx, 'select pg_advisory_xact_lock(hashtext(?))', ['sanling:import-standards']);
    const known = new Set((await query<{ code: string }>(tx, 'select code from standard_items')).map((r) => r.code));
    const total = new Set([...known, ...rows.map((r) => r.code)]).size;
    if (total > MAX_STANDARD_ITEMS) {
      throw badInput(`the scheme would hold ${total} items, more than ${MAX_STANDARD_ITEMS}; a scheme has a few dozen (the provincial one 23)`);
    }
    const changed = await query<{ code: string }>(
      tx,
      `insert into standard_items as s (aspect, code, text, weight, position)
       select * from unnest(?::text[], ?::text[], ?::text[], ?::numeric[], ?::int[])
       on conflict (code) do update set aspect = excluded.aspect, text = excluded.text, weight = excluded.weight, position = excluded.position
         where (s.aspect, s.text, s.weight, s.position) is distinct from (excluded.aspect, excluded.text, excluded.weight, excluded.position)
       returning s.code`,
      [rows.map((r) => r.aspect), rows.map((r) => r.code), rows.map((r) => r.text), rows.map((r) => r.weight), rows.map((_, i) => i + 1)],
    );
    const added = changed.filter((r) => !known.has(r.code)).length;
    const inFile = new Set(rows.map((r) => r.code));
    return {
      added,
      updated: changed.length - added,
      unchanged: rows.length - changed.length,
      notInFile: [...known].filter((c) => !inFile.has(c)).length,
    };
  });
}

const ITEM_COLUMNS = `i.id, i.aspect, i.code, i.text, i.weight::float8 as weight, i.position`;

/** Every item of the scheme, in the scheme's order. */
export async function listStandardItems(em: EntityManager): Promise<StandardItem[]> {
  return query<StandardItem>(em, `select ${ITEM_COLUMNS} from standard_items i order by i.position, i.code`);
}

/** 'YYYY-MM' → the first day of that month as the assessments table keys it (YYYY-MM-01). */
export function monthKey(month: string, what = 'month'): string {
  const m = readMonth(month);
  if (!m || m !== month) throw badInput(`${what} "${month.slice(0, 20)}" must be a month written YYYY-MM, e.g. 2026-11`);
  if (m < '2000-01') throw badInput(`${what} ${month} is before 2000`);
  return monthDate(m);
}

/**
 * A unit's score for the month, as SQL over assessments `a` joined to standard_items `i`, grouped by
 * unit: the one definition both a single unit's record and the regions' averages use.
 */
const UNIT_SCORE_SQL = `100 * sum(i.weight * a.score) / (select sum(weight) from standard_items)`;

/**
 * Records a unit's assessment for a month, item by item (each item's score and note replace any
 * earlier ones): OFFICER and above, for a village or community, enterprise or institution in their
 * jurisdiction, for this month or an earlier one (Asia/Shanghai). Returns the unit's assessment.
 */
export async function assessUnit(em: EntityManager, actor: Actor, input: AssessInput, now: Date = systemClock.now()): Promise<UnitAssessment> {
  const officer = requireRole(actor, OfficerRole.OFFICER);
  const [unit] = await selectRows(em, UNIT_ROW, 'u', 'where u.id = ?', [input.unitId]);
  if (!unit || !canReadUnit(officer, unit)) throw notFound('Unit');
  if (!inJurisdiction(officer, unit.path)) throw forbidden('Only units in your jurisdiction may be assessed');
  if (unit.category === UnitCategory.REGION) {
    throw badInput(`${unit.name} is a ${unit.kind.toLowerCase()}: regions are not assessed; assess its villages and communities, enterprises and institutions`);
  }
  const month = monthKey(input.month);
  const current = localDate(now).slice(0, 7);
  if (input.month > current) throw badInput(`month ${input.month} is in the future (this month is ${current})`);

  if (!input.items.length) throw badInput('items: give at least one item to assess');
  if (input.items.length > MAX_ITEMS_PER_ASSESSMENT) throw badInput(`items: at most ${MAX_ITEMS_PER_ASSESSMENT} at once`);
  const problems: string[] = [];
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const [n, it] of input.items.entries()) {
    if (seen.has(it.code)) duplicates.add(it.code);
    seen.add(it.code);
    if (!Number.isFinite(it.score) || it.score < 0 || it.score > 1 || Math.round(it.score * 1000) / 1000 !== it.score) {
      problems.push(`items[${n}] (${it.code}): score ${it.score} must be between 0 and 1 with at most 3 decimals`);
    }
    const note = it.note ?? '';
    const noteProblem = textProblem(note, { multiline: true }) ?? ([...note].length > 500 ? 'is longer than 500 characters' : undefined);
    if (noteProblem) problems.push(`items[${n}] (${it.code}): note ${noteProblem}`);
  }
  if (duplicates.size) problems.push(`items: each code once; given more than once: ${[...duplicates].join(', ')}`);
  const items = await query<{ id: number; code: string }>(em, 'select id, code from standard_items where code = any(?)', [[...seen]]);
  const idOf = new Map(items.map((r) => [r.code, r.id]));
  const unknown = [...seen].filter((c) => !idOf.has(c));
  if (unknown.length) {
    const shown = unknown
      .slice(0, 20)
      .map((c) => c.slice(0, 40))
      .join(', ');
    problems.push(
      `items: no standard item has the code${unknown.length > 1 ? 's' : ''} ${shown}${unknown.length > 20 ? ` and ${unknown.length - 20} more` : ''}`,
    );
  }
  if (problems.length) throw badInput(problems.join('\n'), { problems });

  await em.transactional(async (tx) => {
    await query(
      tx,
      `insert into assessments (unit_id, month, item_id, score, note, assessed_by, assessed_at)
       select ?, ?::date, t.item_id, t.score, t.note, ?, ?
       from unnest(?::int[], ?::numeric[], ?::text[]) as t(item_id, score, note)
       on conflict (unit_id, month, item_id) do update set score = excluded.score, note = excluded.note,
         assessed_by = excluded.assessed_by, assessed_at = excluded.assessed_at`,
      [
        unit.id,
        month,
        officer.id,
        now,
        input.items.map((it) => idOf.get(it.code)!),
        input.items.map((it) => it.score),
        input.items.map((it) => (it.note?.trim() ? it.note.trim() : null)),
      ],
    );
  });
  return (await unitAssessments(em, [unit.id], input.month)).get(unit.id)!;
}

/** A unit's assessment for a month ('YYYY-MM'): the items assessed and the score (null when none). */
export async function unitAssessment(em: EntityManager, unitId: number, month: string): Promise<UnitAssessment> {
  return (await unitAssessments(em, [unitId], month)).get(unitId)!;
}

/** The assessments of several units for one month ('YYYY-MM'), in one statement. No access check: callers apply access.ts. */
export async function unitAssessments(em: EntityManager, unitIds: readonly number[], month: string): Promise<Map<number, UnitAssessment>> {
  const key = monthKey(month);
  const ids = [...new Set(unitIds)];
  const rows = await query<
    StandardItem & {
      unitId: number;
      unitScore: number;
      itemCount: number;
      score: number;
      note: string | null;
      assessedAt: number;
      officerId: number;
      officerName: string;
      officerPhone: string;
      officerRole: OfficerRole;
      officerUnitId: number;
      officerActive: boolean;
    }
  >(
    em,
    `with s as (
       select a.unit_id, (${UNIT_SCORE_SQL})::float8 as score
       from assessments a join standard_items i on i.id = a.item_id
       where a.unit_id = any(?) and a.month = ?::date group by a.unit_id)
     select a.unit_id as "unitId", s.score as "unitScore", (select count(*)::int from standard_items) as "itemCount",
       ${ITEM_COLUMNS}, a.score::float8 as score, a.note, (extract(epoch from a.assessed_at) * 1000)::float8 as "assessedAt",
       o.id as "officerId", o.name as "officerName", o.phone as "officerPhone", o.role as "officerRole", o.unit_id as "officerUnitId", o.active as "officerActive"
     from assessments a join s on s.unit_id = a.unit_id join standard_items i on i.id = a.item_id join officers o on o.id = a.assessed_by
     where a.month = ?::date
     order by a.unit_id, i.position, i.code`,
    [ids, key, key],
  );
  const out = new Map<number, UnitAssessment>();
  let itemCount: number | undefined;
  for (const r of rows) {
    itemCount = r.itemCount;
    let a = out.get(r.unitId);
    if (!a) out.set(r.unitId, (a = { unitId: r.unitId, month, score: r.unitScore, itemCount: r.itemCount, items: [] }));
    a.items.push({
      item: { id: r.id, aspect: r.aspect, code: r.code, text: r.text, weight: r.weight, position: r.position },
      score: r.score,
      note: r.note,
      assessedBy: {
        __typename: 'Officer',
        id: r.officerId,
        name: r.officerName,
        phone: r.officerPhone,
        role: r.officerRole,
        unitId: r.officerUnitId,
        active: r.officerActive,
      },
      assessedAt: new Date(r.assessedAt),
    });
  }
  if (ids.some((id) => !out.has(id))) {
    itemCount ??= (await query<{ n: number }>(em, 'select count(*)::int as n from standard_items'))[0].n;
    for (const id of ids) if (!out.has(id)) out.set(id, { unitId: id, month, score: null, itemCount, items: [] });
  }
  return out;
}

/**
 * The mean score, for the month (Asia/Shanghai) containing `month`, of the assessed units under each
 * region (the region itself excluded); null for a region with no unit assessed that month. One
 * statement for every region: the rankings ask for all counties or townships at once.
 */
export async function averageScores(em: EntityManager, regionIds: number[], month: Date): Promise<Map<number, number | null>> {
  const out = new Map<number, number | null>(regionIds.map((id) => [id, null]));
  if (!regionIds.length) return out;
  const rows = await query<{ regionId: number; average: number | null }>(
    em,
    `with s as (
       select a.unit_id, ${UNIT_SCORE_SQL} as score
       from assessments a join standard_items i on i.id = a.item_id
       where a.month = ?::date group by a.unit_id),
     r as (select id, path from units where id = any(?))
     select r.id as "regionId", avg(s.score)::float8 as average
     from r left join (s join units u on u.id = s.unit_id) on starts_with(u.path, r.path) and u.id <> r.id
     group by r.id`,
    [`${localDate(month).slice(0, 7)}-01`, regionIds],
  );
  for (const r of rows) out.set(r.regionId, r.average);
  return out;
}
