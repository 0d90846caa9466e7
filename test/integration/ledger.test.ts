import { once } from 'node:events';
import http, { type IncomingMessage } from 'node:http';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { maskPhone } from '../../src/domain/access/access';
import { acceptCase } from '../../src/domain/cases/case-workflow.service';
import { addCaseNote } from '../../src/domain/cases/case-steps.service';
import type { OfficerActor } from '../../src/domain/access/actor';
import { query } from '../../src/db/sql';
import { toGlobalId } from '../../src/graphql/relay';
import { useWorldApp } from '../support/app';
import { insertCase, PASSWORD, type OfficerKey } from '../support/fixture';
import { createOfficer } from '../../src/domain/registry/officer.service';
import { Officer, OfficerRole, type Case } from '../../src/entities';
import { last, say as sayTo } from '../support/chat';

/* The ledger export (台账): what it contains, for whom, and that it streams and lets go when the client leaves. */

// 09:30 in Asia/Shanghai on 25 November 2026: the default month is 2026-11.
const now = new Date('2026-11-25T01:30:00Z');
const t = useWorldApp({ now: () => now });

const HEADERS = [
  '案件编号',
  '类别',
  '优先级',
  '状态',
  '发生单位',
  '单位代码',
  '承办单位',
  '上报时间',
  '受理时限',
  '受理时间',
  '办结时限',
  '办结时间',
  '销号时间',
  '督办等级',
  '越级情况',
  '回访结果',
  '存量',
  '标题',
  '内容',
  '反映人',
  '办理过程',
];
type Row = Record<string, string>;

/** A web chat message from a resident; answers the last reply. */
const say = async (contact: string, text: string) => last(await sayTo(t.app.url, contact, text));

/** A resident reports at 磁窑村 through the web chat (phone, or 匿名); answers the case number. */
async function chatReport(contact: string, phone: string): Promise<string> {
  for (const text of ['反映', '1', '磁窑村', '两家因为排水沟堵塞吵了起来，需要调解', phone]) await say(contact, text);
  const number = /SL\d{12}/.exec(await say(contact, '1'))?.[0];
  expect(number).toBeDefined();
  return number!;
}

function officer(key: OfficerKey): OfficerActor {
  const o = t.world.officers[key];
  const unit = Object.values(t.world.units).find((u) => u.id === o.unit.id)!;
  return { type: 'officer', id: o.id, name: key, role: o.role, unitId: unit.id, unitPath: unit.path };
}

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> => query<T>(t.db.orm.em.fork(), text, params);

async function download(path: string, who?: OfficerKey | string): Promise<Response> {
  const token = who === undefined ? undefined : who in t.world.officers ? await t.app.login(who as OfficerKey) : who;
  return fetch(`${t.app.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
}

async function csv(path: string, who: OfficerKey = 'supA'): Promise<{ raw: string; rows: Row[]; res: Response }> {
  const res = await download(path, who);
  expect(res.status).toBe(200);
  const raw = Buffer.from(await res.arrayBuffer()).toString('utf8');
  // Strict RFC 4180 parsing: a wrongly quoted field fails here.
  const records = parse(raw, { bom: true, relax_column_count: false }) as string[][];
  expect(records[0]).toEqual(HEADERS);
  return { raw, res, rows: records.slice(1).map((r) => Object.fromEntries(HEADERS.map((h, i) => [h, r[i]]))) };
}

async function xlsx(path: string, who: OfficerKey = 'supA'): Promise<{ rows: (string | null)[][]; types: number[][] }> {
  const res = await download(path, who);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ExcelJS.Buffer);
  const sheet = book.getWorksheet('台账')!;
  expect(sheet).toBeDefined();
  const rows: (string | null)[][] = [];
  const types: number[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row) => {
    const values: (string | null)[] = [];
    const kinds: number[] = [];
    for (let i = 1; i <= HEADERS.length; i++) {
      const cell = row.getCell(i);
      values.push(cell.value == null ? null : String(cell.value));
      kinds.push(cell.type);
    }
    rows.push(values);
    types.push(kinds);
  });
  return { rows, types };
}

/** Cases of a unit's subtree reported in [from, to) as the database has them, in ledger order. */
async function expectedNumbers(unitCode: string, from: string, to: string): Promise<string[]> {
  const rows = await sql<{ number: string }>(
    `select c.number from cases c join units u on u.code = ? where c.unit_path like u.path || '%'
       and c.reported_at >= ?::timestamptz and c.reported_at < ?::timestamptz order by c.reported_at, c.id`,
    [unitCode, from, to],
  );
  return rows.map((r) => r.number);
}

let worked: Case;
let named = '';
let anonymous = '';
let formula = '';
let quoted = '';

beforeAll(async () => {
  const em = t.db.orm.em.fork();
  const { units, cases, resident } = t.world;
  worked = cases.a1a;
  await acceptCase(em.fork(), officer('offA1'), { id: worked.id, version: worked.version, note: '已受理，安排调解\n明天上门' }, now);
  await addCaseNote(em.fork(), officer('supA'), { id: worked.id, note: '请尽快调解' }, new Date(now.getTime() + 60_000));
  named = await chatReport('contact-ledger-1', '13987654321');
  anonymous = await chatReport('contact-ledger-2', '匿名');
  formula = (await insertCase(em, units.A1b, units.A1, { title: '=HYPERLINK("http://evil.example","点我")', description: '@SUM(A1:A2)', reporter: resident }))
    .number;
  quoted = (await insertCase(em, units.A1b, units.A1, { title: '-1+2 与 +86 开头', description: '他说："地界, 不让。"\n第二天又来了' })).number;
  await sql('update cases set stock = true where id = ?', [cases.a1b.id]);
});

describe('CSV', () => {
  it('holds every case of the county reported in the month, in order, with what the database says', async () => {
    const { raw, rows, res } = await csv('/ledger.csv');
    expect(raw.startsWith('\uFEFF案件编号,类别,')).toBe(true);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const disposition = res.headers.get('content-disposition')!;
    expect(disposition).toMatch(/^attachment; filename="ledger-A-2026-11\.csv"; filename\*=UTF-8''/);
    expect(decodeURIComponent(disposition.split("UTF-8''")[1])).toBe('台账-甲县-2026-11.csv');

    const expected = await expectedNumbers('A', '2026-10-31T16:00:00Z', '2026-11-30T16:00:00Z');
    expect(expected.length).toBeGreaterThanOrEqual(7);
    expect(rows.map((r) => r['案件编号'])).toEqual(expected);
    expect(rows.map((r) => r['案件编号'])).not.toContain(t.world.cases.overdue.number); // October

    // Every row against its case in the database.
    const db = await sql<{
      number: string;
      unit: string;
      code: string;
      handling: string;
      anonymous: boolean;
      name: string | null;
      phone: string | null;
      events: number;
      stock: boolean;
    }>(
      `select c.number, u.name as unit, u.code, h.name as handling, c.anonymous, r.display_name as name, r.phone, c.stock,
         (select count(*)::int from case_events e where e.case_id = c.id) as events
       from cases c join units u on u.id = c.unit_id join units h on h.id = c.handling_unit_id left join residents r on r.id = c.reporter_id
       where c.number = any(?)`,
      [expected],
    );
    for (const row of rows) {
      const c = db.find((x) => x.number === row['案件编号'])!;
      expect([row['发生单位'], row['单位代码'], row['承办单位'], row['存量']]).toEqual([c.unit, c.code, c.handling, c.stock ? '是' : '否']);
      expect(row['反映人']).toBe(c.anonymous ? '匿名' : c.name == null ? '' : c.phone ? `${c.name} ${maskPhone(c.phone)}` : c.name);
      expect(row['办理过程'].split('\n')).toHaveLength(c.events);
    }
    // Record ends are CRLF; line breaks inside a cell stay inside its quotes.
    expect(raw.endsWith('\r\n')).toBe(true);
    expect(raw.split('\r\n')).toHaveLength(rows.length + 2);
  });

  it('writes a case’s fields and its trail in Chinese, in Beijing time, phones masked', async () => {
    const { rows } = await csv('/ledger.csv');
    const row = rows.find((r) => r['案件编号'] === worked.number)!;
    expect(row).toEqual({
      案件编号: worked.number,
      类别: '矛盾纠纷',
      优先级: '普通',
      状态: '已受理',
      发生单位: '磁窑村',
      单位代码: 'A1a',
      承办单位: '甲一镇',
      上报时间: '2026-11-22 10:00',
      受理时限: '2026-11-23 10:00',
      受理时间: '2026-11-25 09:30',
      办结时限: '2026-11-29 10:00',
      办结时间: '',
      销号时间: '',
      督办等级: '无',
      越级情况: '无',
      回访结果: '',
      存量: '否',
      标题: '磁窑村排水沟堵塞引发邻里纠纷',
      内容: '邻里纠纷，需要调解',
      反映人: '张三 139****5678',
      办理过程: ['2026-11-22 10:00 上报 系统', '2026-11-25 09:30 受理 offA1 已受理，安排调解 明天上门', '2026-11-25 09:31 备注 supA 请尽快调解'].join('\n'),
    });
    expect(rows.find((r) => r['案件编号'] === t.world.cases.a1b.number)!['存量']).toBe('是');
    const byChat = rows.find((r) => r['案件编号'] === named)!;
    expect([byChat['反映人'], byChat['办理过程']]).toEqual(['李四 139****4321', '2026-11-25 09:30 上报 李四']);
    const hidden = rows.find((r) => r['案件编号'] === anonymous)!;
    expect([hidden['反映人'], hidden['办理过程']]).toEqual(['匿名', '2026-11-25 09:30 上报 匿名']);
    // No full phone anywhere in the file.
    expect(JSON.stringify(rows)).not.toMatch(/1\d{10}/);
  });

  it('keeps cells that start like a formula as text, and quotes commas, quotes and line breaks', async () => {
    const { rows, raw } = await csv('/ledger.csv');
    const f = rows.find((r) => r['案件编号'] === formula)!;
    expect(f['标题']).toBe(`'=HYPERLINK("http://evil.example","点我")`);
    expect(f['内容']).toBe(`'@SUM(A1:A2)`);
    const q = rows.find((r) => r['案件编号'] === quoted)!;
    expect(q['标题']).toBe(`'-1+2 与 +86 开头`);
    expect(q['内容']).toBe('他说："地界, 不让。"\n第二天又来了');
    expect(raw).toContain(`"'=HYPERLINK(""http://evil.example"",""点我"")"`);
    expect(raw).toContain('"他说：""地界, 不让。""\n第二天又来了"');
  });

  it('takes a range of months and a unit below the officer’s', async () => {
    const a1b = toGlobalId('Unit', t.world.units.A1b.id);
    const { rows, res } = await csv(`/ledger.csv?unitId=${a1b}&from=2026-10&to=2026-11`);
    expect(rows.map((r) => r['案件编号'])).toEqual(await expectedNumbers('A1b', '2026-09-30T16:00:00Z', '2026-11-30T16:00:00Z'));
    expect(rows.map((r) => r['案件编号'])).toContain(t.world.cases.overdue.number);
    expect(rows.every((r) => r['发生单位'] === '南通村')).toBe(true);
    expect(decodeURIComponent(res.headers.get('content-disposition')!.split("UTF-8''")[1])).toBe('台账-南通村-2026-10至2026-11.csv');
    // An empty month is a header alone.
    const empty = await csv('/ledger.csv?from=2025-01&to=2025-01');
    expect(empty.rows).toEqual([]);
  });
});

describe('XLSX', () => {
  it('holds the same rows as the CSV, as text cells, formulas not guarded because cells are never formulas', async () => {
    // One after the other: an officer runs one export at a time.
    const { rows: sheet, types } = await xlsx('/ledger.xlsx');
    const { rows } = await csv('/ledger.csv');
    expect(sheet[0]).toEqual(HEADERS);
    expect(sheet).toHaveLength(rows.length + 1);
    const unguard = (v: string) => (/^'[=+\-@]/.test(v) ? v.slice(1) : v);
    sheet.slice(1).forEach((values, i) => {
      expect(values).toEqual(HEADERS.map((h) => (rows[i][h] === '' ? null : unguard(rows[i][h]))));
    });
    const f = sheet.findIndex((r) => r[0] === formula);
    expect(sheet[f][17]).toBe('=HYPERLINK("http://evil.example","点我")');
    expect(types[f][17]).toBe(ExcelJS.ValueType.String);
    expect(
      types
        .slice(1)
        .flat()
        .every((k) => k === ExcelJS.ValueType.String || k === ExcelJS.ValueType.Null),
    ).toBe(true);
  });
});

describe('access', () => {
  it('asks for a token, and refuses a bad one', async () => {
    for (const path of ['/ledger.csv', '/ledger.xlsx']) {
      const none = await download(path);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer');
      expect(((await none.json()) as { error: string }).error).toMatch(/Authorization: Bearer/);
      const bad = await download(path, 'not-a-token');
      expect(bad.status).toBe(401);
      expect(((await bad.json()) as { error: string }).error).toBeTruthy();
    }
  });

  it('is for supervisors and above: grid workers and officers get 403', async () => {
    for (const who of ['gridA1a', 'offA1', 'offB'] as const) {
      const res = await download('/ledger.csv', who);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: string }).error).toMatch(/SUPERVISOR/);
    }
  });

  it('keeps a county supervisor to the county: another county or the city above is 404', async () => {
    const { rows } = await csv('/ledger.csv?from=2026-01&to=2026-12');
    const paths = await sql<{ number: string }>(`select number from cases where unit_path like ?`, [`${t.world.units.B.path}%`]);
    expect(paths.length).toBeGreaterThan(0);
    expect(rows.map((r) => r['案件编号'])).not.toEqual(expect.arrayContaining([paths[0].number]));
    expect(rows.every((r) => ['磁窑村', '南通村', '磁窑示例企业1号'].includes(r['发生单位']))).toBe(true);
    for (const code of ['B', 'B1a', 'C']) {
      const res = await download(`/ledger.csv?unitId=${toGlobalId('Unit', t.world.units[code].id)}`, 'supA');
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: 'Unit not found' });
    }
    expect((await download(`/ledger.csv?unitId=${toGlobalId('Unit', 999999)}`, 'supA')).status).toBe(404);
    // The city's admin sees both counties.
    const city = await csv('/ledger.csv', 'admin');
    expect(city.rows.map((r) => r['案件编号'])).toEqual(await expectedNumbers('C', '2026-10-31T16:00:00Z', '2026-11-30T16:00:00Z'));
    expect(city.rows.map((r) => r['案件编号'])).toContain(t.world.cases.b1a.number);
  });

  it('answers bad parameters with 400 and what is wrong', async () => {
    const cases: [string, RegExp][] = [
      ['from=2026-13', /from must be a month as YYYY-MM \(e\.g\. 2026-01\), not "2026-13"/],
      ['to=26-01', /to must be a month as YYYY-MM/],
      ['from=2026-1', /from must be a month/],
      ['from=2026-11&to=2026-01', /from \(2026-11\) is after to \(2026-01\)/],
      ['from=2016-01&to=2026-11', /is 131 months; export at most 120 at a time/],
      ['from=2026-01&from=2026-02', /from must be given once/],
      ['unitId=nonsense!', /is not a valid Unit id/],
      [`unitId=${toGlobalId('Case', 1)}`, /is not a valid Unit id/],
    ];
    for (const [q, message] of cases) {
      const res = await download(`/ledger.xlsx?${q}`, 'supA');
      expect([q, res.status]).toEqual([q, 400]);
      expect(((await res.json()) as { error: string }).error).toMatch(message);
    }
    // 120 months is allowed.
    const longest = await download('/ledger.csv?from=2016-12&to=2026-11', 'supA');
    expect(longest.status).toBe(200);
    await longest.arrayBuffer();
  });
});

describe('streaming', () => {
  const BULK = 5000;
  let bulkUnit = '';

  beforeAll(async () => {
    // Long rows in September 2026 in county B: several megabytes, far more than socket buffers hold.
    const { units } = t.world;
    bulkUnit = toGlobalId('Unit', units.B.id);
    await sql(
      `insert into cases (number, kind, priority, title, description, unit_id, unit_path, handling_unit_id, handling_path, channel, status, reported_at, accept_due_at, due_at)
       select 'SLBULK' || lpad(g::text, 6, '0'), 'DISPUTE', 'NORMAL', '批量案件' || g, repeat('一段很长的情况描述。', 150), ?, ?, ?, ?, 'HOTLINE', 'REPORTED',
         timestamptz '2026-09-10 00:00+08' + g * interval '1 minute', timestamptz '2026-09-11 00:00+08', timestamptz '2026-09-20 00:00+08'
       from generate_series(1, ?) g`,
      [units.B1a.id, units.B1a.path, units.B1.id, units.B1.path, BULK],
    );
  });

  const pool = () => (t.db.orm.em.getConnection().getKnex().client as unknown as { pool: { numUsed(): number } }).pool;
  const fetches = () => t.db.queries.filter((q) => /fetch 1000 from ledger_rows/.test(q)).length;
  const BATCHES = Math.floor(BULK / 1000) + 1; // the last FETCH finds fewer than 1000 rows (here none) and ends it

  /*
   * These downloads go over a connection of their own each (node:http without an agent): parsing
   * megabytes here blocks this process long enough for a pooled keep-alive connection to go stale.
   */
  async function open(format: string, token?: string): Promise<IncomingMessage> {
    token ??= await t.app.login('admin');
    return new Promise((resolve, reject) => {
      http
        .get(
          `${t.app.url}/ledger.${format}?unitId=${bulkUnit}&from=2026-09&to=2026-09`,
          { agent: false, headers: { authorization: `Bearer ${token}` } },
          resolve,
        )
        .on('error', reject);
    });
  }

  async function rest(res: IncomingMessage, first: Buffer[] = []): Promise<string> {
    const chunks = first;
    for await (const chunk of res) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  it('reads through one cursor, in batches of 1000', async () => {
    t.db.queries.length = 0;
    const res = await open('csv');
    expect(res.statusCode).toBe(200);
    const records = parse(await rest(res), { bom: true }) as string[][];
    expect(records).toHaveLength(BULK + 1);
    expect(records[1][0]).toBe('SLBULK000001');
    expect(records[BULK][0]).toBe(`SLBULK${String(BULK).padStart(6, '0')}`);
    expect(t.db.queries.filter((q) => /declare ledger_rows/.test(q))).toHaveLength(1);
    expect(fetches()).toBe(BATCHES);
    await released();
  });

  it('waits for a client that stops reading, then goes on where it stopped', async () => {
    t.db.queries.length = 0;
    const res = await open('csv');
    const [first] = (await once(res, 'data')) as [Buffer];
    res.pause();
    // Long enough for the database to hand over every batch, were nothing waiting for the client.
    await new Promise((r) => setTimeout(r, 3000));
    // About 4.5 MB a batch: socket buffers hold a batch or two (and one is read ahead), not all six.
    const whilePaused = fetches();
    expect(whilePaused).toBeGreaterThan(0);
    expect(whilePaused).toBeLessThan(BATCHES);
    const records = parse(await rest(res, [first]), { bom: true }) as string[][];
    expect(records).toHaveLength(BULK + 1);
    expect(fetches()).toBe(BATCHES);
  });

  it.each(['csv', 'xlsx'])('stops reading and gives the connection back when the %s client leaves mid-download', async (format) => {
    t.db.queries.length = 0;
    const res = await open(format);
    expect(res.statusCode).toBe(200);
    await once(res, 'data');
    res.destroy();
    // The server notices, ends the transaction and returns the connection.
    await released();
    // It stopped early: fewer batches than the whole export takes.
    expect(fetches()).toBeLessThan(BATCHES);
  });

  /** Another city supervisor (1, 2, …), so several officers can export the county at once. */
  async function cityToken(n = 1): Promise<string> {
    const phone = `1380000019${n}`;
    const em = t.db.orm.em.fork();
    if (!(await em.count(Officer, { phone })))
      await createOfficer(em, { phone, password: PASSWORD, name: `市督导${n}`, role: OfficerRole.SUPERVISOR, unitCode: 'C' });
    const res = await t.app.gql('mutation($i: LoginInput!) { login(input: $i) { token } }', { i: { phone, password: PASSWORD } });
    return res.data.login.token;
  }

  it('runs two exports at a time and asks a third client to come back', async () => {
    const held = [await open('csv'), await open('csv', await cityToken())];
    for (const res of held) {
      await once(res, 'data');
      res.pause();
    }
    const third = await open('csv', await cityToken(2));
    expect(third.statusCode).toBe(503);
    expect(third.headers['retry-after']).toBe('30');
    expect(JSON.parse(await rest(third))).toEqual({ error: '2 ledger exports are running already; try again in a minute' });
    for (const res of held) res.destroy();
    await released();
  });

  it('runs one export per officer at a time', async () => {
    const first = await open('csv');
    await once(first, 'data');
    first.pause();
    const again = await open('xlsx');
    expect(again.statusCode).toBe(429);
    expect(again.headers['retry-after']).toBe('30');
    expect(JSON.parse(await rest(again))).toEqual({ error: 'An export of yours is running already; wait for it to finish' });
    // Another officer still gets the second place.
    const other = await open('csv', await cityToken());
    expect(other.statusCode).toBe(200);
    for (const res of [first, other]) res.destroy();
    await released();
  });

  it('cuts off a client that reads slower than the minimum rate within seconds, and frees its place and connection', async () => {
    const started = Date.now();
    const slow = await open('csv');
    expect(slow.statusCode).toBe(200);
    await once(slow, 'data');
    slow.pause();
    // It reads nothing more (rate 0: anything below the minimum is judged the same way; a reader
    // that takes one byte at a time here would still pull a socket chunk at each read).
    try {
      // While its export runs, the officer's next one is refused; once it is cut off, the next one runs.
      let next: IncomingMessage | undefined;
      while (!next && Date.now() - started < 45_000) {
        const res = await open('csv');
        if (res.statusCode === 200) next = res;
        else {
          expect(res.statusCode).toBe(429);
          await rest(res);
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
      // Cut within a window or two of falling behind (the socket buffers take a few megabytes first), not after a minute.
      expect(next).toBeDefined();
      expect(Date.now() - started).toBeLessThan(45_000);
      next!.resume();
      await once(next!, 'end');
    } finally {
      slow.destroy();
    }
    await released();
  }, 90_000);

  it('counts exports that ended, so later ones run', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await open('csv');
      expect(res.statusCode).toBe(200);
      res.resume();
      await once(res, 'end');
    }
  });

  /** The export's connection is back in the pool (soon after the response ends) and no cursor is open. */
  async function released(): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (pool().numUsed() > 0 || (await openCursors()) > 0)) await new Promise((r) => setTimeout(r, 50));
    expect(pool().numUsed()).toBe(0);
    expect(await openCursors()).toBe(0);
  }

  async function openCursors(): Promise<number> {
    const [{ n }] = await sql<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and query ilike '%ledger_rows%' and state <> 'idle'`,
    );
    return n;
  }
});
