import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { toGlobalId } from '../../src/graphql/relay';
import { useWorldApp } from '../support/app';

/*
 * A Relay client as it comes: relay-compiler (its native binary, from npm) compiles the documents of
 * test/relay/src — fragments all the way down, with @connection, @refetchable and @arguments —
 * against schema/schema.graphql, and the operations it generates run against the server under the
 * default limits (depth is counted over fields, not fragment spreads).
 */

const ROOT = path.join(__dirname, '../..');
const GENERATED = path.join(ROOT, 'test/relay/__generated__');
const t = useWorldApp();

/** The operation text relay-compiler generated for a query. */
function operation(name: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const artifact = require(path.join(GENERATED, `${name}.graphql.ts`)).default as { params: { text: string; name: string } };
  expect(artifact.params.name).toBe(name);
  return artifact.params.text;
}

beforeAll(() => {
  rmSync(GENERATED, { recursive: true, force: true });
  mkdirSync(GENERATED);
  const compiled = spawnSync(process.execPath, [require.resolve('relay-compiler/cli.js'), path.join(ROOT, 'test/relay/relay.config.json')], {
    // Paths in the configuration are read from the directory it runs in.
    cwd: path.join(ROOT, 'test/relay'),
    encoding: 'utf8',
  });
  expect({ status: compiled.status, output: compiled.status ? `${compiled.stdout}${compiled.stderr}` : '' }).toEqual({ status: 0, output: '' });
  expect(existsSync(path.join(GENERATED, 'documentsCaseListQuery.graphql.ts'))).toBe(true);
});

it('compiles against the schema and runs the case list and its next page', async () => {
  const token = await t.app.login('offA1');
  const first = await t.app.gql(operation('documentsCaseListQuery'), { first: 2 }, token);
  expect(first.errors).toBeUndefined();
  const page = first.data.cases;
  expect(page.edges).toHaveLength(2);
  expect(page.edges[0].node).toMatchObject({ __typename: 'Case', number: expect.stringMatching(/^SL/), unit: { parent: { name: expect.any(String) } } });
  expect(page.pageInfo.hasNextPage).toBe(true);
  // The pagination query relay-compiler made for @refetchable, from the cursor of the first page.
  const next = await t.app.gql(operation('documentsCaseListPaginationQuery'), { first: 2, after: page.pageInfo.endCursor }, token);
  expect(next.errors).toBeUndefined();
  const numbers = (p: any) => p.edges.map((e: any) => e.node.number);
  expect(numbers(next.data.cases).some((n: string) => numbers(page).includes(n))).toBe(false);
  expect(next.data.cases.totalCount).toBe(page.totalCount);
});

it('runs a case’s trail through node(id) and its refetchable pagination query', async () => {
  const token = await t.app.login('offA1');
  const id = toGlobalId('Case', t.world.cases.a1a.id);
  const res = await t.app.gql(operation('documentsCaseEventsQuery'), { id }, token);
  expect(res.errors).toBeUndefined();
  expect(res.data.node).toMatchObject({ __typename: 'Case', id, number: t.world.cases.a1a.number });
  expect(res.data.node.events.edges[0].node.type).toBe('REPORT');
  const refetched = await t.app.gql(operation('documentsCaseEventsPaginationQuery'), { id, count: 5, cursor: null }, token);
  expect(refetched.errors).toBeUndefined();
  expect(refetched.data.node.events.edges.map((e: any) => e.node.id)).toEqual(res.data.node.events.edges.map((e: any) => e.node.id));
});
