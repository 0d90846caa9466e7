import {
  getNamedType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
} from 'graphql';
import { toGlobalId } from '../../src/graphql/relay';
import { getSchema } from '../../src/graphql/schema';
import { useWorldApp } from '../support/app';

/*
 * Random arguments for every query and mutation of the schema, generated from its types: whatever
 * arrives, the answer is a typed error a client can act on, never INTERNAL_SERVER_ERROR.
 */

const t = useWorldApp();
const SEED = 20261129;
const ROUNDS_PER_FIELD = 30;
const TYPED = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'INVALID_TRANSITION',
  'VERSION_CONFLICT',
  'RATE_LIMITED',
  // Apollo's own answers to a request that does not fit the schema (wrong variable types, unknown enum values).
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
]);

/** mulberry32: small, seeded, good enough to pick cases. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(items: readonly T[]): T => items[int(items.length)] };
}

describe('fuzzing every argument of the schema', () => {
  it('answers only typed errors, as an admin and as a grid worker', async () => {
    const schema = await getSchema();
    const rnd = random(SEED);
    const w = t.world;
    const realIds = [
      ...Object.values(w.cases).map((c) => toGlobalId('Case', c.id)),
      ...Object.values(w.units).map((u) => toGlobalId('Unit', u.id)),
      ...Object.values(w.officers).map((o) => toGlobalId('Officer', o.id)),
    ];
    const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
    const strings = (): string => {
      switch (rnd.int(12)) {
        case 0:
          return `a\u0000b`;
        case 1:
          return `x\ud800y`;
        case 2:
          return '字'.repeat(10_000);
        case 3:
          return '';
        case 4:
          return rnd.pick(realIds);
        case 5:
          return toGlobalId(rnd.pick(['Case', 'Unit', 'Officer'] as const), rnd.pick([0, 2 ** 31, 2 ** 31 - 1, rnd.int(1000)]));
        case 6:
          return cursorOf(rnd.pick([['case:REPORTED_AT:DESC', 'abc', 1], ['case:NUMBER:ASC', 5, 'x'], ['event', 2 ** 53], ['unit:code', null], ['x']]));
        case 7:
          return rnd.pick(Object.values(w.cases)).number;
        case 8:
          return "'; drop table cases; --";
        case 9:
          return '\u202e\u200b🙂\r\n\t';
        case 10:
          return rnd.pick(['A1a', 'C', '141100000000', 'SL202611230001', '13800000100']);
        default:
          return Array.from({ length: rnd.int(30) }, () => String.fromCharCode(rnd.int(0x3000))).join('');
      }
    };
    const valueOf = (type: GraphQLInputType, depth = 0): unknown => {
      if (rnd.next() < 0.06) return null; // also where null is not allowed
      if (isNonNullType(type)) return valueOf(type.ofType, depth);
      if (isListType(type))
        return rnd.next() < 0.2 ? valueOf(type.ofType, depth + 1) : Array.from({ length: rnd.int(4) }, () => valueOf(type.ofType, depth + 1));
      if (isInputObjectType(type)) {
        if (depth > 4) return {};
        const out: Record<string, unknown> = {};
        for (const field of Object.values(type.getFields())) if (rnd.next() < 0.85) out[field.name] = valueOf(field.type, depth + 1);
        if (rnd.next() < 0.05) out.unknownField = 1;
        return out;
      }
      if (isEnumType(type)) return rnd.next() < 0.85 ? rnd.pick(type.getValues()).value : 'NOT_A_VALUE';
      switch (type.name) {
        case 'Int':
          return rnd.pick([0, 1, -1, 3, 100, 101, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 53, -(2 ** 53), rnd.int(10), 1.5, '7']);
        case 'Float':
          return rnd.pick([0, -0, 0.01, 3000, 2 ** 53, -(2 ** 53), 1e308, -1e308, 5e-324, rnd.next() * 1e6, 'x']);
        case 'Boolean':
          return rnd.pick([true, false, 'true', 0]);
        case 'DateTime':
          return rnd.pick(['2026-11-22T12:00:00Z', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '2026-13-45T99:00:00Z', 'yesterday', 1e15]);
        default:
          return strings();
      }
    };
    /** Declares every argument as a variable (so any value reaches coercion) and selects __typename. */
    const operation = (kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>) => {
      const args = field.args as GraphQLArgument[];
      const decl = args.map((a, i) => `$v${i}: ${a.type.toString()}`).join(', ');
      const pass = args.map((a, i) => `${a.name}: $v${i}`).join(', ');
      const selection = isCompositeType(getNamedType(field.type)) ? ' { __typename }' : '';
      const query = `${kind}${decl ? `(${decl})` : ''} { ${field.name}${pass ? `(${pass})` : ''}${selection} }`;
      return { query, variables: Object.fromEntries(args.map((a, i) => [`v${i}`, valueOf(a.type)])) };
    };

    const tokens = { admin: await t.app.login('admin'), grid: await t.app.login('gridA1a') };
    const roots: ['query' | 'mutation', GraphQLObjectType][] = [
      ['query', schema.getQueryType()!],
      ['mutation', schema.getMutationType()!],
    ];
    const jobs: { role: keyof typeof tokens; query: string; variables: Record<string, unknown> }[] = [];
    for (const role of Object.keys(tokens) as (keyof typeof tokens)[]) {
      for (const [kind, root] of roots) {
        for (const field of Object.values(root.getFields())) {
          for (let i = 0; i < ROUNDS_PER_FIELD; i++) jobs.push({ role, ...operation(kind, field) });
        }
      }
    }
    // Every scalar kind the inputs use is generated on purpose, not by the default branch.
    const inputScalars = new Set<string>();
    const collect = (type: GraphQLInputType, seen = new Set<string>()): void => {
      const named = getNamedType(type);
      if (seen.has(named.name)) return;
      seen.add(named.name);
      if (isScalarType(named)) inputScalars.add(named.name);
      if (isInputObjectType(named)) for (const f of Object.values(named.getFields())) collect(f.type, seen);
    };
    for (const [, root] of roots) for (const f of Object.values(root.getFields())) for (const a of f.args) collect(a.type);
    expect([...inputScalars].filter((s) => !['String', 'ID', 'Int', 'Float', 'Boolean', 'DateTime'].includes(s))).toEqual([]);

    const started = Date.now();
    const untyped: string[] = [];
    const codes = new Map<string, number>();
    let answered = 0;
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const job = jobs[next++];
        const res = await t.app.gql(job.query, job.variables, tokens[job.role]);
        if (res.status >= 500) untyped.push(`${res.status} ${job.query}`);
        if (!res.errors?.length && res.data) answered++;
        for (const e of res.errors ?? []) {
          const code = String(e.extensions?.code);
          codes.set(code, (codes.get(code) ?? 0) + 1);
          if (!TYPED.has(code)) untyped.push(`${code}: ${e.message} ← ${job.role} ${job.query} ${JSON.stringify(job.variables).slice(0, 300)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    console.log(
      `fuzz: ${jobs.length} operations in ${Date.now() - started} ms (seed ${SEED}), ${answered} answered whole; error codes ${JSON.stringify(Object.fromEntries(codes))}`,
    );
    expect(untyped.slice(0, 10)).toEqual([]);
    // Not everything was refused: valid operations among the random ones were answered whole.
    expect(answered).toBeGreaterThan(50);
    // The fuzz reached the resolvers, not only the schema's own checks.
    expect(codes.get('BAD_USER_INPUT')).toBeGreaterThan(100);
  }, 180_000);
});
