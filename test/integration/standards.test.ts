import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startOfLocalDay } from '../../src/domain/time/local-time';
import { DomainError } from '../../src/domain/errors';
import { averageScores, importStandards, listStandardItems, parseStandardsCsv } from '../../src/domain/registry/standards';
import { toGlobalId } from '../../src/graphql/relay';
import { keepToken, useWorldApp } from '../support/app';
import type { OfficerKey } from '../support/fixture';
import { ADMIN, ROOT, runScript } from '../support/server-process';

/*
 * Creation standards: the scheme loaded from CSV (all-or-nothing, updates by code), units assessed
 * over GraphQL within the officer's jurisdiction, scores and regional averages worked out by hand.
 */

// 1 December 2026, 01:00 in Beijing: still 30 November in UTC, so 2026-12 is this month, not a future one.
const NOW = new Date('2026-11-30T17:00:00Z');
const t = useWorldApp({ now: () => NOW });
const em = () => t.db.orm.em.fork();
const csv = (lines: string[]) => Buffer.from(`aspect,code,text,weight\n${lines.join('\n')}\n`);
const load = async (lines: string[]) => importStandards(em(), parseStandardsCsv(csv(lines)));

const V1 = [
  '组织领导,T-ORG,成立创建工作领导小组,10',
  '治安防范,T-SEC,网格员按要求开展巡查,20',
  '矛盾纠纷化解,T-MED,矛盾纠纷就地化解,30',
  '安全隐患整治,T-SAF,安全隐患按期整改销号,20',
];
// Reordered, T-ORG reweighted, T-LAW new, T-SEC as it was, T-SAF left out.
const V2 = [
  '矛盾纠纷化解,T-MED,矛盾纠纷就地化解,30',
  '治安防范,T-SEC,网格员按要求开展巡查,20',
  '组织领导,T-ORG,成立创建工作领导小组,15',
  '法治建设,T-LAW,开展普法宣传,5',
];

describe('importing the scheme', () => {
  it('imports nothing when any line is bad, then loads the file', async () => {
    await expect(load([...V1, '组织领导,T-BAD,x,0'])).rejects.toThrow('line 6: weight "0"');
    expect(await listStandardItems(em())).toEqual([]);
    // Rows that passed no parser: the database refuses the too-long code, and the good rows go with it.
    const rows = [...parseStandardsCsv(csv(V1)), { line: 6, aspect: '法治建设' as const, code: 'X'.repeat(40), text: '过长的编号', weight: '1' }];
    await expect(importStandards(em(), rows)).rejects.toThrow();
    expect(await listStandardItems(em())).toEqual([]);
    expect(await load(V1)).toEqual({ added: 4, updated: 0, unchanged: 0, notInFile: 0 });
    expect((await listStandardItems(em())).map((i) => [i.code, i.aspect, i.weight, i.position])).toEqual([
      ['T-ORG', '组织领导', 10, 1],
      ['T-SEC', '治安防范', 20, 2],
      ['T-MED', '矛盾纠纷化解', 30, 3],
      ['T-SAF', '安全隐患整治', 20, 4],
    ]);
  });

  it('updates by code on a re-import, keeps the file order, leaves items not in the file alone; a bad line changes nothing', async () => {
    const before = await listStandardItems(em());
    const refused = await load([...V2, '宣传教育,T-X,开展宣传,5']).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(DomainError);
    expect((refused as DomainError).message).toMatch(/^line 6: aspect "宣传教育" is not one of/);
    expect(await listStandardItems(em())).toEqual(before);

    expect(await load(V2)).toEqual({ added: 1, updated: 2, unchanged: 1, notInFile: 1 });
    const after = await listStandardItems(em());
    expect(after.map((i) => [i.code, i.weight, i.position])).toEqual([
      ['T-MED', 30, 1],
      ['T-SEC', 20, 2],
      ['T-ORG', 15, 3],
      ['T-LAW', 5, 4],
      ['T-SAF', 20, 4], // not in the file: kept, position and all
    ]);
    // Updated in place: the same rows (assessments point at them).
    expect(after.find((i) => i.code === 'T-ORG')!.id).toBe(before.find((i) => i.code === 'T-ORG')!.id);
  });
});

// The scheme from here on: T-MED 30, T-SEC 20, T-ORG 15, T-LAW 5, T-SAF 20 — 90 in all.
const ASSESS = `mutation($i: AssessUnitInput!) { assessUnit(input: $i) {
  unit { code } month score itemCount
  items { item { code aspect weight } score note assessedBy { name } assessedAt }
} }`;
const unitId = (code: string) => toGlobalId('Unit', t.world.units[code].id);
const assess = async (who: OfficerKey, unit: string, month: string, items: { code: string; score: number; note?: string }[]) =>
  t.app.gql(ASSESS, { i: { unitId: unitId(unit), month, items } }, await t.app.login(who));
const scoreOf = async (unit: string, month: string) => {
  const res = await t.app.gql(
    'query($c: String!, $m: String!) { unit(code: $c) { assessment(month: $m) { score } } }',
    { c: unit, m: month },
    await t.app.login('admin'),
  );
  expect(res.errors).toBeUndefined();
  return res.data.unit.assessment?.score ?? null;
};

describe('assessing units', () => {
  it('lists the items to any officer, and to nobody without a login', async () => {
    const res = await t.app.gql('{ standardItems { code aspect text weight position } }', {}, await t.app.login('gridA1a'));
    expect(res.data.standardItems.map((i: { code: string }) => i.code)).toEqual(['T-MED', 'T-SEC', 'T-ORG', 'T-LAW', 'T-SAF']);
    expect(res.data.standardItems[0]).toEqual({ code: 'T-MED', aspect: '矛盾纠纷化解', text: '矛盾纠纷就地化解', weight: 30, position: 1 });
    expect((await t.app.gql('{ standardItems { code } }')).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('scores a unit item by item: 100 × Σ(weight × score) / Σ(every weight), items not assessed counting 0', async () => {
    // 30 × 1 + 20 × 0.9 + 15 × 1 = 63 of 90 → 70.
    const first = await assess('offA1', 'A1a', '2026-11', [
      { code: 'T-SEC', score: 0.9 },
      { code: 'T-MED', score: 1, note: '本月纠纷全部就地化解' },
      { code: 'T-ORG', score: 1 },
    ]);
    expect(first.errors).toBeUndefined();
    expect(first.data.assessUnit).toEqual({
      unit: { code: 'A1a' },
      month: '2026-11',
      score: 70,
      itemCount: 5,
      items: [
        {
          item: { code: 'T-MED', aspect: '矛盾纠纷化解', weight: 30 },
          score: 1,
          note: '本月纠纷全部就地化解',
          assessedBy: { name: 'offA1' },
          assessedAt: NOW.toISOString(),
        },
        { item: { code: 'T-SEC', aspect: '治安防范', weight: 20 }, score: 0.9, note: null, assessedBy: { name: 'offA1' }, assessedAt: NOW.toISOString() },
        { item: { code: 'T-ORG', aspect: '组织领导', weight: 15 }, score: 1, note: null, assessedBy: { name: 'offA1' }, assessedAt: NOW.toISOString() },
      ],
    });
    // Re-assessing one item replaces its score and note only: 30 + 20 × 0.45 + 15 = 54 of 90 → 60.
    const again = await assess('supA', 'A1a', '2026-11', [{ code: 'T-SEC', score: 0.45, note: '夜间巡逻记录不全' }]);
    expect(again.data.assessUnit.score).toBe(60);
    expect(again.data.assessUnit.items.map((i: any) => [i.item.code, i.score, i.note, i.assessedBy.name])).toEqual([
      ['T-MED', 1, '本月纠纷全部就地化解', 'offA1'],
      ['T-SEC', 0.45, '夜间巡逻记录不全', 'supA'],
      ['T-ORG', 1, null, 'offA1'],
    ]);

    // A1b: 20 × 0.75 + 30 × 0.7 = 36 → 40. The enterprise under A1a: 30 × 0.6 = 18 → 20. B1a: everything → 100.
    expect(
      (
        await assess('offA1', 'A1b', '2026-11', [
          { code: 'T-SAF', score: 0.75 },
          { code: 'T-MED', score: 0.7 },
        ])
      ).data.assessUnit.score,
    ).toBe(40);
    expect((await assess('offA1', 'A1aE', '2026-11', [{ code: 'T-MED', score: 0.6 }])).data.assessUnit.score).toBe(20);
    const full = ['T-MED', 'T-SEC', 'T-ORG', 'T-LAW', 'T-SAF'].map((code) => ({ code, score: 1 }));
    expect((await assess('offB', 'B1a', '2026-11', full)).data.assessUnit.score).toBe(100);
    // Other months of A1a: October 30 × 0.6 = 18 → 20; December (this month in Beijing) 15 × 0.6 = 9 → 10.
    expect((await assess('offA1', 'A1a', '2026-10', [{ code: 'T-MED', score: 0.6 }])).data.assessUnit.score).toBe(20);
    expect((await assess('offA1', 'A1a', '2026-12', [{ code: 'T-ORG', score: 0.6 }])).data.assessUnit.score).toBe(10);

    expect(await scoreOf('A1a', '2026-11')).toBe(60);
    expect(await scoreOf('A1a', '2026-10')).toBe(20);
    expect(await scoreOf('A1a', '2026-09')).toBeNull();
  });

  it('refuses units outside the jurisdiction, grid workers, regions, future months and bad items — changing nothing', async () => {
    const expectCode = (res: { errors?: { message: string; extensions?: { code?: string } }[] }, code: string, message?: RegExp) => {
      expect(res.errors?.[0].extensions?.code).toBe(code);
      if (message) expect(res.errors?.[0].message).toMatch(message);
    };
    const one = [{ code: 'T-MED', score: 0 }];
    expectCode(await assess('offA1', 'B1a', '2026-11', one), 'NOT_FOUND', /Unit not found/);
    expectCode(await assess('offB', 'A1aE', '2026-11', one), 'NOT_FOUND');
    expectCode(await assess('gridA1a', 'A1a', '2026-11', one), 'FORBIDDEN', /OFFICER role/);
    // County A is above the township officer: visible, but not theirs to assess.
    expectCode(await assess('offA1', 'A', '2026-11', one), 'FORBIDDEN', /jurisdiction/);
    expectCode(await assess('offA1', 'A1', '2026-11', one), 'BAD_USER_INPUT', /regions are not assessed/);
    expectCode(await assess('offA1', 'A1a', '2027-01', one), 'BAD_USER_INPUT', /month 2027-01 is in the future \(this month is 2026-12\)/);
    expectCode(await assess('offA1', 'A1a', '1999-12', one), 'BAD_USER_INPUT', /before 2000/);
    expectCode(await assess('offA1', 'A1a', '2026/11', one), 'BAD_USER_INPUT', /must be a month written YYYY-MM/);
    expectCode(await assess('offA1', 'A1a', '2026-11', []), 'BAD_USER_INPUT', /at least one item/);
    expectCode(
      await assess('offA1', 'A1a', '2026-11', [
        { code: 'T-MED', score: 0 },
        { code: 'T-NOPE', score: 1 },
        { code: 'ORG-99', score: 1 },
      ]),
      'BAD_USER_INPUT',
      /no standard item has the codes T-NOPE, ORG-99/,
    );
    expectCode(
      await assess('offA1', 'A1a', '2026-11', [
        { code: 'T-MED', score: 0 },
        { code: 'T-MED', score: 1 },
      ]),
      'BAD_USER_INPUT',
      /given more than once: T-MED/,
    );
    expectCode(await assess('offA1', 'A1a', '2026-11', [{ code: 'T-MED', score: 1.5 }]), 'BAD_USER_INPUT', /score 1.5 must be between 0 and 1/);
    expectCode(await assess('offA1', 'A1a', '2026-11', [{ code: 'T-MED', score: 0.1234 }]), 'BAD_USER_INPUT', /at most 3 decimals/);
    expectCode(await assess('offA1', 'A1a', '2026-11', [{ code: 'T-MED', score: 0, note: '坏\u0000字' }]), 'BAD_USER_INPUT', /control character/);
    expect((await t.app.gql(ASSESS, { i: { unitId: unitId('A1a'), month: '2026-11', items: one } })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    // Every refusal left the November scores as they were.
    expect(await scoreOf('A1a', '2026-11')).toBe(60);
    expect(await scoreOf('B1a', '2026-11')).toBe(100);
  });

  it('shows Unit.assessment within the jurisdiction, null for regions, batched over a list of units', async () => {
    const grid = await t.app.gql('{ unit(code: "A1a") { assessment(month: "2026-11") { score items { item { code } } } } }', {}, await t.app.login('gridA1a'));
    expect(grid.data.unit.assessment).toEqual({ score: 60, items: [{ item: { code: 'T-MED' } }, { item: { code: 'T-SEC' } }, { item: { code: 'T-ORG' } }] });
    const region = await t.app.gql('{ unit(code: "A1") { assessment(month: "2026-11") { score } } }', {}, await t.app.login('offA1'));
    expect(region.data.unit.assessment).toBeNull();
    const bad = await t.app.gql('{ unit(code: "A1a") { assessment(month: "11/2026") { score } } }', {}, await t.app.login('offA1'));
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');

    const token = await t.app.login('supA');
    await keepToken(t.app, t.db, token);
    t.db.queries.length = 0;
    const list = await t.app.gql(
      '{ unit(code: "A1") { children { code assessment(month: "2026-11") { score } children { code assessment(month: "2026-11") { score } } } } }',
      {},
      token,
    );
    expect(list.errors).toBeUndefined();
    expect(list.data.unit.children).toEqual([
      { code: 'A1a', assessment: { score: 60 }, children: [{ code: 'A1aE', assessment: { score: 20 } }] },
      { code: 'A1b', assessment: { score: 40 }, children: [] },
    ]);
    // One statement for the two villages, one for the enterprise a level down.
    expect(t.db.queries.filter((q) => q.includes('from assessments a join s'))).toHaveLength(2);
  });

  it('averages the assessed units under each region in one statement', async () => {
    const { units } = t.world;
    const ids = ['C', 'A', 'A1', 'A1a', 'A1b', 'B', 'B1'].map((code) => units[code].id);
    t.db.queries.length = 0;
    const november = await averageScores(em(), [...ids, 999_999], startOfLocalDay('2026-11-01'));
    expect(t.db.queries).toHaveLength(1);
    // A1 and A: A1a 60, A1b 40, A1aE 20 → 40. B and B1: B1a 100. C: (60 + 40 + 20 + 100) / 4 = 55.
    // A1a: only the enterprise under it (a unit is not under itself) → 20. A1b: nothing under it.
    expect(
      Object.fromEntries([...november].map(([id, avg]) => [ids.includes(id) ? ['C', 'A', 'A1', 'A1a', 'A1b', 'B', 'B1'][ids.indexOf(id)] : 'unknown', avg])),
    ).toEqual({
      C: 55,
      A: 40,
      A1: 40,
      A1a: 20,
      A1b: null,
      B: 100,
      B1: 100,
      unknown: null,
    });
    // Midnight UTC on the first names the same month as midnight in Beijing.
    expect(await averageScores(em(), ids, new Date(Date.UTC(2026, 10, 1)))).toEqual(new Map([...november].filter(([id]) => id !== 999_999)));
    const october = await averageScores(em(), [units.C.id, units.A1.id, units.B.id], new Date(Date.UTC(2026, 9, 1)));
    expect([...october.values()]).toEqual([20, 20, null]);
    // 1 December 01:00 in Beijing is December, though UTC still says November.
    expect((await averageScores(em(), [units.A1.id], NOW)).get(units.A1.id)).toBe(10);
    expect(await averageScores(em(), [], NOW)).toEqual(new Map());
  });
});

describe('npm run admin -- import-standards', () => {
  const run = (args: string[]) => runScript(ADMIN, args, { ...process.env, DATABASE_URL: t.db.url, NODE_ENV: 'test' });

  it('loads the shipped sample through the compiled CLI, reports what it changed, and refuses a bad file whole', async () => {
    const sample = path.join(ROOT, 'data/standards-sample.csv');
    const first = await run(['import-standards', sample]);
    expect({ code: first.code, err: first.err }).toEqual({ code: 0, err: '' });
    expect(first.out).toBe(`Imported ${sample}: 23 items added, 0 updated, 0 unchanged; 5 items not in the file left as they are.\n`);
    const again = await run(['import-standards', sample]);
    expect(again.out).toMatch(/: 0 items added, 0 updated, 23 unchanged; 5 items not in the file/);
    expect(await listStandardItems(em())).toHaveLength(28);

    const file = path.join(ROOT, '.data', `standards-bad-${process.pid}.csv`);
    writeFileSync(file, 'aspect,code,text,weight\n组织领导,ORG-01,改过的文字,9\n宣传,NEW-1,新条目,1\n法治建设,NEW-2,新条目,2000\n');
    try {
      const bad = await run(['import-standards', file]);
      expect(bad.code).toBe(1);
      expect(bad.err).toMatch(/line 3: aspect "宣传" is not one of/);
      expect(bad.err).toMatch(/line 4: weight "2000" must be a positive number up to 1000/);
    } finally {
      rmSync(file);
    }
    const items = await listStandardItems(em());
    expect(items).toHaveLength(28);
    expect(items.find((i) => i.code === 'ORG-01')).toMatchObject({ text: '成立由党组织书记任组长的“三零”创建工作领导小组，成员分工明确、责任到人', weight: 4 });

    const usage = await run(['import-standards']);
    expect(usage.code).toBe(2);
    expect(usage.err).toMatch(/import-standards: give exactly one CSV file/);
    expect(usage.err).toMatch(/data\/standards-sample\.csv is an example/);
    // The scheme grew to 190: A1a's November (54 weighted) is now 100 × 54 / 190.
    expect(await scoreOf('A1a', '2026-11')).toBeCloseTo(28.421, 3);
  });
});
