import { readFileSync } from 'node:fs';
import { redirectLogs } from '../../src/logger';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import {
  getIntrospectionQuery,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  parse,
  specifiedRules,
  validate,
  type GraphQLFormattedError,
  type OperationDefinitionNode,
} from 'graphql';
import jwt from 'jsonwebtoken';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { initOrm, ormOptions } from '../../src/db/orm';
import { formatError } from '../../src/graphql/errors';
import { TEXT_RULES } from '../../src/graphql/input.rules';
import { limitOptions, operationCost } from '../../src/graphql/limits';
import { toGlobalId } from '../../src/graphql/relay';
import { getSchema } from '../../src/graphql/schema';
import { startTestApp, useWorldApp, type GqlResult } from '../support/app';

const t = useWorldApp();
const DEFAULTS = loadConfig({}).graphql;
const SECRET = 'test-secret-that-is-long-enough-0123456789';

const only = (res: GqlResult) => {
  expect(res.errors).toHaveLength(1);
  return res.errors![0];
};
/** Nothing of the database leaks: no SQL, no parameters, no addresses. */
const expectNoInternals = (res: unknown) => {
  const text = JSON.stringify(res);
  expect(text).not.toMatch(/\bselect\b|\binsert\b|\bupdate\b|127\.0\.0\.1|ECONNREFUSED|\$\d|postgres/i);
};
const cursor = (value: unknown[]) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

describe('limits checked before execution', () => {
  it('refuses a query nested deeper than the limit, with depth and limit', async () => {
    const token = await t.app.login('supA');
    const res = await t.app.gql(`{ unit(code: "A1a") { ${'parent { '.repeat(8)} name ${'} '.repeat(8)} } }`, {}, token);
    const err = only(res);
    expect(err.extensions).toEqual({ code: 'BAD_USER_INPUT', depth: 10, limit: DEFAULTS.maxDepth });
    expect(err.message).toMatch(/depth 10, more than the limit of 8/);
  });

  it('counts depth over fields, not fragment spreads: a Relay-style document of nested fragments passes', async () => {
    const token = await t.app.login('supA');
    // Ten fragments deep, five fields deep.
    const fragments = Array.from({ length: 10 }, (_, i) => `fragment F${i} on Unit { ${i < 9 ? `...F${i + 1}` : 'name'} }`).join('\n');
    const relay = await t.app.gql(`{ unit(code: "A1a") { parent { ...F0 } } }\n${fragments}`, {}, token);
    expect(relay.errors).toBeUndefined();
    expect(relay.data.unit.parent.name).toBe('甲一镇');
    // Fields still count: ten levels of parent are too deep however they are written.
    const deep = await t.app.gql(`{ unit(code: "A1a") { ...D } } fragment D on Unit { ${'parent { '.repeat(9)} name ${'} '.repeat(9)} }`, {}, token);
    expect(only(deep).extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: DEFAULTS.maxDepth });
  });

  it('takes queries by GET as clients send them by default, and never a mutation', async () => {
    const token = await t.app.login('supA');
    const get = await fetch(`${t.app.url}/graphql?query=${encodeURIComponent('{ me { name } }')}`, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual({ data: { me: { name: 'supA' } } });
    const mutation = await fetch(`${t.app.url}/graphql?query=${encodeURIComponent('mutation { chatBindingCode { code } }')}`, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });
    expect(mutation.status).toBe(405);
  });

  it('refuses the children/parent tree walk by its cost, computed from first before anything runs', async () => {
    const token = await t.app.login('supA');
    t.db.queries.length = 0;
    const res = await t.app.gql('{ unit(code: "C") { children(first: 100) { parent { children(first: 100) { parent { name } } } } } }', {}, token);
    // unit 1 + children 1 + 100 × (parent 1 + children 1 + 100 × (parent 1)) = 10202
    expect(only(res).extensions).toEqual({ code: 'BAD_USER_INPUT', cost: 10202, limit: DEFAULTS.maxCost });
    expect(t.db.queries.filter((q) => /from "units"/.test(q))).toEqual([]);
  });

  it('prices a page read backwards (last) like one read forwards (first)', async () => {
    const token = await t.app.login('supA');
    const q = (arg: string) => `query($n: Int) { cases(${arg}: $n) { edges { node { similarCases { similarCases { similarCases { number } } } } } } }`;
    // 1 + 100 × (edges 1 + node 1 + 1 + 5 × (1 + 5 × (1 + 5 × 1))) = 15801, whichever end it reads from
    for (const arg of ['first', 'last']) {
      expect(only(await t.app.gql(q(arg), { n: 100 }, token)).extensions).toEqual({ code: 'BAD_USER_INPUT', cost: 15801, limit: DEFAULTS.maxCost });
    }
  });

  it('prices a ranking by the regions it lists and a per-unit statistic by its statement (it was one row, whatever the level)', async () => {
    const admin = await t.app.login('admin');
    // Two townships under the city: the list 1, and per row its unit 1, the children 1 and 100 zero
    // statuses of 10 each (a statement of their own); it cost 1 row before, whatever the level.
    const ranking = 'rankings(level: TOWNSHIP) { unit { children(first: 100) { zeroStatus { zero } } } }';
    const res = await t.app.gql(`{ a: ${ranking} b: ${ranking} c: ${ranking} }`, {}, admin);
    expect(only(res).extensions).toEqual({ code: 'BAD_USER_INPUT', cost: 3 * (1 + 2 * (1 + 1 + 100 * 10)), limit: DEFAULTS.maxCost });
    // Within one county: one township.
    const county = toGlobalId('Unit', t.world.units.A.id);
    const one = await t.app.gql(`{ rankings(level: TOWNSHIP, withinId: "${county}") { unit { name } zeroRates { rate } } }`, {}, admin);
    expect(one.errors).toBeUndefined();
    expect(one.data.rankings).toHaveLength(1);
  });

  it('refuses nested similarCases and counts a variable first', async () => {
    const token = await t.app.login('gridA1a');
    const deep = await t.app.gql(
      '{ cases(first: 100) { edges { node { similarCases { similarCases { similarCases { similarCases { similarCases { number } } } } } } } } }',
      {},
      token,
    );
    expect(only(deep).extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: DEFAULTS.maxDepth });
    const wide = await t.app.gql(
      'query($n: Int) { cases(first: $n) { edges { node { similarCases { similarCases { similarCases { number } } } } } } }',
      { n: 30 },
      token,
    );
    // 1 + 30 × (edges 1 + node 1 + 1 + 5 × (1 + 5 × (1 + 5 × 1))) = 4741: under the limit, and it runs
    expect(wide.errors).toBeUndefined();
    const wider = await t.app.gql(
      'query($n: Int) { cases(first: $n) { edges { node { similarCases { similarCases { similarCases { similarCases { number } } } } } } } }',
      { n: 100 },
      token,
    );
    // Each similar case costs 1 even with only its number selected.
    expect(only(wider).extensions).toEqual({ code: 'BAD_USER_INPUT', cost: 1 + 100 * (3 + 5 * (1 + 5 * (1 + 5 * (1 + 5)))), limit: DEFAULTS.maxCost });
  });

  it('costs a repeated query by its variables each time (costs are remembered per document and variables)', async () => {
    const token = await t.app.login('gridA1a');
    const q = 'query($n: Int) { cases(first: $n) { edges { node { similarCases { similarCases { similarCases { similarCases { number } } } } } } } }';
    for (let round = 0; round < 2; round++) {
      const small = await t.app.gql(q, { n: 1 }, token);
      expect(small.errors).toBeUndefined();
      const big = await t.app.gql(q, { n: 100 }, token);
      expect(only(big).extensions).toMatchObject({ code: 'BAD_USER_INPUT', cost: 1 + 100 * (3 + 5 * (1 + 5 * (1 + 5 * (1 + 5)))) });
    }
  });

  it('refuses too many aliases, and the 1,000-alias attack by its size', async () => {
    const token = await t.app.login('admin');
    const aliases = await t.app.gql(`{ ${Array.from({ length: 25 }, (_, i) => `a${i}: me { name }`).join(' ')} }`, {}, token);
    expect(only(aliases).extensions).toEqual({ code: 'BAD_USER_INPUT', aliases: 25, limit: DEFAULTS.maxAliases });
    const attack = await t.app.gql(
      `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: cases(first: 100) { edges { node { similarCases { number } } } }`).join(' ')} }`,
      {},
      token,
    );
    expect(only(attack).extensions).toEqual({ code: 'BAD_USER_INPUT', limit: DEFAULTS.maxTokens });
    const small = await t.app.gql(`{ ${Array.from({ length: 300 }, (_, i) => `a${i}: me { name }`).join(' ')} }`, {}, token);
    expect(only(small).extensions).toEqual({ code: 'BAD_USER_INPUT', aliases: 300, limit: DEFAULTS.maxAliases });
  });

  it('still answers the README query and a normal page with nested units', async () => {
    const token = await t.app.login('offA1');
    const readme = await t.app.gql(
      '{ cases(first: 5, filter: {status: [REPORTED, IN_PROGRESS]}) { totalCount edges { node { number title status dueAt unit { name } } } } }',
      {},
      token,
    );
    expect(readme.errors).toBeUndefined();
    expect(readme.data.cases.totalCount).toBeGreaterThan(0);
    const page = await t.app.gql(
      '{ cases(first: 100) { edges { node { number unit { name parent { name } } handlingUnit { name } assignee { name } similarCases { number } events(first: 10) { edges { node { seq } } } } } } }',
      {},
      token,
    );
    expect(page.errors).toBeUndefined();
    expect(page.data.cases.edges.length).toBe(5);
  });

  it('stops a request past its deadline with one clear error', async () => {
    const app = await startTestApp(t.db, undefined, { GRAPHQL_TIMEOUT_MS: '1' });
    try {
      // A token from the other app (same secret): logging in would itself run out of time here.
      const token = await t.app.login('admin');
      const res = await app.gql('{ cases(first: 100) { edges { node { number unit { parent { parent { name } } } handlingUnit { name } } } } }', {}, token);
      const err = only(res);
      expect(err.extensions).toEqual({ code: 'BAD_USER_INPUT', timeoutMs: 1 });
      expect(err.message).toMatch(/took longer than 1 ms/);
    } finally {
      await app.close();
    }
  });

  it('gives server connections a statement_timeout, and answers its cancel as the same timeout', async () => {
    const orm = await initOrm({ url: t.db.url, poolMax: 1, statementTimeoutMs: 200 });
    try {
      const err = await orm.em
        .fork()
        .getConnection()
        .execute('select pg_sleep(2)')
        .catch((e: unknown) => e);
      expect((err as { code?: string }).code).toBe('57014');
      const formatted = formatError(200)({ message: 'x' }, err);
      expect(formatted.extensions).toEqual({ code: 'BAD_USER_INPUT', timeoutMs: 200 });
    } finally {
      await orm.close(true);
    }
  });
});

describe('field suggestions', () => {
  it('name the fields a client did not ask for only outside production', async () => {
    const typo = '{ casez { totalCount } }';
    const dev = only(await t.app.gql(typo));
    expect(dev.message).toMatch(/Did you mean "case" or "cases"\?/);
    const prod = await startTestApp(t.db, undefined, { NODE_ENV: 'production' });
    try {
      const err = only(await prod.gql(typo));
      expect(err.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(err.message).toMatch(/Cannot query field "casez"/);
      expect(err.message).not.toMatch(/Did you mean|"cases"/);
    } finally {
      await prod.close();
    }
  });
});

describe('string input checked at the boundary', () => {
  it('refuses NUL and other control characters naming the argument', async () => {
    const token = await t.app.login('admin');
    const res = await t.app.gql('query($s: String) { cases(filter: {search: $s}) { totalCount } }', { s: 'a\u0000b' }, token);
    expect(only(res).extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'filter.search' });
    expectNoInternals(res);
    const inline = await t.app.gql('{ unit(code: "A1\\u0000") { name } }', {}, token);
    expect(only(inline).extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'code' });
    const surrogate = await t.app.gql('query($n: String) { case(number: $n) { title } }', { n: 'SL\ud800' }, token);
    expect(only(surrogate).extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'number' });
  });

  it('refuses a reporter name over 100 characters and keeps line breaks in free text', async () => {
    const token = await t.app.login('offA1');
    const input = (displayName: string, description: string) => ({
      kind: 'DISPUTE',
      title: '测试',
      description,
      unitId: toGlobalId('Unit', t.world.units.A1a.id),
      reporter: { displayName },
    });
    const q = 'mutation($i: ReportCaseInput!) { reportCase(input: $i) { case { number description } } }';
    const long = await t.app.gql(q, { i: input('名'.repeat(101), 'x') }, token);
    expect(only(long).extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'input.reporter.displayName', maxLength: 100 });
    const tabbed = await t.app.gql(q, { i: input('王\t五', 'x') }, token);
    expect(only(tabbed).extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'input.reporter.displayName' });
    // Bidirectional overrides are taken out, not refused: the stored text reads as it is.
    const bidi = await t.app.gql(
      q.replace('number description', 'number description reporter { displayName }'),
      { i: input('王\u202e五\u2066', '照片\u202egpj.exe') },
      token,
    );
    expect(bidi.errors).toBeUndefined();
    expect(bidi.data.reportCase.case.description).toBe('照片gpj.exe');
    const ok = await t.app.gql(q, { i: input('名'.repeat(100), '第一行\n第二行\t完') }, token);
    expect(ok.errors).toBeUndefined();
    expect(ok.data.reportCase.case.description).toBe('第一行\n第二行\t完');
  });

  it.each([
    ['a text where a timestamp belongs', ['case:REPORTED_AT:DESC', 'abc', 1]],
    ['a string where the id belongs', ['case:REPORTED_AT:DESC', '2026-11-20T00:00:00.000Z', 'x']],
    ['an id beyond int', ['case:REPORTED_AT:DESC', '2026-11-20T00:00:00.000Z', 2 ** 53]],
    ['NUL in the key', ['case:NUMBER:ASC', 'SL\u0000', 1]],
    ['the year 0', ['case:REPORTED_AT:DESC', '0000-01-01T00:00:00Z', 1]],
    ['30 February', ['case:REPORTED_AT:DESC', '2026-02-30T00:00:00Z', 1]],
    ['29 February of a common year', ['case:REPORTED_AT:DESC', '2026-02-29T12:00:00.000Z', 1]],
    ['an offset PostgreSQL refuses', ['case:REPORTED_AT:DESC', '9999-12-31T23:59:59+23:59', 1]],
    ['the hour 24', ['case:REPORTED_AT:DESC', '2026-11-20T24:00:00Z', 1]],
  ])('refuses a forged cases cursor with %s as BAD_USER_INPUT naming after', async (_what, value) => {
    const token = await t.app.login('admin');
    const order = value[0] === 'case:NUMBER:ASC' ? ', orderBy: {field: NUMBER, direction: ASC}' : '';
    const res = await t.app.gql(`query($a: String) { cases(after: $a${order}) { totalCount } }`, { a: cursor(value) }, token);
    expect(only(res).extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'after' });
    expectNoInternals(res);
  });

  it('takes a cursor with a real leap day and an offset, and refuses ids with trailing parts or other spellings', async () => {
    const token = await t.app.login('admin');
    const leap = await t.app.gql(
      'query($a: String) { cases(after: $a) { totalCount } }',
      { a: cursor(['case:REPORTED_AT:DESC', '2028-02-29T23:59:59.999+08:00', 1]) },
      token,
    );
    expect(leap.errors).toBeUndefined();
    const id = t.world.cases.a1a.id;
    const ok = await t.app.gql('query($id: ID!) { node(id: $id) { id } }', { id: toGlobalId('Case', id) }, token);
    expect(ok.errors).toBeUndefined();
    for (const forged of [`Case:${id}:2`, `Case:0${id}`, `Case: ${id}`, `Case:${id}\n`]) {
      const res = await t.app.gql('query($id: ID!) { node(id: $id) { id } }', { id: Buffer.from(forged).toString('base64url') }, token);
      expect(only(res).extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    }
  });

  it('refuses forged trail and unit cursors', async () => {
    const token = await t.app.login('admin');
    const events = await t.app.gql(
      'query($n: String, $a: String) { case(number: $n) { events(after: $a) { totalCount } } }',
      { n: t.world.cases.a1a.number, a: cursor(['event', 'abc']) },
      token,
    );
    expect(only(events).extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'after' });
    const units = await t.app.gql('query($a: String) { units(after: $a) { totalCount } }', { a: cursor(['unit:code', 1e300]) }, token);
    expect(only(units).extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'after' });
  });

  it('declares rules only for coordinates the schema has', async () => {
    const schema = await getSchema();
    const missing = Object.keys(TEXT_RULES).filter((coordinate) => {
      const m = /^(\w+)\.(\w+)(?:\((\w+)\))?$/.exec(coordinate);
      const type = m && schema.getType(m[1]);
      const field = type && 'getFields' in type ? (type.getFields() as Record<string, { args?: { name: string }[] }>)[m[2]] : undefined;
      if (!field) return true;
      return m![3] ? !field.args?.some((a) => a.name === m![3]) : false;
    });
    expect(missing).toEqual([]);
  });
});

describe('every list has a bound', () => {
  it('gives each list field of the schema a first argument or a declared bound', async () => {
    const schema = await getSchema();
    const unbounded: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!(isObjectType(type) || isInterfaceType(type)) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        if (!isListType(getNullableType(field.type))) continue;
        const limited = field.args.some((a) => a.name === 'first') || field.extensions?.listBound !== undefined;
        if (!limited) unbounded.push(`${type.name}.${field.name}`);
      }
    }
    expect(unbounded).toEqual([]);
  });

  it('prices a list without first by its bound: trend by its months, the base data by the kinds and categories', async () => {
    const schema = await getSchema();
    const cost = (q: string) => operationCost(schema, parse(q)).cost;
    // dashboard 1 + trend 1 + months × point 1
    expect(cost('{ dashboard { trend(months: 36) { month } } }')).toBe(1 + 1 + 36);
    expect(cost('{ dashboard { trend { month } } }')).toBe(1 + 1 + 12);
    // dashboard 1 + base 1 + each list 1 and an object per kind (8) or category (3)
    expect(cost('{ dashboard { base { openByKind { count } unitsByCategory { count } } } }')).toBe(1 + 1 + (1 + 8) + (1 + 3));
    expect(operationCost(schema, parse('{ dashboard { month } }')).heavy).toBe(true);
    // Introspection (GraphiQL's, Apollo Client's devtools') reads the fixed schema: well under the limit.
    expect(operationCost(schema, parse(getIntrospectionQuery())).cost).toBeLessThan(DEFAULTS.maxCost / 10);
    expect(operationCost(schema, parse('{ cases { edges { node { number } } } }')).heavy).toBe(false);
  });
});

describe('every example operation stays under the default limits', () => {
  it('validates with the limit rules and costs at most the default', async () => {
    const schema = await getSchema();
    const doc = parse(readFileSync(path.join(__dirname, '../../schema/examples.graphql'), 'utf8'), { maxTokens: DEFAULTS.maxTokens });
    const { validationRules } = limitOptions(DEFAULTS, true);
    expect(validate(schema, doc, [...specifiedRules, ...validationRules]).map((e) => e.message)).toEqual([]);
    const costs: Record<string, number> = {};
    for (const op of doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)) {
      // Any value of the right type: only first changes the cost, and the examples write it inline.
      const sample: Record<string, unknown> = { ID: 'x', String: 'x', Int: 1 };
      const variables = Object.fromEntries(
        (op.variableDefinitions ?? []).map((v) => {
          let type = v.type;
          while (type.kind !== Kind.NAMED_TYPE) type = type.type;
          return [v.variable.name.value, sample[type.name.value]];
        }),
      );
      costs[op.name!.value] = operationCost(schema, doc, variables, op.name!.value).cost;
    }
    expect(Object.keys(costs).length).toBeGreaterThanOrEqual(8);
    expect(Object.entries(costs).filter(([, cost]) => cost > DEFAULTS.maxCost)).toEqual([]);
    // 20 open cases, each paid for its edge, node and four nested objects, plus pageInfo (overcounted per item).
    expect(costs.OpenCases).toBe(1 + 20 * (1 + 1 + 1 + 4));
  });
});

describe('masked errors', () => {
  it('answers an unexpected error as INTERNAL_SERVER_ERROR with a request id, also in development, and logs the cause with that id', async () => {
    // A database nobody listens on: the ORM is created without connecting.
    const config = loadConfig({ NODE_ENV: 'development', JWT_SECRET: SECRET });
    const orm = await MikroORM.init({ ...ormOptions({ url: 'postgres://postgres@127.0.0.1:9/nowhere' }), connect: false });
    const app = await createApp(orm, config);
    const server: Server = await new Promise((resolve) => {
      const s = app.express.listen(0, '127.0.0.1', () => resolve(s));
    });
    const logged: { level: string; req?: string; msg: string; err?: { message: string } }[] = [];
    redirectLogs((line) => logged.push(JSON.parse(line)));
    try {
      const post = async (query: string, token?: string) => {
        const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify({ query }),
        });
        return { header: res.headers.get('x-request-id'), body: (await res.json()) as { errors?: GraphQLFormattedError[] } };
      };
      const token = jwt.sign({}, SECRET, { subject: '1', issuer: 'sanling', audience: 'sanling-officer' });
      for (const [query, auth] of [
        ['mutation { login(input: {phone: "13800000000", password: "sanling-demo"}) { token } }', undefined],
        ['{ cases { totalCount } }', token],
      ] as const) {
        const { header, body } = await post(query, auth);
        expect(body.errors).toHaveLength(1);
        const [err] = body.errors!;
        expect(err.message).toBe('Internal server error');
        expect(err.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', requestId: header });
        expect(header).toMatch(/^[0-9a-f-]{36}$/);
        expectNoInternals(body);
        // The developer finds the cause in the log under the same id, logged once.
        const errors = logged.filter((l) => l.level === 'error' && l.req === header);
        expect(errors).toHaveLength(1);
        expect(errors[0].err?.message).toMatch(/ECONNREFUSED|connect/i);
      }
    } finally {
      redirectLogs();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await app.stop();
      await orm.close(true);
    }
  });
});
