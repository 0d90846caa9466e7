import type { EntityManager } from '@mikro-orm/postgresql';
import { parse } from 'csv-parse/sync';
import { categoryOf, UnitKind } from '../../entities';
import { badInput } from '../errors';
import { stripBidi, textProblem } from '../text';

/** One row of a unit registry CSV, with the file line it came from. */
export interface UnitRow {
  line: number;
  code: string;
  name: string;
  kind: UnitKind;
  parentCode: string | null;
}

export interface ImportResult {
  created: number;
  updated: number;
}

export interface ImportOptions {
  /** Allow more than one root in the registry (a deployment holding several cities). */
  allowRoots?: boolean;
}

const HEADER = ['code', 'name', 'kind', 'parent_code'];

/**
 * Tiers of the hierarchy, top down: a unit sits strictly below its parent's tier. Regions nest
 * city → county → township → village or community; enterprises and institutions are leaves that
 * hang under any region.
 */
const TIER: Record<UnitKind, number> = Object.fromEntries(
  Object.values(UnitKind).map((k) => [
    k,
    k === UnitKind.CITY ? 0 : k === UnitKind.COUNTY ? 1 : k === UnitKind.TOWNSHIP ? 2 : k === UnitKind.VILLAGE || k === UnitKind.COMMUNITY ? 3 : 4,
  ]),
) as Record<UnitKind, number>;
const CODE = /^[0-9A-Za-z][0-9A-Za-z_-]{0,63}$/;
const KINDS = new Set<string>(Object.values(UnitKind));

/** Line (1-based) of the first byte sequence that is not UTF-8, if any. */
function firstNonUtf8Line(buf: Buffer): number | undefined {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let start = 0;
  for (let i = 0; i <= buf.length; i++) {
    if (i === buf.length || buf[i] === 0x0a) {
      try {
        decoder.decode(buf.subarray(start, i));
      } catch {
        return line;
      }
      line++;
      start = i + 1;
    }
  }
  return undefined;
}

/**
 * Parses and checks a registry CSV (`code,name,kind,parent_code`, UTF-8). Throws BAD_USER_INPUT
 * listing every problem with its line; parents may come before or after their children.
 */
export function parseUnitCsv(buf: Buffer): UnitRow[] {
  const badLine = firstNonUtf8Line(buf);
  if (badLine) throw badInput(`line ${badLine}: the file is not UTF-8 text; save it as UTF-8 (CSV UTF-8 in Excel) and retry`);
  let records: string[][];
  let info: { lines: number }[] = [];
  try {
    const parsed = parse(buf.toString('utf8'), { bom: true, skip_empty_lines: true, info: true, trim: true, relax_column_count: true }) as unknown as {
      record: string[];
      info: { lines: number };
    }[];
    records = parsed.map((p) => p.record);
    info = parsed.map((p) => p.info);
  } catch (err) {
    const e = err as { lines?: number; message: string };
    throw badInput(`line ${e.lines ?? '?'}: malformed CSV (${e.message})`);
  }
  if (!records.length) throw badInput('line 1: the file is empty; expected the header code,name,kind,parent_code');
  const header = records[0].map((h) => h.toLowerCase());
  if (header.join(',') !== HEADER.join(',')) {
    throw badInput(`line 1: the header must be exactly code,name,kind,parent_code (found ${records[0].join(',')})`);
  }
  const problems: string[] = [];
  const rows: UnitRow[] = [];
  for (let i = 1; i < records.length; i++) {
    const rec = records[i];
    const line = info[i].lines;
    if (rec.length !== 4) {
      problems.push(`line ${line}: expected 4 fields (code,name,kind,parent_code), found ${rec.length}`);
      continue;
    }
    const [code, rawName, kind, parent] = rec;
    const name = stripBidi(rawName);
    const rowProblems: string[] = [];
    if (!CODE.test(code)) rowProblems.push(`code "${code}" must be 1-64 letters, digits, - or _`);
    if (!name) rowProblems.push('name is empty');
    else if (textProblem(name)) rowProblems.push(`name ${textProblem(name)}`);
    else if (name.length > 200) rowProblems.push('name is longer than 200 characters');
    if (!KINDS.has(kind)) rowProblems.push(`kind "${kind}" is not one of ${[...KINDS].join(', ')}`);
    if (parent && parent === code) rowProblems.push('a unit cannot be its own parent');
    if (rowProblems.length) problems.push(`line ${line}: ${rowProblems.join('; ')}`);
    else rows.push({ line, code, name, kind: kind as UnitKind, parentCode: parent || null });
  }
  const seen = new Map<string, number>();
  for (const r of rows) {
    const prev = seen.get(r.code);
    if (prev) problems.push(`line ${r.line}: duplicate code ${r.code} (first on line ${prev})`);
    else seen.set(r.code, r.line);
  }
  if (problems.length) throw badInput(problems.join('\n'), { problems });
  return rows;
}

/**
 * Applies rows to the registry in one transaction: new codes are inserted, known codes updated,
 * parents resolved against the file and the database, cycles refused, materialized paths rebuilt.
 */
export async function importUnits(em: EntityManager, rows: UnitRow[], opts: ImportOptions = {}): Promise<ImportResult> {
  if (!rows.length) throw badInput('the file has no units below the header');
  return em.transactional(async (tx) => {
    const conn = tx;
    // Serialize imports: two at once could each miss the other's cycle.
    await conn.execute('select pg_advisory_xact_lock(hashtext(?))', ['sanling:import-units']);
    const existing = await conn.execute<{ code: string; kind: UnitKind; parent_code: string | null }[]>(
      'select u.code, u.kind, p.code as parent_code from units u left join units p on p.id = u.parent_id',
    );
    const parentOf = new Map<string, string | null>(existing.map((e) => [e.code, e.parent_code]));
    const kindOf = new Map<string, UnitKind>(existing.map((e) => [e.code, e.kind]));
    const known = new Set(parentOf.keys());
    for (const r of rows) {
      parentOf.set(r.code, r.parentCode);
      kindOf.set(r.code, r.kind);
    }
    const problems: string[] = [];
    for (const r of rows) {
      if (r.parentCode && !parentOf.has(r.parentCode)) {
        problems.push(`line ${r.line}: parent_code ${r.parentCode} is neither in the file nor in the registry`);
      }
    }
    for (const r of rows) {
      // Walk up from each row; meeting the row again means a cycle.
      const visited = new Set<string>([r.code]);
      let cur = r.parentCode;
      while (cur) {
        if (visited.has(cur)) {
          problems.push(`line ${r.line}: ${r.code} is its own ancestor (cycle through ${[...visited].join(' → ')})`);
          break;
        }
        visited.add(cur);
        cur = parentOf.get(cur) ?? null;
      }
    }
    if (!problems.length) problems.push(...hierarchyProblems(rows, existing, parentOf, kindOf, opts));
    if (problems.length) throw badInput(problems.join('\n'), { problems });

    const created = rows.filter((r) => !known.has(r.code)).length;
    // Upsert names and kinds; paths are rebuilt below, parents set once every code has an id.
    await conn.execute(
      `insert into units (code, name, kind, category, path, depth)
       select code, name, kind, category, '', 0
       from unnest(?::text[], ?::text[], ?::text[], ?::text[]) as t(code, name, kind, category)
       on conflict (code) do update set name = excluded.name, kind = excluded.kind,
         category = excluded.category, updated_at = now()`,
      [
        toPgArray(rows.map((r) => r.code)),
        toPgArray(rows.map((r) => r.name)),
        toPgArray(rows.map((r) => r.kind)),
        toPgArray(rows.map((r) => categoryOf(r.kind))),
      ],
    );
    await conn.execute(
      `update units u set parent_id = p.id
       from unnest(?::text[], ?::text[]) as t(code, parent_code)
       left join units p on p.code = t.parent_code
       where u.code = t.code and u.parent_id is distinct from p.id`,
      [toPgArray(rows.map((r) => r.code)), toPgArray(rows.map((r) => r.parentCode))],
    );
    await rebuildPaths(tx);
    return { created, updated: rows.length - created };
  });
}

/**
 * The registry after the import must still be one tree of sensible tiers: a row below a parent of
 * a lower tier, a kind change that would leave children at or above the unit's new tier, and a
 * second root (unless allowed) are refused with the line that causes them.
 */
function hierarchyProblems(
  rows: UnitRow[],
  existing: { code: string; parent_code: string | null }[],
  parentOf: Map<string, string | null>,
  kindOf: Map<string, UnitKind>,
  opts: ImportOptions,
): string[] {
  const problems: string[] = [];
  const inFile = new Map(rows.map((r) => [r.code, r]));
  for (const r of rows) {
    const parentKind = r.parentCode ? kindOf.get(r.parentCode) : undefined;
    if (parentKind && TIER[r.kind] <= TIER[parentKind]) {
      problems.push(`line ${r.line}: a ${r.kind} cannot be under ${r.parentCode}, a ${parentKind}`);
    }
  }
  // Children kept from the registry under a unit whose kind this file changes.
  for (const e of existing) {
    const parent = e.parent_code && !inFile.has(e.code) ? inFile.get(e.parent_code) : undefined;
    if (parent && parentOf.get(e.code) === parent.code && TIER[kindOf.get(e.code)!] <= TIER[parent.kind]) {
      problems.push(`line ${parent.line}: ${parent.code} cannot become a ${parent.kind}: ${e.code}, a ${kindOf.get(e.code)}, is under it`);
    }
  }
  if (!opts.allowRoots) {
    const roots = [...parentOf].filter(([, p]) => p === null).map(([code]) => code);
    if (roots.length > 1) {
      const lines = roots
        .filter((c) => inFile.has(c))
        .map(
          (c) =>
            `line ${inFile.get(c)!.line}: ${c} would be a second root (the registry's roots would be ${roots.join(', ')}); give it a parent_code, or import with --allow-roots for a deployment of several cities`,
        );
      problems.push(...lines);
    }
  }
  return problems;
}

/** Recomputes every unit's path and depth from parent links, and the copies of paths on cases. */
export async function rebuildPaths(em: EntityManager): Promise<void> {
  const conn = em;
  const changed = await conn.execute<{ id: number }[]>(
    `with recursive t(id, path, depth) as (
       select id, '/' || id || '/', 0 from units where parent_id is null
       union all
       select u.id, t.path || u.id || '/', t.depth + 1 from units u join t on u.parent_id = t.id
     )
     update units u set path = t.path, depth = t.depth from t
     where u.id = t.id and (u.path <> t.path or u.depth <> t.depth)
     returning u.id`,
  );
  if (changed.length) {
    await conn.execute(`update cases c set unit_path = u.path from units u where u.id = c.unit_id and c.unit_path <> u.path`);
    await conn.execute(`update cases c set handling_path = u.path from units u where u.id = c.handling_unit_id and c.handling_path <> u.path`);
  }
}

/** A PostgreSQL array literal, so large lists travel as one parameter instead of thousands. */
export function toPgArray(values: (string | number | null)[]): string {
  const items = values.map((v) => {
    if (v === null) return 'NULL';
    return `"${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  });
  return `{${items.join(',')}}`;
}
