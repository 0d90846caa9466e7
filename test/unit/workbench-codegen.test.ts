import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/*
 * The workbench's typed documents (src/workbench/gql) are generated from schema/schema.graphql and
 * the operations in its screens, and committed. graphql-codegen's --check generates them again in
 * memory and fails when they differ: an operation or the schema changed without `npm run codegen`.
 */

const ROOT = path.join(__dirname, '../..');
const CLI = path.join(ROOT, 'node_modules/@graphql-codegen/cli/cjs/bin.js');

function check() {
  return spawnSync(process.execPath, [CLI, '--config', 'src/workbench/codegen.yml', '--check'], { cwd: ROOT, encoding: 'utf8' });
}

it('has its generated documents up to date with the schema and the screens’ operations', () => {
  const res = check();
  expect({ status: res.status, output: res.status ? `${res.stdout}${res.stderr}` : '' }).toEqual({ status: 0, output: '' });
  expect(readFileSync(path.join(ROOT, 'src/workbench/gql/graphql.ts'), 'utf8')).toMatch(/export type TodoListQuery = /);
});

it('notices generated documents that fell behind (the check is not blind)', () => {
  const file = path.join(ROOT, 'src/workbench/gql/graphql.ts');
  const committed = readFileSync(file, 'utf8');
  try {
    writeFileSync(file, committed.replace('export type TodoListQuery = ', 'export type TodoListQueryOld = '));
    expect(check().status).not.toBe(0);
  } finally {
    writeFileSync(file, committed);
  }
});
