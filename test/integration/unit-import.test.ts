import { Case, Unit } from '../../src/entities';
import { DomainError } from '../../src/domain/errors';
import { importUnits, parseUnitCsv } from '../../src/domain/registry/unit-import';
import { createTestDb, type TestDb } from '../support/db';
import { insertCase, UNITS_CSV } from '../support/fixture';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db?.drop();
});

const em = () => db.orm.em.fork();
const csv = (body: string) => Buffer.from(`code,name,kind,parent_code\n${body}`);
const importText = (text: string | Buffer, opts: { allowRoots?: boolean } = {}) =>
  importUnits(em(), parseUnitCsv(typeof text === 'string' ? Buffer.from(text) : text), opts);
const count = () => em().count(Unit, {});

async function rejection(fn: () => Promise<unknown>): Promise<DomainError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('BAD_USER_INPUT');
    return err as DomainError;
  }
  throw new Error('expected a rejection');
}

it('imports a tree with parents after children and builds materialized paths', async () => {
  const result = await importText(csv('V,村,VILLAGE,T\nT,镇,TOWNSHIP,R\nR,市,CITY,\nE,企业,MINE_FACTORY,V\n'));
  expect(result).toEqual({ created: 4, updated: 0 });
  const units = Object.fromEntries((await em().find(Unit, {})).map((u) => [u.code, u]));
  expect(units.E.path).toBe(`/${units.R.id}/${units.T.id}/${units.V.id}/${units.E.id}/`);
  expect(units.E.depth).toBe(3);
  expect(units.E.category).toBe('ENTERPRISE');
  expect(units.V.category).toBe('VILLAGE_COMMUNITY');
  expect(units.T.category).toBe('REGION');
});

it.each([
  ['a missing parent', csv('X1,某村,VILLAGE,NOPE\n'), /line 2: parent_code NOPE is neither in the file nor in the registry/],
  ['a duplicate code', csv('X1,甲,VILLAGE,T\nX1,乙,VILLAGE,T\n'), /line 3: duplicate code X1 \(first on line 2\)/],
  ['an unknown kind', csv('X1,甲,HAMLET,T\n'), /line 2: kind "HAMLET" is not one of/],
  ['a cycle in the file', csv('X1,甲,VILLAGE,X2\nX2,乙,VILLAGE,X1\n'), /line 2: X1 is its own ancestor/],
  ['a cycle through the registry', csv('R,市,CITY,E\n'), /line 2: R is its own ancestor/],
  ['a row with too few fields', csv('X1,甲,VILLAGE,T\nX2,乙\n'), /line 3: expected 4 fields/],
  ['an unbalanced quote', csv('X1,"甲,VILLAGE,T\n'), /line \d+: malformed CSV/],
  ['an empty name and a bad code', csv('bad code!,,VILLAGE,T\n'), /line 2: code "bad code!" must be .*; name is empty/],
  ['a NUL in a name', csv('X1,甲\u0000村,VILLAGE,T\n'), /line 2: name contains a control character/],
  ['a second root', csv('R2,另一市,CITY,\n'), /line 2: R2 would be a second root .*--allow-roots/],
  ['a village under a village', csv('X1,甲村,VILLAGE,V\n'), /line 2: a VILLAGE cannot be under V, a VILLAGE/],
  ['a township with villages under it re-typed as a village', csv('T,镇,VILLAGE,R\n'), /line 2: T cannot become a VILLAGE: V, a VILLAGE, is under it/],
  ['a county under a township', csv('X1,某县,COUNTY,T\n'), /line 2: a COUNTY cannot be under T, a TOWNSHIP/],
  ['a wrong header', Buffer.from('id,name,type,parent\n1,a,CITY,\n'), /line 1: the header must be exactly code,name,kind,parent_code/],
  [
    'a GBK (non-UTF-8) file',
    Buffer.concat([Buffer.from('code,name,kind,parent_code\nX1,'), Buffer.from([0xb4, 0xc5, 0xd2, 0xa4]), Buffer.from(',VILLAGE,T\n')]),
    /line 2: the file is not UTF-8/,
  ],
  ['an empty file', Buffer.from(''), /line 1: the file is empty/],
])('rejects %s, naming the line, and imports nothing', async (_what, file, message) => {
  const before = await count();
  // A valid row first: all-or-nothing means it must not land either.
  const withValidRow = file.toString('utf8').startsWith('code,') ? Buffer.concat([file, Buffer.from('OK1,好村,VILLAGE,T\n')]) : file;
  const err = await rejection(() => importText(withValidRow));
  expect(err.message).toMatch(message);
  expect(await count()).toBe(before);
  expect(await em().count(Unit, { code: 'OK1' })).toBe(0);
});

it('reports every bad line at once', async () => {
  const err = await rejection(() => importText(csv('A1,甲,NOPE,T\nA2,,VILLAGE,T\nA3,丙,VILLAGE,MISSING\n')));
  expect(err.message).toMatch(/line 2:.*\nline 3:/s);
});

it('takes a second root only when allowed, and a kind change that keeps the tiers', async () => {
  expect(await importText(csv('R2,另一市,CITY,\n'), { allowRoots: true })).toEqual({ created: 1, updated: 0 });
  // A village re-typed as a community keeps its tier: its enterprise may stay under it.
  expect(await importText(csv('V,村改社区,COMMUNITY,T\n'))).toEqual({ created: 0, updated: 1 });
  expect((await em().findOneOrFail(Unit, { code: 'V' })).kind).toBe('COMMUNITY');
});

it('re-import updates by code, moves subtrees and the cases under them', async () => {
  await importText(UNITS_CSV, { allowRoots: true });
  const before = await em().findOneOrFail(Unit, { code: 'A1a' });
  const c = await insertCase(em(), before, before);
  const moved = await importText(csv('A1,甲一镇（更名）,TOWNSHIP,B\n'));
  expect(moved).toEqual({ created: 0, updated: 1 });
  const units = Object.fromEntries((await em().find(Unit, {})).map((u) => [u.code, u]));
  expect(units.A1.name).toBe('甲一镇（更名）');
  expect(units.A1.parent!.id).toBe(units.B.id);
  expect(units.A1a.path).toBe(`${units.B.path}${units.A1.id}/${units.A1a.id}/`);
  const reloaded = await em().findOneOrFail(Case, { id: c.id });
  expect(reloaded.unitPath).toBe(units.A1a.path);
  expect(reloaded.handlingPath).toBe(units.A1a.path);
});

it('an import failing in the database rolls back the rows already written', async () => {
  const before = await count();
  // A name of 201 characters passes the CSV checks only if lengths are miscounted; force a DB error instead:
  const rows = parseUnitCsv(csv('OK2,好村,VILLAGE,T\n'));
  rows.push({ line: 3, code: 'OK3', name: '坏', kind: 'NOT_A_KIND' as never, parentCode: 'T' });
  await expect(importUnits(em(), rows)).rejects.toThrow();
  expect(await count()).toBe(before);
  expect(await em().count(Unit, { code: 'OK2' })).toBe(0);
});

it('stores names without bidirectional overrides (an RLO would make a name read backwards)', async () => {
  await importText(csv('BIDI,\u202e村庄\u202c名,CITY,\n'), { allowRoots: true });
  expect((await em().findOneOrFail(Unit, { code: 'BIDI' })).name).toBe('村庄名');
});
