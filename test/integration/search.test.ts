import { insertCase } from '../support/fixture';
import { useWorldApp } from '../support/app';
import { likeContains } from '../../src/domain/access/access';
import { EXACT_COUNT_LIMIT } from '../../src/domain/cases/case.query';

/* Short searches go through the index of 1- and 2-character substrings, counts past a limit are estimates: neither may change an answer. */

const NOW = new Date('2026-11-22T12:00:00Z');
const t = useWorldApp({ now: () => NOW });

// Texts that trip simple substring indexes: mixed case, digits, emoji (surrogate pairs, modifiers), LIKE metacharacters, line breaks.
const TEXTS: [string, string][] = [
  ['厨房漏水', '楼上漏水，天花板渗水'],
  ['水管爆裂 Pipe burst', 'Water pipe 42B broke; 水压不足'],
  ['噪音扰民', '夜间KTV噪音 👍🏻 很吵'],
  ['宅基地边界纠纷', '两户因宅基地边界发生纠纷，已调解未果'],
  ['100% 完成率造假', 'under_score and back\\slash 😀'],
  ['Éclairage public', 'lampadaire éteint\n第二行：路灯不亮'],
  ['垃圾清运', '垃圾堆放7天未清运'],
];

// One and two characters (the substring index), three and more (trigrams), and case, digits, emoji, metacharacters.
const SEARCHES = [
  '水',
  '漏水',
  '纠纷',
  '边界纠纷',
  '宅基地',
  'p',
  'P',
  'Pi',
  'pipe',
  'ÉC',
  'é',
  '4',
  '42',
  '42b',
  '7天',
  '👍',
  '👍🏻',
  '😀',
  '%',
  '_',
  '\\',
  '0%',
  'e_',
  '行：',
  'ktv',
  '不存在的词',
  'zz',
  '吵',
];

beforeAll(async () => {
  const em = t.db.orm.em.fork();
  const { A1a, B1a } = t.world.units;
  for (const [i, [title, description]] of TEXTS.entries()) {
    const at = i % 2 ? B1a : A1a;
    await insertCase(em, at, at, { title, description });
  }
});

async function numbersFor(search: string, token: string): Promise<{ numbers: string[]; totalCount: number; estimate: boolean }> {
  const res = await t.app.gql(
    'query($s: String) { cases(first: 100, filter: {search: $s}) { totalCount totalCountIsEstimate edges { node { number } } } }',
    { s: search },
    token,
  );
  expect(res.errors).toBeUndefined();
  return {
    numbers: res.data.cases.edges.map((e: any) => e.node.number).sort(),
    totalCount: res.data.cases.totalCount,
    estimate: res.data.cases.totalCountIsEstimate,
  };
}

async function ilike(search: string): Promise<string[]> {
  const rows = await t.db.orm.em
    .fork()
    .execute<{ number: string }[]>(`select number from cases where (title || ' ' || description) ilike ? order by number`, [likeContains(search)]);
  return rows.map((r) => r.number).sort();
}

describe('search', () => {
  it.each(SEARCHES.map((s) => [JSON.stringify(s), s]))('finds exactly what ilike finds for %s', async (_label, search) => {
    const token = await t.app.login('admin');
    const got = await numbersFor(search, token);
    expect(got.numbers).toEqual(await ilike(search));
    expect(got.totalCount).toBe(got.numbers.length);
    expect(got.estimate).toBe(false);
  });

  it('finds something for the short searches (the comparison above is not vacuous)', async () => {
    const token = await t.app.login('admin');
    for (const s of ['水', '漏水', '纠纷', 'P', '42', '👍🏻', '%', '行：']) expect((await numbersFor(s, token)).numbers.length).toBeGreaterThan(0);
    // Case-insensitive like ilike, also outside ASCII.
    expect((await numbersFor('é', token)).numbers).toEqual((await numbersFor('É', token)).numbers);
  });

  it('keeps the jurisdiction for short searches', async () => {
    const township = await numbersFor('水', await t.app.login('offA1'));
    const county = await numbersFor('水', await t.app.login('offB'));
    expect(township.numbers.length).toBeGreaterThan(0);
    expect(county.numbers.length).toBeGreaterThan(0);
    expect(township.numbers.filter((n) => county.numbers.includes(n))).toEqual([]);
  });

  it('indexes every 1- and 2-character substring, lower-cased, and the index answers a short search', async () => {
    const em = t.db.orm.em.fork();
    const [{ grams }] = await em.execute(`select case_search_grams('Ab水👍🏻') as grams`);
    expect([...grams].sort()).toEqual(['a', 'ab', 'b', 'b水', '水', '水👍', '👍', '👍🏻', '🏻'].sort());
    expect((await em.execute(`select case_search_grams('') as grams`))[0].grams).toEqual([]);
    await em.transactional(async (tx) => {
      await tx.execute('set local enable_seqscan = off');
      const plan = await tx.execute(`explain select id from cases c where case_search_grams(c.title || ' ' || c.description) @> array['水']`);
      expect(JSON.stringify(plan)).toContain('cases_text_grams_idx');
    });
  });
});

describe('totalCount', () => {
  it('is exact up to the limit, an estimate above it, and totalCountExact always counts', async () => {
    const em = t.db.orm.em.fork();
    const a1a = t.world.cases.a1a;
    // Copies of one case, enough to pass the limit, in the city's and county A's jurisdiction only.
    await em.execute(
      `insert into cases (number, kind, priority, title, description, attachments, unit_id, unit_path, handling_unit_id, handling_path,
         channel, status, reported_at, accept_due_at, due_at, version)
       select 'SLX' || g, kind, priority, title, description, attachments, unit_id, unit_path, handling_unit_id, handling_path,
         channel, status, reported_at - g * interval '1 second', accept_due_at, due_at, 1
       from cases, generate_series(1, ?) g where id = ?`,
      [EXACT_COUNT_LIMIT + 500, a1a.id],
    );
    await em.execute('analyze cases');
    const [{ n }] = await em.execute<{ n: string }[]>('select count(*) n from cases');
    const total = Number(n);
    const query = '{ cases(first: 5) { totalCount totalCountIsEstimate totalCountExact edges { node { number } } } }';

    const city = await t.app.gql(query, {}, await t.app.login('admin'));
    expect(city.errors).toBeUndefined();
    expect(city.data.cases.totalCountIsEstimate).toBe(true);
    expect(city.data.cases.totalCount).toBeGreaterThan(EXACT_COUNT_LIMIT);
    // Sampled, not guessed: close to the real figure.
    expect(Math.abs(city.data.cases.totalCount - total) / total).toBeLessThan(0.2);
    expect(city.data.cases.totalCountExact).toBe(total);

    // County B sees none of the copies: a small scope stays exact.
    const countyB = await t.app.gql(query, {}, await t.app.login('offB'));
    expect(countyB.data.cases.totalCountIsEstimate).toBe(false);
    expect(countyB.data.cases.totalCount).toBe(countyB.data.cases.totalCountExact);
    expect(countyB.data.cases.totalCount).toBeGreaterThan(0);
    expect(countyB.data.cases.totalCount).toBeLessThan(20);

    // A filter that leaves few matches in the big scope is exact too.
    const few = await t.app.gql('{ cases(filter: {search: "漏水"}) { totalCount totalCountIsEstimate } }', {}, await t.app.login('admin'));
    expect(few.data.cases).toEqual({ totalCount: (await ilike('漏水')).length, totalCountIsEstimate: false });
  });

  it('adds one statement for an exact count and two for an estimate, whatever the size', async () => {
    const statements = async (who: 'admin' | 'offB', fields: string) => {
      const token = await t.app.login(who);
      t.db.queries.length = 0;
      const res = await t.app.gql(`{ cases(first: 5) { ${fields} edges { node { number } } } }`, {}, token);
      expect(res.errors).toBeUndefined();
      return t.db.queries.length;
    };
    const base = await statements('admin', '');
    expect(await statements('offB', 'totalCount')).toBe(base + 1);
    expect(await statements('admin', 'totalCount totalCountIsEstimate')).toBe(base + 2);
    expect(await statements('admin', 'totalCountExact')).toBe(base + 1);
  });
});
