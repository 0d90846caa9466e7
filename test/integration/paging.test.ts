import { CaseEventType, CaseStatus } from '../../src/entities';
import { enqueue } from '../../src/domain/push/push';
import { appendEvents } from '../../src/domain/cases/trail.service';
import { useWorldApp } from '../support/app';
import type { OfficerKey } from '../support/fixture';

/*
 * Every connection pages both ways (Relay): first/after from the start, last/before from the end.
 * Walking a list backwards two at a time must give exactly the forward walk, reversed, with the
 * pageInfo flags a client uses to show "earlier" and "later" buttons.
 */

const NOW = new Date('2026-12-01T02:00:00Z');
const t = useWorldApp({ now: () => NOW });

/** Items are told apart by their cursors (unique in a list, and login attempts have no id). */
interface Walk {
  ids: string[];
  pages: { hasNextPage: boolean; hasPreviousPage: boolean }[];
}

/** A connection selection: `path` finds it in the answer, `query` takes $first $after $last $before. */
interface ListCase {
  name: string;
  who: OfficerKey;
  query: string;
  path: (data: any) => any;
}

const PAGE_VARS = '$first: Int, $after: String, $last: Int, $before: String';
const PAGE_ARGS = 'first: $first, after: $after, last: $last, before: $before';
const SELECT = 'totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { __typename } }';

const LISTS: ListCase[] = [
  { name: 'cases, newest reported first', who: 'admin', query: `query(${PAGE_VARS}) { list: cases(${PAGE_ARGS}) { ${SELECT} } }`, path: (d) => d.list },
  {
    name: 'cases by due date',
    who: 'admin',
    query: `query(${PAGE_VARS}) { list: cases(${PAGE_ARGS}, orderBy: {field: DUE_AT, direction: ASC}) { ${SELECT} } }`,
    path: (d) => d.list,
  },
  {
    name: 'cases by number, descending',
    who: 'offA1',
    query: `query(${PAGE_VARS}) { list: cases(${PAGE_ARGS}, orderBy: {field: NUMBER, direction: DESC}) { ${SELECT} } }`,
    path: (d) => d.list,
  },
  {
    name: 'cases by the deadline in force',
    who: 'admin',
    query: `query(${PAGE_VARS}) { list: cases(${PAGE_ARGS}, orderBy: {field: DEADLINE, direction: ASC}) { ${SELECT} } }`,
    path: (d) => d.list,
  },
  { name: 'an officer’s own pushes', who: 'offA1', query: `query(${PAGE_VARS}) { list: myPushes(${PAGE_ARGS}) { ${SELECT} } }`, path: (d) => d.list },
  { name: 'units', who: 'admin', query: `query(${PAGE_VARS}) { list: units(${PAGE_ARGS}) { ${SELECT} } }`, path: (d) => d.list },
  {
    name: 'a case’s trail',
    who: 'offA1',
    query: `query(${PAGE_VARS}, $n: String!) { case(number: $n) { events(${PAGE_ARGS}) { ${SELECT} } } }`,
    path: (d) => d.case.events,
  },
  { name: 'pushes', who: 'admin', query: `query(${PAGE_VARS}) { list: pushes(${PAGE_ARGS}) { ${SELECT} } }`, path: (d) => d.list },
  { name: 'warning letters', who: 'admin', query: `query(${PAGE_VARS}) { list: warningLetters(${PAGE_ARGS}) { ${SELECT} } }`, path: (d) => d.list },
  { name: 'login attempts', who: 'admin', query: `query(${PAGE_VARS}) { list: loginAttempts(${PAGE_ARGS}) { ${SELECT} } }`, path: (d) => d.list },
];

let trailCase = '';

beforeAll(async () => {
  const { units, officers, resident, cases } = t.world;
  const em = t.db.orm.em.fork();
  trailCase = cases.a1a.number;
  // A trail long enough to page: five notes after the report.
  await em.transactional((tx) =>
    appendEvents(
      tx,
      cases.a1a,
      Array.from({ length: 5 }, (_, i) => ({ type: CaseEventType.NOTE, actorOfficerId: officers.offA1.id, note: `第${i + 1}条备注` })),
      NOW,
    ),
  );
  await em.transactional((tx) =>
    enqueue(
      tx,
      Object.values(cases).map((c, i) => ({
        topic: 'case.status',
        payload: { caseId: c.id, number: c.number, title: c.title, status: CaseStatus.ACCEPTED },
        recipient: `resident:${resident.id}`,
        dedupeKey: `paging-${i}`,
      })),
      NOW,
    ),
  );
  // And as many to an officer, for their own inbox.
  await em.transactional((tx) =>
    enqueue(
      tx,
      Object.values(cases).map((c, i) => ({
        topic: 'case.assigned',
        payload: { caseId: c.id, number: c.number, title: c.title, dueAt: c.dueAt.toISOString() },
        recipient: `officer:${officers.offA1.id}`,
        dedupeKey: `paging-officer-${i}`,
      })),
      NOW,
    ),
  );
  for (const [i, unit] of [units.A, units.B, units.A, units.B, units.A].entries()) {
    await em.execute(`insert into warning_letters (region_id, month, issued_at, findings) values (?, ?, ?, '[]'::jsonb)`, [
      unit.id,
      `2026-0${i + 1}-01`,
      new Date(Date.UTC(2026, i + 1, 1, 1)),
    ]);
  }
  for (let i = 0; i < 7; i++) {
    await em.execute(`insert into login_attempts (at, phone, officer_id, client_address, outcome) values (?, ?, ?, '10.0.0.1', 'WRONG_PASSWORD')`, [
      new Date(NOW.getTime() - i * 1000),
      officers.offA1.phone,
      officers.offA1.id,
    ]);
  }
});

async function walk(list: ListCase, token: string, backward: boolean): Promise<Walk> {
  const result: Walk = { ids: [], pages: [] };
  let cursor: string | null = null;
  for (let guard = 0; guard < 50; guard++) {
    const vars = backward ? { last: 2, before: cursor } : { first: 2, after: cursor };
    const res: any = await t.app.gql(list.query, { ...vars, n: trailCase }, token);
    expect(res.errors).toBeUndefined();
    const conn = list.path(res.data);
    const ids = conn.edges.map((e: any) => e.cursor);
    // Within a page the order is always the list's own, whichever way it was read.
    result.ids = backward ? [...ids, ...result.ids] : [...result.ids, ...ids];
    result.pages.push({ hasNextPage: conn.pageInfo.hasNextPage, hasPreviousPage: conn.pageInfo.hasPreviousPage });
    expect(conn.pageInfo.startCursor).toBe(conn.edges[0]?.cursor ?? null);
    expect(conn.pageInfo.endCursor).toBe(conn.edges.at(-1)?.cursor ?? null);
    const more = backward ? conn.pageInfo.hasPreviousPage : conn.pageInfo.hasNextPage;
    if (!more) return result;
    cursor = backward ? conn.pageInfo.startCursor : conn.pageInfo.endCursor;
  }
  throw new Error(`${list.name}: paging did not end`);
}

describe.each(LISTS)('$name', (list) => {
  it('reads the same items backwards (last/before) as forwards (first/after)', async () => {
    const token = await t.app.login(list.who);
    const all: any = await t.app.gql(list.query, { first: 100, n: trailCase }, token);
    expect(all.errors).toBeUndefined();
    const everything = list.path(all.data).edges.map((e: any) => e.cursor);
    expect(everything.length).toBeGreaterThan(4);
    expect(list.path(all.data).totalCount).toBe(everything.length);

    const forward = await walk(list, token, false);
    const backward = await walk(list, token, true);
    expect(forward.ids).toEqual(everything);
    expect(backward.ids).toEqual(everything);
    // Forwards: the first page has nothing before it, the last nothing after; backwards the mirror.
    expect(forward.pages[0].hasPreviousPage).toBe(false);
    expect(forward.pages.at(-1)!.hasNextPage).toBe(false);
    expect(forward.pages.slice(1).every((p) => p.hasPreviousPage)).toBe(true);
    expect(backward.pages[0].hasNextPage).toBe(false);
    expect(backward.pages.at(-1)!.hasPreviousPage).toBe(false);
    expect(backward.pages.slice(1).every((p) => p.hasNextPage)).toBe(true);
  });

  it('pages back from the middle: before the end cursor of a forward page', async () => {
    const token = await t.app.login(list.who);
    const all: any = await t.app.gql(list.query, { first: 100, n: trailCase }, token);
    const everything = list.path(all.data).edges.map((e: any) => e.cursor);
    const firstPage: any = await t.app.gql(list.query, { first: 4, n: trailCase }, token);
    const before = list.path(firstPage.data).pageInfo.endCursor;
    const res: any = await t.app.gql(list.query, { last: 2, before, n: trailCase }, token);
    expect(res.errors).toBeUndefined();
    const conn = list.path(res.data);
    expect(conn.edges.map((e: any) => e.cursor)).toEqual(everything.slice(1, 3));
    expect(conn.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
  });

  it.each([
    ['first and last together', { first: 2, last: 2 }, 'last'],
    ['after and before together', { after: 'x', before: 'y' }, 'last'],
    ['last over 100', { last: 101 }, 'last'],
    ['negative last', { last: -1 }, 'last'],
    ['a malformed before', { before: '!!!' }, 'before'],
  ])('refuses %s with BAD_USER_INPUT naming the argument', async (_what, vars, argument) => {
    const res: any = await t.app.gql(list.query, { ...vars, n: trailCase }, await t.app.login(list.who));
    expect(res.errors?.map((e: any) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors[0].extensions.argument).toBe(argument);
    expect(res.errors[0].message).toMatch(argument);
  });
});

it('refuses a cursor of one list used to page another', async () => {
  const token = await t.app.login('admin');
  const units: any = await t.app.gql('{ units(first: 1) { pageInfo { endCursor } } }', {}, token);
  const res: any = await t.app.gql('query($b: String) { cases(last: 2, before: $b) { totalCount } }', { b: units.data.units.pageInfo.endCursor }, token);
  expect(res.errors?.map((e: any) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  expect(res.errors[0].message).toMatch(/before is not a cursor from this list/);
});
