import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isEnumType, isInputObjectType, isInterfaceType, isObjectType, isScalarType, isSpecifiedScalarType, type GraphQLSchema } from 'graphql';
import { getSchema, schemaSdl } from '../../src/graphql/schema';

const FILE = path.join(__dirname, '../../schema/schema.graphql');

it('schema/schema.graphql is not stale (UPDATE_SCHEMA=1 npm run schema rewrites it)', async () => {
  const sdl = await schemaSdl();
  if (process.env.UPDATE_SCHEMA === '1') writeFileSync(FILE, sdl);
  expect(readFileSync(FILE, 'utf8')).toBe(sdl);
});

/** Every type, field, argument and enum value carries a description: the schema is the manual. */
function undocumented(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || (isScalarType(type) && isSpecifiedScalarType(type))) continue;
    if (!type.description) missing.push(type.name);
    if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (!field.description) missing.push(`${type.name}.${field.name}`);
        for (const arg of 'args' in field ? field.args : []) {
          if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
    }
    if (isEnumType(type)) {
      for (const v of type.getValues()) if (!v.description) missing.push(`${type.name}.${v.name}`);
    }
  }
  return missing;
}

it('documents every type, field, argument and enum value', async () => {
  expect(undocumented(await getSchema())).toEqual([]);
});

it('carries the contract queries and mutations', async () => {
  const schema = await getSchema();
  const queries = Object.keys(schema.getQueryType()!.getFields());
  expect(queries).toEqual(expect.arrayContaining(['me', 'node', 'unit', 'units', 'case', 'cases']));
  expect(Object.keys(schema.getMutationType()!.getFields())).toEqual(expect.arrayContaining(['login']));
  const filter = schema.getType('CaseFilterInput');
  expect(isInputObjectType(filter) && Object.keys(filter.getFields()).sort()).toEqual([
    'assigneeId',
    'kind',
    'mine',
    'overdue',
    'priority',
    'reportedAfter',
    'reportedBefore',
    'search',
    'status',
    'supervisionLevel',
    'unitId',
  ]);
});

it('every operation in schema/examples.graphql is valid against the schema', async () => {
  const { parse, validate } = await import('graphql');
  const doc = parse(readFileSync(path.join(__dirname, '../../schema/examples.graphql'), 'utf8'));
  expect(doc.definitions.length).toBeGreaterThanOrEqual(8);
  expect(validate(await getSchema(), doc).map((e) => e.message)).toEqual([]);
});
