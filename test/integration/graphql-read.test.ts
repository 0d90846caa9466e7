import jwt from 'jsonwebtoken';
import { redirectLogs } from '../../src/logger';
import { createTestDb } from '../support/db';
import { buildWorld, type World } from '../support/fixture';
import { startTestApp, useWorldApp, type TestApp } from '../support/app';
import { toGlobalId } from '../../src/graphql/relay';

const NOW = new Date('2026-11-22T12:00:00Z');
const t = useWorldApp({ now: () => NOW });

const codes = (res: { errors?: { extensions?: { code?: string } }[] }) => res.errors?.map((e) => e.extensions?.code);
const caseNumbers = async (who: Parameters<TestApp['login']>[0], filter: object = {}) => {
  const res = await t.app.gql(
    'query($f: CaseFilterInput) { cases(first: 100, filter: $f) { totalCount edges { node { number } } } }',
    { f: filter },
    await t.app.login(who),
  );
  expect(res.errors).toBeUndefined();
  const numbers: string[] = res.data.cases.edges.map((e: any) => e.node.number);
  expect(res.data.cases.totalCount).toBe(numbers.length);
  return numbers.sort();
};
const numbersOf = (...keys: (keyof World['cases'])[]) => keys.map((k) => t.world.cases[k].number).sort();

describe('login and tokens', () => {
  it('logs in with phone and password and returns the officer', async () => {
    const res = await t.app.gql(
      'mutation { login(input: {phone: "13800000102", password: "correct-horse-1"}) { token expiresAt officer { name role phone unit { code } } } }',
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.login.officer).toEqual({ name: 'offA1', role: 'OFFICER', phone: '13800000102', unit: { code: 'A1' } });
    expect(new Date(res.data.login.expiresAt).getTime()).toBe(NOW.getTime() + 12 * 3600_000);
    const me = await t.app.gql('{ me { name } }', {}, res.data.login.token);
    expect(me.data.me.name).toBe('offA1');
  });

  it.each([
    ['wrong password', '13800000102', 'nope-nope-nope'],
    ['unknown phone', '13999999999', 'correct-horse-1'],
  ])('refuses a %s with UNAUTHENTICATED and one message', async (_what, phone, password) => {
    const res = await t.app.gql('mutation($i: LoginInput!) { login(input: $i) { token } }', { i: { phone, password } });
    expect(res.status).toBe(200);
    expect(codes(res)).toEqual(['UNAUTHENTICATED']);
    expect(res.errors![0].message).toBe('Wrong phone or password');
  });

  it('answers UNAUTHENTICATED without a token, with a garbage token and with an expired one', async () => {
    expect(codes(await t.app.gql('{ cases { totalCount } }'))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await t.app.gql('{ cases { totalCount } }', {}, 'not-a-token'))).toEqual(['UNAUTHENTICATED']);
    const expired = jwt.sign({}, 'test-secret-that-is-long-enough-0123456789', {
      subject: String(t.world.officers.offA1.id),
      issuer: 'sanling',
      audience: 'sanling-officer',
      expiresIn: -10,
    });
    const res = await t.app.gql('{ cases { totalCount } }', {}, expired);
    expect(codes(res)).toEqual(['UNAUTHENTICATED']);
    expect(res.errors![0].message).toMatch(/expired/);
    const forged = jwt.sign({}, 'some-other-secret-of-sufficient-length-xx', {
      subject: String(t.world.officers.admin.id),
      issuer: 'sanling',
      audience: 'sanling-officer',
    });
    expect(codes(await t.app.gql('{ cases { totalCount } }', {}, forged))).toEqual(['UNAUTHENTICATED']);
  });

  it('returns null for me without a token', async () => {
    const res = await t.app.gql('{ me { name } }');
    expect(res.data.me).toBeNull();
  });
});

describe('jurisdiction scoping', () => {
  it('shows each officer the cases that happened or are handled under their unit', async () => {
    const all = Object.values(t.world.cases)
      .map((c) => c.number)
      .sort();
    expect(await caseNumbers('admin')).toEqual(all);
    expect(await caseNumbers('supA')).toEqual(numbersOf('a1a', 'a1aAssigned', 'a1aE', 'a1b', 'overdue'));
    expect(await caseNumbers('offA1')).toEqual(numbersOf('a1a', 'a1aAssigned', 'a1aE', 'a1b', 'overdue'));
    expect(await caseNumbers('gridA1a')).toEqual(numbersOf('a1a', 'a1aAssigned', 'a1aE'));
    expect(await caseNumbers('offB')).toEqual(numbersOf('b1a', 'b1aEscalated'));
  });

  it('hides a case of another county by number, by id and through node(id): null, as if there were none, and the rest of the answer stays', async () => {
    const token = await t.app.login('offA1');
    const b = t.world.cases.b1a;
    for (const [query, vars, field] of [
      ['query($n: String) { case(number: $n) { title } me { name } }', { n: b.number }, 'case'],
      ['query($id: ID) { case(id: $id) { title } me { name } }', { id: toGlobalId('Case', b.id) }, 'case'],
      ['query($id: ID!) { node(id: $id) { id } me { name } }', { id: toGlobalId('Case', b.id) }, 'node'],
    ] as const) {
      const res = await t.app.gql(query, vars, token);
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ [field]: null, me: { name: 'offA1' } });
      expect(JSON.stringify(res)).not.toContain(b.title);
    }
    // nodes(ids): each id in order, null where there is nothing to see.
    const mine = t.world.cases.a1a;
    const many = await t.app.gql(
      'query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Case { number } } }',
      { ids: [toGlobalId('Case', mine.id), toGlobalId('Case', b.id), toGlobalId('Unit', 999999)] },
      token,
    );
    expect(many.data.nodes).toEqual([{ id: toGlobalId('Case', mine.id), number: mine.number }, null, null]);
    const tooMany = await t.app.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: Array(101).fill(toGlobalId('Case', mine.id)) }, token);
    expect(codes(tooMany)).toEqual(['BAD_USER_INPUT']);
  });

  it('scopes units, node(id) of units and officers, and nested parents', async () => {
    const token = await t.app.login('offA1');
    const units = await t.app.gql('{ units(first: 100) { totalCount edges { node { code } } } }', {}, token);
    expect(units.data.units.edges.map((e: any) => e.node.code).sort()).toEqual(['A1', 'A1a', 'A1aE', 'A1b']);
    // Ancestors are readable (breadcrumbs), other counties are not.
    const up = await t.app.gql('{ unit(code: "A1a") { parent { code parent { code parent { code parent { code } } } } } }', {}, token);
    expect(up.data.unit.parent).toEqual({ code: 'A1', parent: { code: 'A', parent: { code: 'C', parent: null } } });
    expect((await t.app.gql('{ unit(code: "B1") { name } }', {}, token)).data).toEqual({ unit: null });
    const city = await t.app.gql('{ unit(code: "C") { children { code } } }', {}, token);
    expect(city.data.unit.children).toEqual([{ code: 'A' }]);
    const other = await t.app.gql(
      'query($id: ID!) { node(id: $id) { ... on Officer { name } } }',
      { id: toGlobalId('Officer', t.world.officers.offB.id) },
      token,
    );
    expect(other.data).toEqual({ node: null });
    const colleague = await t.app.gql(
      'query($id: ID!) { node(id: $id) { ... on Officer { name phone } } }',
      { id: toGlobalId('Officer', t.world.officers.gridA1a.id) },
      token,
    );
    expect(colleague.data.node).toEqual({ name: 'gridA1a', phone: '138****0103' });
  });

  it('masks the reporter phone below the handling unit and shows it to the handling chain', async () => {
    const q = 'query($n: String) { case(number: $n) { reporter { displayName phone } } }';
    const vars = { n: t.world.cases.a1a.number }; // handled by township A1
    expect((await t.app.gql(q, vars, await t.app.login('offA1'))).data.case.reporter).toEqual({ displayName: '张三', phone: '13912345678' });
    expect((await t.app.gql(q, vars, await t.app.login('supA'))).data.case.reporter.phone).toBe('13912345678');
    expect((await t.app.gql(q, vars, await t.app.login('gridA1a'))).data.case.reporter.phone).toBe('139****5678');
  });
});

describe('case queries', () => {
  it('fetches a case with nested fields by number and by global id', async () => {
    const token = await t.app.login('offA1');
    const c = t.world.cases.a1aAssigned;
    const byNumber = await t.app.gql(
      `{ case(number: "${c.number.toLowerCase()}") { id number status unit { code } handlingUnit { code } assignee { name } version } }`,
      {},
      token,
    );
    expect(byNumber.data.case).toEqual({
      id: toGlobalId('Case', c.id),
      number: c.number,
      status: 'ASSIGNED',
      unit: { code: 'A1a' },
      handlingUnit: { code: 'A1a' },
      assignee: { name: 'gridA1a' },
      version: 1,
    });
    const byNode = await t.app.gql(`{ node(id: "${toGlobalId('Case', c.id)}") { ... on Case { number } } }`, {}, token);
    expect(byNode.data.node.number).toBe(c.number);
  });

  it('filters by status, kind, unit subtree, assignee, overdue and reported time', async () => {
    expect(await caseNumbers('offA1', { status: ['ASSIGNED', 'IN_PROGRESS'] })).toEqual(numbersOf('a1aAssigned', 'overdue'));
    expect(await caseNumbers('offA1', { kind: 'PETITION' })).toEqual(numbersOf('a1b'));
    expect(await caseNumbers('offA1', { unitId: toGlobalId('Unit', t.world.units.A1a.id) })).toEqual(numbersOf('a1a', 'a1aAssigned', 'a1aE'));
    expect(await caseNumbers('offA1', { assigneeId: toGlobalId('Officer', t.world.officers.gridA1a.id) })).toEqual(numbersOf('a1aAssigned'));
    expect(await caseNumbers('offA1', { overdue: true })).toEqual(numbersOf('overdue'));
    expect((await caseNumbers('offA1', { overdue: false })).length).toBe(4);
    expect(await caseNumbers('offA1', { reportedBefore: '2026-11-01T00:00:00Z' })).toEqual(numbersOf('overdue'));
    expect((await caseNumbers('offA1', { reportedAfter: '2026-11-01T00:00:00Z' })).length).toBe(4);
  });

  it('searches Chinese substrings of title and description, and case numbers', async () => {
    expect(await caseNumbers('offA1', { search: '排水' })).toEqual(numbersOf('a1a'));
    expect(await caseNumbers('offA1', { search: '私拉乱接' })).toEqual(numbersOf('a1aE'));
    expect(await caseNumbers('offA1', { search: t.world.cases.a1b.number })).toEqual(numbersOf('a1b'));
    expect(await caseNumbers('offA1', { search: '50%_\\' })).toEqual([]);
    // Another county's case is not found by its own title.
    expect(await caseNumbers('offA1', { search: '乙县案件' })).toEqual([]);
  });

  it('pages through every case once with opaque cursors, in each order', async () => {
    const token = await t.app.login('admin');
    for (const orderBy of [
      { field: 'REPORTED_AT', direction: 'DESC' },
      { field: 'DUE_AT', direction: 'ASC' },
      { field: 'NUMBER', direction: 'ASC' },
    ]) {
      const seen: string[] = [];
      let after: string | null = null;
      for (let guard = 0; guard < 10; guard++) {
        const res: any = await t.app.gql(
          'query($a: String, $o: CaseOrderInput) { cases(first: 2, after: $a, orderBy: $o) { edges { cursor node { number } } pageInfo { hasNextPage endCursor } } }',
          { a: after, o: orderBy },
          token,
        );
        expect(res.errors).toBeUndefined();
        seen.push(...res.data.cases.edges.map((e: any) => e.node.number));
        if (!res.data.cases.pageInfo.hasNextPage) break;
        after = res.data.cases.pageInfo.endCursor;
      }
      expect(seen.length).toBe(Object.keys(t.world.cases).length);
      expect(new Set(seen).size).toBe(seen.length);
    }
  });

  it.each([
    ['first over 100', '{ cases(first: 101) { totalCount } }', 'BAD_USER_INPUT'],
    ['negative first', '{ cases(first: -1) { totalCount } }', 'BAD_USER_INPUT'],
    ['malformed cursor', '{ cases(after: "!!!") { totalCount } }', 'BAD_USER_INPUT'],
    ['cursor of another ordering', `{ cases(after: "${Buffer.from('["unit:code","A"]').toString('base64url')}") { totalCount } }`, 'BAD_USER_INPUT'],
    ['malformed id', '{ case(id: "x") { number } }', 'BAD_USER_INPUT'],
    ['id of the wrong type', `{ case(id: "${toGlobalId('Unit', 1)}") { number } }`, 'BAD_USER_INPUT'],
    ['neither id nor number', '{ case { number } }', 'BAD_USER_INPUT'],
    ['unknown enum value', '{ cases(filter: {status: [OPENED]}) { totalCount } }', 'GRAPHQL_VALIDATION_FAILED'],
    ['bad date', '{ cases(filter: {reportedAfter: "yesterday"}) { totalCount } }', 'GRAPHQL_VALIDATION_FAILED'],
    ['search over 100 characters', `{ cases(filter: {search: "${'长'.repeat(101)}"}) { totalCount } }`, 'BAD_USER_INPUT'],
  ])('rejects %s with a clear code, never a 500', async (_what, query, code) => {
    const res = await t.app.gql(query, {}, await t.app.login('admin'));
    expect(res.status).toBeLessThan(500);
    expect(codes(res)).toEqual([code]);
    expect(JSON.stringify(res)).not.toMatch(/select |stack|\.ts:/i);
  });

  it.each([
    ['an unknown case id', `{ case(id: "${toGlobalId('Case', 999999)}") { number } }`, 'case'],
    ['an unknown number', '{ case(number: "SL202601010001") { number } }', 'case'],
    ['an unknown node', `{ node(id: "${toGlobalId('Unit', 999999)}") { id } }`, 'node'],
  ])('answers null for %s, not an error', async (_what, query, field) => {
    const res = await t.app.gql(query, {}, await t.app.login('admin'));
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ [field]: null });
  });

  it('masks unexpected errors as INTERNAL_SERVER_ERROR without SQL or stack', async () => {
    const broken = await createTestDb();
    const brokenApp = await startTestApp(broken);
    try {
      await buildWorld(broken.orm.em.fork());
      const token = await brokenApp.login('admin');
      await broken.orm.em.getConnection().execute('drop table case_events; drop table cases cascade');
      const logged: { level: string; req?: string }[] = [];
      redirectLogs((line) => logged.push(JSON.parse(line)));
      const res = await brokenApp.gql('{ cases { totalCount } }', {}, token);
      redirectLogs();
      // The cause is logged once, under the id the client got.
      expect(logged.filter((l) => l.level === 'error').map((l) => l.req)).toEqual([res.errors![0].extensions!.requestId]);
      expect(res.status).toBe(200);
      expect(codes(res)).toEqual(['INTERNAL_SERVER_ERROR']);
      expect(res.errors![0].message).toBe('Internal server error');
      expect(JSON.stringify(res)).not.toMatch(/relation|select|stack|\.ts/i);
    } finally {
      await brokenApp.close();
      await broken.drop();
    }
  });
});

it('checks who you are before what you sent: a malformed id without a token is UNAUTHENTICATED', async () => {
  for (const q of [
    '{ case(id: "x") { number } }',
    '{ node(id: "x") { id } }',
    '{ unit(id: "x") { name } }',
    '{ cases(filter: {unitId: "x"}) { totalCount } }',
  ]) {
    expect(codes(await t.app.gql(q))).toEqual(['UNAUTHENTICATED']);
  }
});
